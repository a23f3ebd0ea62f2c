//! `wearhouse bench`: performance figures measured on this machine, printed for the release notes and
//! for comparing changes. Each bench starts the real server in-process and talks HTTP to it.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use serde_json::{json, Value};

use crate::bootstrap::Application;
use crate::cli::BenchIngestArgs;
use crate::config::Config;
use wearhouse_store::Store;

const PASSWORD: &str = "granite kettle orbit 42";
/// 2025-01-01T00:00:00Z, the first instant of generated data.
const DATA_START: i64 = 1_735_689_600;

/// Registers `user` (time zone Europe/Berlin) and logs in; returns the access token.
pub(crate) async fn sign_up(client: &reqwest::Client, base: &str, user: &str) -> anyhow::Result<String> {
    let register = json!({"username": user, "email": format!("{user}@example.org"), "password": PASSWORD, "time_zone": "Europe/Berlin"});
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
    Ok(login["access_token"]
        .as_str()
        .context("login returned no token")?
        .to_owned())
}

/// A server on a throw-away database with one signed-in user.
pub(crate) struct BenchServer {
    pub(crate) base: String,
    pub(crate) token: String,
    pub(crate) client: reqwest::Client,
    store: Store,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
    _dir: tempfile::TempDir,
}

impl BenchServer {
    pub(crate) async fn start(config: &Config) -> anyhow::Result<Self> {
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
        let server = tokio::spawn(app.run(std::future::pending()));
        let client = reqwest::Client::new();
        let user = format!("bench_{}", jiff::Timestamp::now().as_millisecond());
        let token = sign_up(&client, &base, &user).await?;
        Ok(Self {
            base,
            token,
            client,
            store,
            server,
            _dir: dir,
        })
    }

