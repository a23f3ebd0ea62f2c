//! The merge on the shapes that cost the most: two months of minute-level steps from a watch and a phone
//! (what a rollup run of an Apple Health import merges), and a year of one provider's steps at three
//! resolutions (Google Fit's data points, quarter-hour rows and day rows), where summaries nest.
//! `cargo bench -p wearhouse-analytics`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wearhouse_analytics::{merge_intervals, SourcedInterval};

const MIN: i64 = 60_000_000;

/// Minute intervals over `days`, every `stride` minutes, `value` steps each.
fn minutes(days: i64, stride: i64, value: f64, source: u32, rank: u32) -> Vec<SourcedInterval> {
    (0..days * 1440)
        .step_by(stride as usize)
        .map(|m| SourcedInterval::plain(m * MIN, (m + 1) * MIN, value, source, rank))
        .collect()
}

fn watch_and_phone(c: &mut Criterion) {
    let mut input = minutes(62, 1, 80.0, 1, 1);
    // The phone records in 7-minute pieces across the watch's minutes.
    input.extend(
        (0..62 * 1440 / 7).map(|i| SourcedInterval::plain(i * 7 * MIN, (i + 1) * 7 * MIN, 500.0, 2, 3)),
    );
    let mut group = c.benchmark_group("merge");
    group.throughput(Throughput::Elements(input.len() as u64));
    group.bench_function("watch_and_phone_62_days", |b| b.iter(|| merge_intervals(&input)));
    group.finish();
}

fn google_fit_year(c: &mut Criterion) {
    let family = |i: SourcedInterval, summary: bool| SourcedInterval {
        family: 100,
        summary,
        ..i
    };
    // Points every third minute; quarter-hour rows and day rows that total a little more.
    let mut input: Vec<SourcedInterval> = minutes(365, 3, 40.0, 10, 5)
        .into_iter()
        .map(|i| family(i, false))
        .collect();
    input.extend((0..365 * 96).map(|q| {
        family(
            SourcedInterval::plain(q * 15 * MIN, (q + 1) * 15 * MIN, 210.0, 11, 5),
            true,
        )
    }));
    input.extend((0..365).map(|d| {
        family(
            SourcedInterval::plain(d * 1440 * MIN, (d + 1) * 1440 * MIN, 20_500.0, 12, 5),
            true,
        )
    }));
    let mut group = c.benchmark_group("merge");
    group.sample_size(10);
    group.throughput(Throughput::Elements(input.len() as u64));
    group.bench_function("google_fit_three_resolutions_365_days", |b| {
        b.iter(|| merge_intervals(&input))
    });
    group.finish();
}

criterion_group!(benches, watch_and_phone, google_fit_year);
criterion_main!(benches);
