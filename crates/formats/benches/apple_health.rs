//! Throughput of the Apple Health reader. The target: parsing alone at ≥ 400 MB/s, so that a 365-day
//! export (~600,000 records, ~245 MB) imports end to end in ≤ 1 s. Measured on a synthetic 30-day export
//! generated in memory and on the real hkimport export from `../shared/samples/apple_health`.
//!
//! `WEARHOUSE_BENCH_FULL_YEAR=1` also times one pass over a generated 365-day export (about 245 MB held
//! in memory) and prints records per second.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wearhouse_formats::apple_health::{synthetic, AppleHealthReader};

/// Reads every record; returns how many, so nothing is optimised away.
fn parse(bytes: &[u8]) -> u64 {
    let mut reader = AppleHealthReader::new(bytes);
    let mut n = 0;
    while let Ok(Some(record)) = reader.next_record() {
        black_box(&record);
        n += 1;
    }
    n
}

fn reader(c: &mut Criterion) {
    let mut export = Vec::new();
    let stats = match synthetic::write_export(&mut export, 30, 1) {
        Ok(stats) => stats,
        Err(e) => {
            eprintln!("SKIPPED: generating the synthetic export failed: {e}");
            return;
        }
    };
    eprintln!(
        "synthetic 30-day export: {} bytes, {} records, {} workouts",
        stats.bytes,
        stats.samples + stats.unmapped,
        stats.workouts
    );
    let mut group = c.benchmark_group("apple_health");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Bytes(export.len() as u64));
    group.bench_function("synthetic_30_days", |b| b.iter(|| parse(black_box(&export))));

    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/samples/apple_health/hkimport_export_v3_2017.xml");
    match std::fs::read(&path) {
        Ok(bytes) => {
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_function("hkimport_export_v3_2017", |b| b.iter(|| parse(black_box(&bytes))));
        }
        Err(e) => eprintln!("SKIPPED: {} is not readable ({e})", path.display()),
    }
    group.finish();

    if std::env::var_os("WEARHOUSE_BENCH_FULL_YEAR").is_some() {
        let mut year = Vec::new();
        if let Ok(stats) = synthetic::write_export(&mut year, 365, 1) {
            let started = Instant::now();
            let n = parse(&year);
            let elapsed = started.elapsed().as_secs_f64();
            eprintln!(
                "365-day export: {:.1} MB, {n} records (+{} workouts, {} summaries) in {:.3} s: {:.0} MB/s, {:.0} records/s",
                stats.bytes as f64 / 1e6,
                stats.workouts,
                stats.activity_summaries,
                elapsed,
                stats.bytes as f64 / 1e6 / elapsed,
                n as f64 / elapsed
            );
        }
    }
}

criterion_group!(benches, reader);
criterion_main!(benches);
