//! The process's resident memory, for the benchmarks that report it (Linux `/proc/self`).

/// Resident memory now, in MiB (`VmRSS`).
pub fn rss_mib() -> Option<f64> {
    rss_field("VmRSS:")
}

/// Peak resident memory since the process started or [`reset_peak_rss`], in MiB (`VmHWM`).
pub fn peak_rss_mib() -> Option<f64> {
    rss_field("VmHWM:")
}

fn rss_field(name: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(name))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Resets the peak so the next reading covers only what follows (`clear_refs` 5).
pub fn reset_peak_rss() -> std::io::Result<()> {
    std::fs::write("/proc/self/clear_refs", "5")
}
