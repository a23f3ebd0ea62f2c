//! Throughput of the FIT reader on real files from `../shared/samples/fit`. The target: a 2.8 MB
//! activity imported end to end in ≤ 60 ms, so parsing should run at ≥ 100 MB/s; the `fitparser`
//! crate measured 9–14 MB/s on the same files.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wearhouse_formats::fit::read_fit;

const FILES: &[&str] = &[
    "activity-large-fenxi2-multisport.fit",
    "bench-sample-1h-run.fit",
    "wahoo-elemnt-2019-02-17.fit",
];

fn reader(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples/fit");
    if !dir.is_dir() {
        eprintln!(
            "SKIPPED: sample directory {} is missing; nothing to benchmark",
            dir.display()
        );
        return;
    }
    let mut group = c.benchmark_group("fit");
    for name in FILES {
        let Ok(bytes) = std::fs::read(dir.join(name)) else {
            eprintln!("SKIPPED: {name} is missing");
            continue;
        };
        if let Err(e) = read_fit(&bytes) {
            eprintln!("SKIPPED: {name} does not read: {e}");
            continue;
        }
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(*name, |b| b.iter(|| read_fit(std::hint::black_box(&bytes))));
    }
    group.finish();
}

criterion_group!(benches, reader);
criterion_main!(benches);
