//! The job queue in `/metrics`, read when scraped: jobs per kind and state (`wearhouse_jobs`), how long
//! the oldest due job of each kind has waited (`wearhouse_jobs_oldest_due_seconds`), and the runs this
//! process recorded per kind and outcome (`wearhouse_job_runs`, counting failures, deaths and releases).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use wearhouse_services::Jobs;
use wearhouse_store::JobState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    kind: String,
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RunLabels {
    kind: String,
    outcome: String,
}

/// The queue's figures in the OpenMetrics text format, without the closing `# EOF`. A queue that
/// cannot be read is left out (the scrape still shows the HTTP figures; `/readyz` tells the cause).
pub async fn render(jobs: &Jobs) -> String {
    let mut registry = Registry::default();
    let counts = Family::<StateLabels, Gauge>::default();
    let waiting = Family::<KindLabels, Gauge<f64, std::sync::atomic::AtomicU64>>::default();
    let runs = Family::<RunLabels, Counter>::default();
    registry.register(
        "wearhouse_jobs",
        "Jobs in the queue by kind and state",
        counts.clone(),
    );
    registry.register(
        "wearhouse_jobs_oldest_due_seconds",
        "How long the oldest due queued job of each kind has waited",
        waiting.clone(),
    );
    registry.register(
        "wearhouse_job_runs",
        "Job runs this process recorded, by kind and outcome",
        runs.clone(),
    );
    if let Ok(stats) = jobs.store().jobs.stats().await {
        let now = jiff::Timestamp::now();
        for s in stats {
            counts
                .get_or_create(&StateLabels {
                    kind: s.kind.clone(),
                    state: s.state.as_str().to_owned(),
                })
                .set(s.count);
            if let (JobState::Queued, Some(oldest)) = (s.state, s.oldest_run_at) {
                let waited = now.duration_since(oldest).as_secs_f64().max(0.0);
                waiting.get_or_create(&KindLabels { kind: s.kind }).set(waited);
            }
        }
    }
    for (kind, outcome, n) in jobs.metrics().runs() {
        runs.get_or_create(&RunLabels {
            kind,
            outcome: outcome.to_owned(),
        })
        .inc_by(n);
    }
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode_registry(&mut out, &registry);
    out
}
