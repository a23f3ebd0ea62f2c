//! `wearhouse bench time-zones`: replacing the time-zone history of a user with years of minute-level
//! data, and how long until every day is recomputed in the new zones.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use serde_json::{json, Value};

use super::bench::BenchServer;
use crate::config::Config;

/// Minute-level heart rate and steps from one watch for `years` years ending on the last day of
/// 2025, loaded over HTTP (the user lives in Berlin), and a Fitbit export of the same years (a night
/// of sleep in three stages, a resting heart rate and a weight each day: wall-clock data, which
/// follows the history); then the history is replaced by one that moves every one of those days
/// (Sydney for the first half, then New York), and the recompute is timed until no day is pending.
pub async fn run(config: &Config, years: u32) -> anyhow::Result<()> {
    ensure!((1..=10).contains(&years), "years 1–10");
    let bench = BenchServer::start(config).await?;
    let end = jiff::civil::date(2026, 1, 1);
    let start = end
        .checked_sub(jiff::Span::new().years(i64::from(years)))
        .context("start date")?;
    let first = start.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp().as_second();
    let minutes = (end.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp().as_second() - first) / 60;
    let watch = json!({"name": "Bench Watch", "kind": "watch"});
    let at = |m: i64| {
        jiff::Timestamp::from_second(first + m * 60)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_string()
    };
    let loading = Instant::now();
    let per_post: i64 = 5_000;
    let mut m = 0;
    while m < minutes {
        let last = (m + per_post).min(minutes);
        let mut samples: Vec<Value> = Vec::with_capacity(2 * (last - m) as usize);
        for minute in m..last {
            let hour = (minute % 1440) / 60;
            let steps = if (7..22).contains(&hour) {
                (minute * 31) % 90
            } else {
                0
            };
            samples.push(json!({"metric": "heart_rate", "value": 55 + (minute % 1440) / 20 + (minute * 7919) % 13, "start": at(minute), "source": watch}));
            samples.push(json!({"metric": "steps", "value": steps, "start": at(minute), "end": at(minute + 1), "source": watch}));
        }
        let count = samples.len();
        bench
            .post(json!({ "samples": samples }).to_string(), count)
            .await?;
        m = last;
    }
    let floating = import_fitbit(&bench, start, end).await?;
    settle(&bench, loading).await?;
    let samples = minutes * 2;
    println!("wearhouse bench time-zones ({:?} backend)", bench.store_backend());
    println!(
        "  {samples} samples ({years} years of minute-level heart rate and steps) and {floating} floating samples (a Fitbit export) loaded in {:.1} s",
        loading.elapsed().as_secs_f64()
    );

    let moved = start
        .checked_add(jiff::Span::new().months(i64::from(years) * 6))
        .context("middle date")?;
    let history = json!({"periods": [
        {"zone": "Australia/Sydney"},
        {"zone": "America/New_York", "from": format!("{moved}T00:00")}
    ]});
    let changed = Instant::now();
    let res = bench
        .client
        .put(format!("{}/api/v1/me/time-zones", bench.base))
        .bearer_auth(&bench.token)
        .json(&history)
        .send()
        .await?;
    ensure!(
        res.status().is_success(),
        "replacing the history failed: {}",
        res.text().await?
    );
    let answered = changed.elapsed();
    let view: Value = res.json().await?;
    let marked = view["pending_days"].as_u64().unwrap_or(0);
    settle(&bench, changed).await?;
    let recomputed = changed.elapsed();
    // Summaries read at most 1,000 days at once; the first half year tells.
    let range = format!("/api/v1/summaries/daily?from={start}&to={}", moved.yesterday()?);
    let days = bench.get(&range).await?;
    ensure!(
        days["figures"]["steps"].as_array().is_some_and(|d| !d.is_empty()),
        "no daily steps after the recompute"
    );
    // The first weigh-in was at 07:00 in Berlin; it is 07:00 in Sydney now.
    let weights = bench
        .get(&format!(
            "/api/v1/samples?metric=body_mass&from={}&limit=1",
            jiff::Timestamp::from_second(first - 86_400)?
        ))
        .await?;
    let first_weight = weights["items"][0]["start"].as_str().unwrap_or_default();
    ensure!(
        first_weight == format!("{start}T07:00:00+11:00"),
        "the first weigh-in did not follow the history: {first_weight}"
    );
    println!(
        "  replacing the history (Berlin -> Sydney, New York from {moved}: every day moves): answered in {:.0} ms with {marked} days pending",
        answered.as_secs_f64() * 1000.0
    );
    println!(
        "  until no day is pending (the background recompute): {:.2} s (target ≤ 10 s)",
        recomputed.as_secs_f64()
    );
    Ok(())
}

