//! `wearhouse bench live`: the live endpoints on this machine.
//!
//! - Idle connections: `--idle` WebSocket clients of one user held open by a second process (this
//!   binary's hidden `bench live-clients`; one process could not hold both ends within the
//!   file-descriptor limit), and the server's resident memory with them open.
//! - Latency: `--users` other users with a WebSocket each, and samples (or with `--activities`
//!   workouts) posted one per request at `--rate` per second in all for `--seconds`, each telling of
//!   itself in an event; the time from the event's commit (its `time`, taken in the storing
//!   transaction) to its arrival on its user's WebSocket, with the idle clients still open.
//! - Ingest: `--ingest` samples sent on one `/api/v1/traces` connection in batches of 5,000, up to eight
//!   unacknowledged at once, timed from the first message to the acknowledgement of the last.

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::commands::bench::{sign_up, BenchServer};
use crate::commands::rss::rss_mib;
use crate::config::Config;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What `bench live` measures.
pub struct LiveBench {
    pub idle: usize,
    pub users: usize,
    pub activities: bool,
    pub rate: u32,
    pub seconds: u32,
    pub ingest: usize,
}

async fn connect(base: &str, path: &str, token: &str) -> anyhow::Result<Socket> {
    let url = format!("{}{path}", base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse()?);
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .with_context(|| format!("opening {path}"))?;
    Ok(socket)
}

pub async fn run(config: &Config, bench: LiveBench) -> anyhow::Result<()> {
    let server = BenchServer::start(config).await?;
    println!("live endpoints (WebSocket, SQLite, release build)");

    // Idle clients, from a second process.
    let idle_user = format!("bench_idle_{}", jiff::Timestamp::now().as_millisecond());
    let idle_token = sign_up(&server.client, &server.base, &idle_user).await?;
    let before = rss_mib().unwrap_or_default();
    let mut clients = std::process::Command::new(std::env::current_exe()?)
        .args(["bench", "live-clients", "--base", &server.base, "--count"])
        .arg(bench.idle.to_string())
        .env("WEARHOUSE_BENCH_TOKEN", &idle_token)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the idle clients' process")?;
    let stdout = clients.stdout.take().context("no stdout")?;
    let opened_at = Instant::now();
    let ready = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).map(|_| line)
    })
    .await??;
    ensure!(
        ready.starts_with("ready"),
        "the idle clients' process said: {ready:?}"
    );
    // Let the server settle (buffers, the allocator's caches) before reading its memory.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let with_idle = rss_mib().unwrap_or_default();
    println!(
        "  {} idle WebSocket clients opened in {:.1} s (another process); server RSS {:.0} MiB with them \
         ({:.0} MiB before, {:.1} KiB each)",
        bench.idle,
        opened_at.elapsed().as_secs_f64(),
        with_idle,
        before,
        (with_idle - before) * 1024.0 / bench.idle.max(1) as f64
    );

    latency(&server, &bench).await?;
    ingest(&server, bench.ingest).await?;

    drop(clients.stdin.take());
    let _ = tokio::task::spawn_blocking(move || clients.wait()).await;
    Ok(())
}

/// Reads events from `socket` until `stop`, sending each one's latency (arrival minus its `time`).
async fn read_latencies(
    mut socket: Socket,
    latencies: tokio::sync::mpsc::UnboundedSender<Duration>,
    stop: tokio_util::sync::CancellationToken,
) -> anyhow::Result<()> {
    loop {
        let message = tokio::select! {
            message = socket.next() => message,
            () = stop.cancelled() => return Ok(()),
        };
        let message = match message {
            Some(Ok(message)) => message,
            other => bail!("a stream ended: {other:?}"),
        };
        let Message::Text(text) = message else { continue };
        let received = jiff::Timestamp::now();
        let event: Value = serde_json::from_str(&text)?;
        let committed: jiff::Timestamp = event["time"].as_str().context("event without time")?.parse()?;
        let _ = latencies.send(received.duration_since(committed).unsigned_abs());
    }
}

