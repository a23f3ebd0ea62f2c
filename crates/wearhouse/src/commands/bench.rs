//! `wearhouse bench`: performance figures measured on this machine, printed for the release notes and
//! for comparing changes. Each bench starts the real server in-process and talks HTTP to it.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use serde_json::{json, Value};

use crate::bootstrap::Application;
use crate::cli::BenchIngestArgs;
use crate::config::Config;

const PASSWORD: &str = "granite kettle orbit 42";

/// Minute-level heart rate from a watch and a phone, interleaved, as JSON batches of `batch_size`.
fn heart_rate_batches(batches: usize, batch_size: usize) -> Vec<String> {
    let start = jiff::Timestamp::from_second(1_735_689_600).unwrap_or(jiff::Timestamp::UNIX_EPOCH); // 2025-01-01
    let sources = [
        json!({"name": "Bench Watch", "kind": "watch"}),
        json!({"name": "Bench Phone", "kind": "phone"}),
    ];
    (0..batches)
        .map(|b| {
            let samples: Vec<Value> = (0..batch_size)
                .map(|i| {
                    let k = b * batch_size + i;
                    let minute = (k / 2) as i64;
                    let at = start + jiff::SignedDuration::from_secs(minute * 60);
                    // Plausible, varying values: a daily rhythm plus noise-like jitter.
                    let value = 55 + (minute % 1440) / 20 + ((k * 7919) % 13) as i64;
                    json!({"metric": "heart_rate", "value": value, "start": at.to_string(), "source": sources[k % 2]})
                })
                .collect();
            json!({ "samples": samples }).to_string()
        })
        .collect()
}

pub async fn ingest(config: &Config, args: BenchIngestArgs) -> anyhow::Result<()> {
    ensure!(
        args.batches > 0 && (1..=50_000).contains(&args.batch_size),
        "batches ≥ 1 and batch size 1–50,000"
    );
    let dir = tempfile::tempdir()?;
    let mut config = config.clone();
    config.listen = "127.0.0.1:0".into();
    if config.database_url.trim().is_empty() {
        config.data_dir = dir.path().to_owned();
    }
    config.rate_limit.enabled = false;
    let app = Application::build(&config).await?;
    let base = format!("http://{}", app.addr);
    let store = app.store.clone();
    let before = store.sample_storage().await?;
    let server = tokio::spawn(app.run(std::future::pending()));

    let client = reqwest::Client::new();
    let user = format!("bench_{}", jiff::Timestamp::now().as_millisecond());
    let register = json!({"username": user, "email": format!("{user}@example.org"), "password": PASSWORD});
    let res = client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&register)
        .send()
        .await?;
    ensure!(
        res.status().is_success(),
        "registering the bench user failed: {}",
        res.text().await?
    );
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": user, "password": PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    let token = login["access_token"]
        .as_str()
        .context("login returned no token")?
        .to_owned();

    let bodies = heart_rate_batches(args.batches, args.batch_size);
    let json_bytes: usize = bodies.iter().map(String::len).sum();
    let mut per_batch = Vec::with_capacity(bodies.len());
    let started = Instant::now();
    for body in bodies {
        let sent = Instant::now();
        let res = client
            .post(format!("{base}/api/v1/samples"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?;
        ensure!(res.status().is_success(), "ingest failed: {}", res.text().await?);
        let outcome: Value = res.json().await?;
        ensure!(
            outcome["accepted"] == args.batch_size,
            "not every sample was accepted: {outcome}"
        );
        per_batch.push(sent.elapsed());
    }
    let elapsed = started.elapsed();
    // Reading the summaries recomputes whatever the background worker has not reached yet, so this is
    // the moment every daily figure reflects every sample.
    let last_day = 1_735_689_600 + (args.batches * args.batch_size / 2) as i64 * 60;
    let last_day = jiff::Timestamp::from_second(last_day).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let to = last_day.to_zoned(jiff::tz::TimeZone::UTC).date();
    let res = client
        .get(format!("{base}/api/v1/summaries/daily?from=2025-01-01&to={to}"))
        .bearer_auth(&token)
        .send()
        .await?;
    ensure!(
        res.status().is_success(),
        "reading summaries failed: {}",
        res.text().await?
    );
    let current = started.elapsed();
    let after = store.sample_storage().await?;
    server.abort();

    let total = args.batches * args.batch_size;
    per_batch.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let stored = after.rows.saturating_sub(before.rows);
    let bytes = after.bytes.saturating_sub(before.bytes);
    println!("wearhouse bench ingest ({:?} backend)", store.backend);
    println!(
        "  {total} heart-rate samples (watch + phone, minute level) in {} JSON batches of {}",
        args.batches, args.batch_size
    );
    println!(
        "  ingest: {:.3} s -> {:.0} samples/s, {:.1} MB/s of JSON; per batch p50 {:.1} ms, max {:.1} ms",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        json_bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        ms(per_batch[per_batch.len() / 2]),
        ms(per_batch[per_batch.len() - 1]),
    );
    println!(
        "  until daily summaries include every sample: {:.3} s -> {:.0} samples/s",
        current.as_secs_f64(),
        total as f64 / current.as_secs_f64()
    );
    println!(
        "  storage: {stored} rows take {bytes} bytes (samples table and indexes) -> {:.1} bytes/sample",
        bytes as f64 / stored.max(1) as f64
    );
    Ok(())
}