/// Imports a Fitbit Takeout with a night, a resting heart rate and a weight for each day in
/// `start..end`; returns how many samples it stored.
async fn import_fitbit(
    bench: &BenchServer,
    start: jiff::civil::Date,
    end: jiff::civil::Date,
) -> anyhow::Result<u64> {
    let (mut sleep, mut resting, mut weights) = (Vec::new(), Vec::new(), Vec::new());
    let mut day = start;
    let mut n = 0u32;
    while day < end {
        let next = day.tomorrow()?;
        let (d, t) = (day.to_string(), next.to_string());
        sleep.push(json!({"logId": n, "startTime": format!("{d}T23:00:00.000"), "endTime": format!("{t}T07:00:00.000"),
            "levels": {"data": [
                {"dateTime": format!("{d}T23:00:00.000"), "level": "light", "seconds": 7200},
                {"dateTime": format!("{t}T01:00:00.000"), "level": "deep", "seconds": 3600},
                {"dateTime": format!("{t}T04:00:00.000"), "level": "rem", "seconds": 10800}]}}));
        let us = day.strftime("%m/%d/%y").to_string();
        resting.push(json!({"dateTime": format!("{us} 00:00:00"), "value": {"date": us, "value": 50 + n % 9, "error": 5.0}}));
        weights.push(
            json!({"logId": n, "weight": 70.0 + f64::from(n % 30) / 10.0, "date": us, "time": "07:00:00"}),
        );
        n += 1;
        day = next;
    }
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default();
        for (name, body) in [
            ("sleep", sleep),
            ("resting_heart_rate", resting),
            ("weight", weights),
        ] {
            zip.start_file(
                format!("Takeout/Fitbit/Global Export Data/{name}-{start}.json"),
                options,
            )?;
            std::io::Write::write_all(&mut zip, &serde_json::to_vec(&body)?)?;
        }
        zip.finish()?;
    }
    let res = bench
        .client
        .post(format!("{}/api/v1/imports", bench.base))
        .bearer_auth(&bench.token)
        .header("content-type", "application/octet-stream")
        .header("x-file-name", "fitbit.zip")
        .body(buffer.into_inner())
        .send()
        .await?;
    ensure!(
        res.status().is_success(),
        "the Fitbit upload failed: {}",
        res.text().await?
    );
    let id = res.json::<Value>().await?["id"]
        .as_str()
        .context("no import id")?
        .to_owned();
    loop {
        let import = bench.get(&format!("/api/v1/imports/{id}")).await?;
        match import["status"].as_str() {
            Some("done") => return import["imported"].as_u64().context("no imported count"),
            Some("failed") => anyhow::bail!("the Fitbit import failed: {import}"),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Waits until the background recompute has reached every marked day.
async fn settle(bench: &BenchServer, since: Instant) -> anyhow::Result<()> {
    while pending(bench).await? > 0 {
        ensure!(
            since.elapsed() < Duration::from_secs(1200),
            "still recomputing after 20 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

async fn pending(bench: &BenchServer) -> anyhow::Result<u64> {
    let view = bench.get("/api/v1/me/time-zones").await?;
    view["pending_days"].as_u64().context("no pending_days")
}
