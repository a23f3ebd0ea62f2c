//! `wearhouse bench jobs`: the job queue's own throughput. Enqueues trivial (`noop`) jobs in one batch,
//! then runs one worker until every one is done, and prints jobs per second for both. Uses a temporary
//! SQLite database unless the configuration names one (`WEARHOUSE_DATABASE_URL=postgres://…`): give it
//! an empty database or schema, since its worker runs `noop` only and would fail other jobs it claims.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::ensure;
use jiff::Timestamp;
use tokio::sync::Notify;
use wearhouse_services::jobs::{builtin, CancellationToken, WorkerOptions};
use wearhouse_services::Jobs;
use wearhouse_store::NewJob;

use crate::bootstrap::{job_settings, open_store};
use crate::config::Config;

/// The target on both backends.
const TARGET_PER_SECOND: f64 = 5_000.0;

pub async fn run(config: &Config, count: usize, concurrency: usize) -> anyhow::Result<()> {
    ensure!(count > 0, "--jobs must be at least 1");
    let dir = tempfile::tempdir()?;
    let mut config = config.clone();
    if config.database_url.trim().is_empty() {
        config.data_dir = dir.path().to_owned();
    }
    let store = open_store(&config).await?;
    let jobs = Jobs::new(store.clone(), job_settings(&config), Arc::new(Notify::new()));
    builtin::register_noop(&jobs);
    let before = done_runs(&jobs);

    let now = Timestamp::now();
    let batch: Vec<NewJob> = (0..count)
        .map(|_| NewJob::new(builtin::NOOP, "{}", now))
        .collect();
    let started = Instant::now();
    let added = store.jobs.enqueue_many(&batch, now).await?;
    let enqueue = started.elapsed();
    ensure!(added == count as u64, "enqueued {added} of {count} jobs");

    let stop = CancellationToken::new();
    let options = WorkerOptions {
        concurrency,
        shutdown_grace: Duration::from_secs(10),
    };
    let worker = tokio::spawn(jobs.clone().work(options, stop.clone()));
    let started = Instant::now();
    while done_runs(&jobs) - before < count as u64 {
        ensure!(
            started.elapsed() < Duration::from_secs(600),
            "the worker did not finish {count} jobs within 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let ran = started.elapsed();
    stop.cancel();
    worker.await?;
    store.close().await;

    let rate = count as f64 / ran.as_secs_f64();
    println!("=== Wearhouse job queue benchmark ===");
    println!("backend:      {:?}", store.backend);
    println!("jobs:         {count} noop jobs, one worker with {concurrency} slots");
    println!(
        "enqueue:      {:.3} s in one batch ({:.0} jobs/s)",
        enqueue.as_secs_f64(),
        count as f64 / enqueue.as_secs_f64()
    );
    println!(
        "run:          {:.3} s, claimed, run and completed ({rate:.0} jobs/s)  {} (target: >= {TARGET_PER_SECOND:.0} jobs/s)",
        ran.as_secs_f64(),
        if rate >= TARGET_PER_SECOND { "PASS" } else { "FAIL" }
    );
    Ok(())
}

fn done_runs(jobs: &Jobs) -> u64 {
    jobs.metrics()
        .runs()
        .into_iter()
        .filter(|(kind, outcome, _)| kind == builtin::NOOP && *outcome == "done")
        .map(|(_, _, n)| n)
        .sum()
}