/// `bench.users` users, each with a WebSocket, and `bench.rate` events a second among them: each a
/// sample posted (`new_health_data`) or, with `bench.activities`, a workout (`activity.created`).
async fn latency(server: &BenchServer, bench: &LiveBench) -> anyhow::Result<()> {
    let stamp = jiff::Timestamp::now().as_millisecond();
    let mut tokens = Vec::with_capacity(bench.users);
    let mut signing_up = futures_util::stream::iter(0..bench.users)
        .map(|u| {
            let name = format!("bench_live_{stamp}_{u}");
            async move { sign_up(&server.client, &server.base, &name).await }
        })
        .buffer_unordered(4);
    while let Some(token) = signing_up.next().await {
        tokens.push(token?);
    }
    let (latencies, mut received) = tokio::sync::mpsc::unbounded_channel();
    let stop = tokio_util::sync::CancellationToken::new();
    let mut readers = Vec::new();
    for token in &tokens {
        let socket = connect(&server.base, "/api/v1/stream", token).await?;
        readers.push(tokio::spawn(read_latencies(
            socket,
            latencies.clone(),
            stop.clone(),
        )));
    }
    drop(latencies);
    // Paced by timers, spread over senders so one slow answer does not hold back the schedule.
    let senders = 64u32;
    let per_sender = bench.rate * bench.seconds / senders;
    let total = (per_sender * senders) as usize;
    let interval = Duration::from_secs_f64(f64::from(senders) / f64::from(bench.rate));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for sender in 0..senders {
        let client = server.client.clone();
        let base = server.base.clone();
        let tokens = tokens.clone();
        let activities = bench.activities;
        let count = per_sender;
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(
                tokio::time::Instant::now() + interval.mul_f64(f64::from(sender) / f64::from(senders)),
                interval,
            );
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            for i in 0..count {
                tick.tick().await;
                let n = i64::from(i * senders + sender);
                let token = &tokens[n as usize % tokens.len()];
                let (url, body) = if activities {
                    // 2020 on, 2,000 s apart: workouts that never overlap.
                    let at = jiff::Timestamp::from_second(1_577_836_800 + n * 2000)?;
                    (format!("{base}/api/v1/activities"), json!({"type": "running", "start": at.to_string(), "duration": 1800}))
                } else {
                    let at = jiff::Timestamp::from_second(1_767_225_600 + n)?;
                    (format!("{base}/api/v1/samples"), json!({"samples": [{"metric": "heart_rate", "value": 60 + (i % 50), "start": at.to_string()}]}))
                };
                let res = client.post(&url).bearer_auth(token).json(&body).send().await?;
                ensure!(res.status().is_success(), "posting an event's change: {}", res.status());
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let posted_in = started.elapsed();
    let mut latencies = Vec::with_capacity(total);
    while latencies.len() < total {
        match tokio::time::timeout(Duration::from_secs(10), received.recv()).await {
            Ok(Some(latency)) => latencies.push(latency),
            Ok(None) => bail!("every stream ended after {} events", latencies.len()),
            Err(_) => bail!("no event for 10 s after {} of {total}", latencies.len()),
        }
    }
    stop.cancel();
    for reader in readers {
        reader.await??;
    }
    latencies.sort_unstable();
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize].as_secs_f64() * 1000.0;
    println!(
        "  event committed → WebSocket client ({}, {} users): {} events at {:.0}/s: p50 {:.1} ms, \
         p99 {:.1} ms, max {:.1} ms",
        if bench.activities {
            "activity.created"
        } else {
            "new_health_data"
        },
        bench.users,
        latencies.len(),
        latencies.len() as f64 / posted_in.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        pct(1.0)
    );
    Ok(())
}

/// Sends `samples` on one `/api/v1/traces` connection, pipelined, and waits for every ack.
async fn ingest(server: &BenchServer, samples: usize) -> anyhow::Result<()> {
    const BATCH: usize = 5_000;
    const WINDOW: u64 = 8;
    let start = 1_735_689_600i64; // 2025-01-01T00:00:00Z
    let messages: Vec<String> = (0..samples.div_ceil(BATCH))
        .map(|m| {
            let items: Vec<Value> = (0..BATCH.min(samples - m * BATCH))
                .map(|i| {
                    let n = (m * BATCH + i) as i64;
                    let at = jiff::Timestamp::from_second(start + n)
                        .map(|t| t.to_string())
                        .unwrap_or_default();
                    json!({"metric": "heart_rate", "value": 60 + n % 50, "start": at,
                        "source": {"name": "Bench strap", "kind": "chest_strap"}})
                })
                .collect();
            json!({ "samples": items }).to_string()
        })
        .collect();
    let bytes: usize = messages.iter().map(String::len).sum();
    let socket = connect(&server.base, "/api/v1/traces", &server.token).await?;
    let (mut sink, mut acks) = socket.split();
    let total = messages.len() as u64;
    let acked = Arc::new(tokio::sync::watch::Sender::new(0u64));
    let watcher = acked.clone();
    let started = Instant::now();
    let reader = tokio::spawn(async move {
        let mut accepted = 0u64;
        while *watcher.borrow() < total {
            let message = match tokio::time::timeout(Duration::from_secs(30), acks.next()).await {
                Ok(Some(Ok(message))) => message,
                other => bail!("no acknowledgement: {other:?}"),
            };
            let Message::Text(text) = message else { continue };
            let ack: Value = serde_json::from_str(&text)?;
            ensure!(ack["type"] == "ack", "the server refused a group: {ack}");
            accepted += ack["accepted"].as_u64().unwrap_or_default();
            watcher.send_replace(ack["through"].as_u64().unwrap_or_default());
        }
        Ok(accepted)
    });
    let mut progress = acked.subscribe();
    for (sent, message) in messages.into_iter().enumerate() {
        while sent as u64 >= *progress.borrow() + WINDOW {
            progress.changed().await?;
        }
        sink.send(Message::Text(message.into())).await?;
    }
    let accepted = reader.await??;
    let took = started.elapsed().as_secs_f64();
    ensure!(
        accepted == samples as u64,
        "{accepted} of {samples} samples stored"
    );
    println!(
        "  WebSocket ingest: {samples} samples ({:.0} MB of JSON) in {:.2} s on one connection, \
         acknowledged: {:.0} samples/s",
        bytes as f64 / 1e6,
        took,
        samples as f64 / took
    );
    let _ = sink.close().await;
    Ok(())
}

/// The hidden `bench live-clients`: opens `count` WebSocket streams to `base` with the token in
/// `WEARHOUSE_BENCH_TOKEN`, says `ready` on stdout, and holds them until stdin closes.
pub async fn hold_clients(base: &str, count: usize) -> anyhow::Result<()> {
    let token = std::env::var("WEARHOUSE_BENCH_TOKEN").context("WEARHOUSE_BENCH_TOKEN is not set")?;
    let mut sockets = Vec::with_capacity(count);
    let mut pending = futures_util::stream::iter(0..count)
        .map(|_| connect(base, "/api/v1/stream", &token))
        .buffer_unordered(200);
    while let Some(socket) = pending.next().await {
        sockets.push(socket.with_context(|| format!("after {} connections", sockets.len()))?);
    }
    println!("ready {}", sockets.len());
    // Idle: the server's pings are answered as the sockets are read.
    let readers: Vec<_> = sockets
        .into_iter()
        .map(|mut socket| tokio::spawn(async move { while let Some(Ok(_)) = socket.next().await {} }))
        .collect();
    let _ =
        tokio::task::spawn_blocking(|| std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new()))
            .await;
    for reader in readers {
        reader.abort();
    }
    Ok(())
}
