//! Cross-cutting HTTP behaviour, applied around every route in `app.rs`.

pub mod client_ip;
pub mod compression;
pub mod headers;
pub mod job_metrics;
pub mod metrics;
pub mod problems;
pub mod rate_limit;
pub mod response_metrics;
pub mod timeout;
