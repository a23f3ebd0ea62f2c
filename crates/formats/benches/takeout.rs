//! Throughput of the Fitbit and Google Fit entry readers. The shared samples hold no Fitbit or Google
//! Fit export (no public one could be redistributed), so the inputs are generated here in the exact
//! shapes of the real files (see `tests/takeout_fixtures.rs`): a month of heart rate at one reading a
//! minute in one Fitbit-formatted array (43,200 readings, Fitbit's pretty-printing), a month of minute
//! steps (mostly zeros, as Fitbit writes them), the same month of heart rate as a Google Fit `All Data`
//! file, and a year of `Daily activity metrics.csv`.

use std::fmt::Write;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use wearhouse_formats::fitbit::{read_fitbit_entry, FitbitContext, WeightUnit};
use wearhouse_formats::google_fit::read_google_fit_entry;
use wearhouse_formats::ZoneHistory;

const DAYS: i64 = 30;
const START: i64 = 1_577_836_800; // 2020-01-01T00:00:00Z

fn minutes() -> impl Iterator<Item = (i64, Timestamp)> {
    (0..DAYS * 1440).filter_map(|i| {
        Timestamp::from_second(START)
            .ok()?
            .checked_add(SignedDuration::from_mins(i))
            .ok()
            .map(|t| (i, t))
    })
}

fn fitbit_time(t: Timestamp) -> String {
    t.to_zoned(TimeZone::UTC)
        .strftime("%m/%d/%y %H:%M:%S")
        .to_string()
}

fn fitbit_heart_rate() -> String {
    let mut out = String::from("[");
    for (i, t) in minutes() {
        let sep = if i == 0 { "" } else { "," };
        let bpm = 55 + (i * 7919) % 60;
        let _ = write!(
            out,
            "{sep}{{\n  \"dateTime\" : \"{}\",\n  \"value\" : {{\n    \"bpm\" : {bpm},\n    \"confidence\" : 2\n  }}\n}}",
            fitbit_time(t)
        );
    }
    out.push(']');
    out
}

fn fitbit_steps() -> String {
    let mut out = String::from("[");
    for (i, t) in minutes() {
        let sep = if i == 0 { "" } else { "," };
        let steps = if i % 5 == 0 { (i * 31) % 120 } else { 0 };
        let _ = write!(
            out,
            "{sep}{{\n  \"dateTime\" : \"{}\",\n  \"value\" : \"{steps}\"\n}}",
            fitbit_time(t)
        );
    }
    out.push(']');
    out
}

fn google_fit_heart_rate() -> String {
    let mut out = String::from(
        "{\n  \"Data Source\": \"derived:com.google.heart_rate.bpm:com.google.android.gms:merge_heart_rate_bpm\",\n  \"Data Points\": [",
    );
    for (i, t) in minutes() {
        let sep = if i == 0 { "" } else { "," };
        let nanos = t.as_nanosecond();
        let bpm = 55.0 + ((i * 7919) % 600) as f64 / 10.0;
        let _ = write!(
            out,
            "{sep}{{\n    \"fitValue\": [{{\n      \"value\": {{\n        \"fpVal\": {bpm}\n      }}\n    }}],\n    \"originDataSourceId\": \"raw:com.google.heart_rate.bpm:com.mc.miband1:Xiaomi:MI Band 2:1234:heart_rate\",\n    \"endTimeNanos\": {nanos},\n    \"dataTypeName\": \"com.google.heart_rate.bpm\",\n    \"startTimeNanos\": {nanos},\n    \"modifiedTimeMillis\": {},\n    \"rawTimestampNanos\": 0\n  }}",
            t.as_millisecond()
        );
    }
    out.push_str("]\n}");
    out
}

fn google_fit_daily() -> String {
    let mut out = String::from(
        "Date,Move Minutes count,Calories (kcal),Distance (m),Heart Points,Heart Minutes,Average heart rate (bpm),Max heart rate (bpm),Min heart rate (bpm),Average speed (m/s),Max speed (m/s),Min speed (m/s),Step count,Average weight (kg),Max weight (kg),Min weight (kg),Running duration (ms),Walking duration (ms),Inactive duration (ms)\n",
    );
    let mut day = jiff::civil::date(2020, 1, 1);
    for i in 0..366 {
        let _ = writeln!(
            out,
            "{day},{},2100.5,{}.2,30,25,80,150,55,1.2,3.4,0.5,{},79.6,79.8,79.4,1920000,600000,40000000",
            20 + i % 40,
            3000 + i * 7,
            4000 + i * 13
        );
        day = day.tomorrow().unwrap_or(day);
    }
    out
}

fn readers(c: &mut Criterion) {
    let ctx = FitbitContext {
        zones: ZoneHistory::fixed(TimeZone::get("Europe/Berlin").unwrap_or(TimeZone::UTC)),
        weight_unit: WeightUnit::Kilogram,
    };
    let mut group = c.benchmark_group("takeout");
    group.sample_size(20);
    let fitbit_inputs = [
        (
            "fitbit heart_rate (30 days)",
            "heart_rate-2020-01-01.json",
            fitbit_heart_rate(),
        ),
        ("fitbit steps (30 days)", "steps-2020-01-01.json", fitbit_steps()),
    ];
    for (name, path, text) in &fitbit_inputs {
        let parsed = read_fitbit_entry(path, text.as_bytes(), &ctx);
        match &parsed {
            Ok(file) => eprintln!("{name}: {} bytes, {} samples", text.len(), file.samples.len()),
            Err(e) => eprintln!("{name} does not read: {e}"),
        }
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| read_fitbit_entry(path, std::hint::black_box(text.as_bytes()), &ctx))
        });
    }
    let google_inputs = [
        (
            "google fit All Data heart rate (30 days)",
            "Takeout/Fit/All Data/derived_com.google.heart_rate.bpm_com.google.android.gms_merge_heart_rate_bpm.json",
            google_fit_heart_rate(),
        ),
        (
            "google fit daily metrics (1 year)",
            "Takeout/Fit/Daily activity metrics/Daily activity metrics.csv",
            google_fit_daily(),
        ),
    ];
    for (name, path, text) in &google_inputs {
        match read_google_fit_entry(path, text.as_bytes(), &ctx.zones) {
            Ok(file) => eprintln!("{name}: {} bytes, {} samples", text.len(), file.samples.len()),
            Err(e) => eprintln!("{name} does not read: {e}"),
        }
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| read_google_fit_entry(path, std::hint::black_box(text.as_bytes()), &ctx.zones))
        });
    }
    group.finish();
}

criterion_group!(benches, readers);
criterion_main!(benches);
