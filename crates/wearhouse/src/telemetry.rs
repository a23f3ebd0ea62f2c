//! Logging through tracing: readable text on a terminal or JSON for machines, optionally also to a file.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

use crate::config::LogConfig;

/// Installs the global subscriber. Keep the returned guard alive: it flushes the file writer on drop.
pub fn init(config: &LogConfig) -> anyhow::Result<Option<WorkerGuard>> {
    let filter = EnvFilter::try_from_default_env().or_else(|_| EnvFilter::try_new(&config.level))?;
    let json = match config.format.as_str() {
        "json" => true,
        "text" => false,
        other => anyhow::bail!("log format must be 'text' or 'json', not '{other}'"),
    };
    let stdout = if json {
        fmt::layer().json().boxed()
    } else {
        fmt::layer().boxed()
    };
    let (file_layer, guard) = if config.file.is_empty() {
        (None, None)
    } else {
        let path = Path::new(&config.file);
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .ok_or_else(|| anyhow::anyhow!("log file '{}' has no file name", config.file))?;
        std::fs::create_dir_all(dir)?;
        let (writer, guard) = tracing_appender::non_blocking(tracing_appender::rolling::never(dir, name));
        let layer = if json {
            fmt::layer().json().with_writer(writer).boxed()
        } else {
            fmt::layer().with_ansi(false).with_writer(writer).boxed()
        };
        (Some(layer), Some(guard))
    };
    tracing_subscriber::registry()
        .with(filter)
        .with(stdout)
        .with(file_layer)
        .try_init()?;
    Ok(guard)
}
