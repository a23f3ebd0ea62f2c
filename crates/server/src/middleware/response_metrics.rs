//! The response cache in `/metrics`: lookups by where they were answered (`local`, `shared`, or `miss`:
//! computed) and failures of the shared tier, counted by this process since it started.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;
use wearhouse_services::responses::ResponseCacheStats;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TypeLabels {
    r#type: String,
}

/// The events this process's notifier received, by type, without the closing `# EOF`.
pub fn render_notified(counts: Vec<(String, u64)>) -> String {
    let mut registry = Registry::default();
    let received = Family::<TypeLabels, Counter>::default();
    registry.register(
        "wearhouse_notifier_events",
        "Events the notifier role of this process received, by type",
        received.clone(),
    );
    for (kind, n) in counts {
        received.get_or_create(&TypeLabels { r#type: kind }).inc_by(n);
    }
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode_registry(&mut out, &registry);
    out
}

/// The figures in the OpenMetrics text format, without the closing `# EOF`.
pub fn render(stats: ResponseCacheStats) -> String {
    let mut registry = Registry::default();
    let lookups = Family::<ResultLabels, Counter>::default();
    let failures = Counter::<u64>::default();
    registry.register(
        "wearhouse_response_cache_lookups",
        "Summary and series lookups by where they were answered (local, shared, or miss: computed)",
        lookups.clone(),
    );
    registry.register(
        "wearhouse_response_cache_shared_failures",
        "Shared (Redis) response cache operations that failed or timed out",
        failures.clone(),
    );
    for (result, n) in [
        ("local", stats.local_hits),
        ("shared", stats.shared_hits),
        ("miss", stats.misses),
    ] {
        lookups.get_or_create(&ResultLabels { result }).inc_by(n);
    }
    failures.inc_by(stats.shared_failures);
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode_registry(&mut out, &registry);
    out
}