    /// Posts one JSON batch; returns how long the server took to answer.
    pub(crate) async fn post(&self, body: String, expected: usize) -> anyhow::Result<Duration> {
        let sent = Instant::now();
        let res = self
            .client
            .post(format!("{}/api/v1/samples", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?;
        ensure!(res.status().is_success(), "ingest failed: {}", res.text().await?);
        let outcome: Value = res.json().await?;
        ensure!(
            outcome["accepted"] == expected,
            "not every sample was accepted: {outcome}"
        );
        Ok(sent.elapsed())
    }

    /// Total seconds and count of successful GETs of `route` so far, from `/metrics`.
    async fn route_time(&self, route: &str) -> anyhow::Result<(f64, f64)> {
        let text = self
            .client
            .get(format!("{}/metrics", self.base))
            .send()
            .await?
            .text()
            .await?;
        let labels = format!("{{method=\"GET\",route=\"{route}\",status=\"200\"}}");
        let read = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}{labels} ")))
                .and_then(|v| v.trim().parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        Ok((
            read("http_request_duration_seconds_sum"),
            read("http_request_duration_seconds_count"),
        ))
    }

    pub(crate) async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        ensure!(
            res.status().is_success(),
            "GET {path} failed: {}",
            res.text().await?
        );
        Ok(res.json().await?)
    }
}

impl BenchServer {
    pub(crate) fn store_backend(&self) -> wearhouse_store::Backend {
        self.store.backend
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn at_minute(minute: i64) -> String {
    let at = jiff::Timestamp::from_second(DATA_START + minute * 60).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    at.to_string()
}

/// A plausible heart rate for a minute: a daily rhythm plus jitter.
fn heart_rate(minute: i64, salt: i64) -> i64 {
    55 + (minute % 1440) / 20 + (minute * 7919 + salt) % 13
}

/// Minute-level heart rate from a watch and a phone, interleaved, as JSON batches of `batch_size`.
fn heart_rate_batches(batches: usize, batch_size: usize) -> Vec<String> {
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
                    json!({"metric": "heart_rate", "value": heart_rate(minute, k as i64), "start": at_minute(minute), "source": sources[k % 2]})
                })
                .collect();
            json!({ "samples": samples }).to_string()
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub async fn ingest(config: &Config, args: BenchIngestArgs) -> anyhow::Result<()> {
    ensure!(
        args.batches > 0 && (1..=50_000).contains(&args.batch_size),
        "batches ≥ 1 and batch size 1–50,000"
    );
    let bench = BenchServer::start(config).await?;
    let before = bench.store.sample_storage().await?;
    let bodies = heart_rate_batches(args.batches, args.batch_size);
    let json_bytes: usize = bodies.iter().map(String::len).sum();
    let mut per_batch = Vec::with_capacity(bodies.len());
    let started = Instant::now();
    for body in bodies {
        per_batch.push(bench.post(body, args.batch_size).await?);
    }
    let elapsed = started.elapsed();
    // Reading the summaries recomputes whatever the background worker has not reached yet, so this is
    // the moment every daily figure reflects every sample.
    let total = args.batches * args.batch_size;
    let last = jiff::Timestamp::from_second(DATA_START + (total / 2) as i64 * 60)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let to = last.to_zoned(jiff::tz::TimeZone::UTC).date();
    bench
        .get(&format!("/api/v1/summaries/daily?from=2025-01-01&to={to}"))
        .await?;
    let current = started.elapsed();
    let after = bench.store.sample_storage().await?;

    per_batch.sort();
    let stored = after.rows.saturating_sub(before.rows);
    let bytes = after.bytes.saturating_sub(before.bytes);
    println!("wearhouse bench ingest ({:?} backend)", bench.store.backend);
    println!(
        "  {total} heart-rate samples (watch + phone, minute level) in {} JSON batches of {}",
        args.batches, args.batch_size
    );
    println!(
        "  ingest: {:.3} s -> {:.0} samples/s, {:.1} MB/s of JSON; per batch p50 {:.1} ms, max {:.1} ms",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        json_bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        ms(percentile(&per_batch, 0.5)),
        ms(per_batch[per_batch.len() - 1]),
    );
    println!(
        "  until daily summaries include every sample: {:.3} s -> {:.0} samples/s",
        current.as_secs_f64(),
        total as f64 / current.as_secs_f64()
    );
    println!(
        "  storage: {stored} samples take {bytes} bytes (day chunks, external ids and their indexes) -> {:.1} bytes/sample",
        bytes as f64 / stored.max(1) as f64
    );
    Ok(())
}

/// Times `requests` GETs of `path`: round trips on loopback, and the server's own mean from its latency
/// histogram for `route`.
async fn time_route(
    bench: &BenchServer,
    path: &str,
    route: &str,
    label: &str,
    requests: usize,
) -> anyhow::Result<()> {
    let before = bench.route_time(route).await?;
    let mut times = Vec::with_capacity(requests);
    for _ in 0..requests {
        let sent = Instant::now();
        bench.get(path).await?;
        times.push(sent.elapsed());
    }
    let after = bench.route_time(route).await?;
    let server_mean = (after.0 - before.0) / (after.1 - before.1).max(1.0) * 1000.0;
    times.sort();
    println!(
        "  {label}, {requests} requests: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (round trip on loopback); server mean {server_mean:.2} ms",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(times[times.len() - 1])
    );
    Ok(())
}

/// A year of minute-level data from two overlapping sources: heart rate every minute from the watch and
/// every other minute from the phone; steps per minute from the watch and per five minutes from the
/// phone (~1.4 M samples). Then times `GET /summaries/daily` over the 365 days.
pub async fn summaries(config: &Config, requests: usize) -> anyhow::Result<()> {
    let bench = BenchServer::start(config).await?;
    let watch = json!({"name": "Bench Watch", "kind": "watch"});
    let phone = json!({"name": "Bench Phone", "kind": "phone"});
    let minutes = 365 * 1440;
    let mut samples: Vec<Value> = Vec::with_capacity(1_500_000);
    for m in 0..minutes {
        samples.push(json!({"metric": "heart_rate", "value": heart_rate(m, 1), "start": at_minute(m), "source": watch}));
        if m % 2 == 0 {
            samples.push(json!({"metric": "heart_rate", "value": heart_rate(m, 2), "start": at_minute(m), "source": phone}));
        }
        let steps = if (m % 1440) / 60 >= 7 && (m % 1440) / 60 < 22 {
            (m * 31) % 90
        } else {
            0
        };
        samples.push(json!({"metric": "steps", "value": steps, "start": at_minute(m), "end": at_minute(m + 1), "source": watch}));
        if m % 5 == 0 {
            samples.push(json!({"metric": "steps", "value": steps * 4, "start": at_minute(m), "end": at_minute(m + 5), "source": phone}));
        }
    }
    let total = samples.len();
    let started = Instant::now();
    for chunk in samples.chunks(10_000) {
        bench
            .post(json!({ "samples": chunk }).to_string(), chunk.len())
            .await?;
    }
    let path = "/api/v1/summaries/daily?from=2025-01-01&to=2025-12-31";
    let first = bench.get(path).await?;
    ensure!(
        first["figures"]["heart_rate_avg"].as_array().map(Vec::len) == Some(365),
        "expected 365 days"
    );
    let loaded = started.elapsed();
    println!("wearhouse bench summaries ({:?} backend)", bench.store.backend);
    println!(
        "  {total} samples (a year of minute-level heart rate and steps, watch + phone) loaded in {:.1} s",
        loaded.as_secs_f64()
    );
    time_route(
        &bench,
        path,
        "/api/v1/summaries/daily",
        "GET /api/v1/summaries/daily for 365 days",
        requests,
    )
    .await?;
    let june = "from=2025-06-01T00:00:00Z&to=2025-07-01T00:00:00Z";
    let hourly = format!("/api/v1/samples?metric=heart_rate&resolution=hour&{june}");
    let buckets = bench.get(&hourly).await?;
    ensure!(
        buckets["buckets"].as_array().map(Vec::len) == Some(720),
        "expected 720 hourly buckets in June"
    );
    time_route(
        &bench,
        &hourly,
        "/api/v1/samples",
        "GET /api/v1/samples?resolution=hour, heart rate, one month",
        requests,
    )
    .await?;
    let steps = format!("/api/v1/samples?metric=steps&resolution=hour&{june}");
    time_route(
        &bench,
        &steps,
        "/api/v1/samples",
        "GET /api/v1/samples?resolution=hour, steps, one month",
        requests,
    )
    .await?;
    Ok(())
}
