//! Throughput of the GPX and TCX readers on real files from `../shared/samples`. The target is a
//! 370 KB Garmin Connect GPX in well under 15 ms (>150 MB/s hoped for; the `gpx` crate does ~20 MB/s).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wearhouse_formats::gpx::read_gpx;
use wearhouse_formats::tcx::read_tcx;

const FILES: &[&str] = &[
    "gpx/garmin-connect-activity.gpx",
    "gpx/garmin-gpsmap64s-with-extensions.gpx",
    "tcx/20210119_run_garmin_fenix6.tcx",
    "tcx/20210308_virtual_ride_with_power.tcx",
    "tcx/20210323_yoga.tcx",
];

fn readers(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    if !dir.is_dir() {
        eprintln!(
            "SKIPPED: sample directory {} is missing; nothing to benchmark",
            dir.display()
        );
        return;
    }
    let mut group = c.benchmark_group("gpx_tcx");
    for name in FILES {
        let Ok(bytes) = std::fs::read(dir.join(name)) else {
            eprintln!("SKIPPED: {name} is missing");
            continue;
        };
        let read = if name.ends_with(".gpx") {
            read_gpx
        } else {
            read_tcx
        };
        if let Err(e) = read(&bytes) {
            eprintln!("SKIPPED: {name} does not read: {e}");
            continue;
        }
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(*name, |b| b.iter(|| read(std::hint::black_box(&bytes))));
    }
    group.finish();
}

criterion_group!(benches, readers);
criterion_main!(benches);
