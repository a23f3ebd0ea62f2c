//! One module per subcommand.

pub mod bench;
pub mod bench_import;
pub mod bench_jobs;
pub mod bench_live;
pub mod bench_memory;
pub mod bench_strava;
pub mod bench_time_zones;
pub mod config;
pub mod import;
mod retime;
pub mod rss;
pub mod serve;
pub mod summaries;
pub mod user;

use crate::cli::{Cli, Command};
use crate::config::Config;

/// Loads the configuration with the command line's overrides applied.
pub fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let g = &cli.global;
    let mut overrides: Vec<(&str, String)> = Vec::new();
    if let Some(dir) = &g.data_dir {
        overrides.push(("data_dir", dir.display().to_string()));
    }
    if let Some(url) = &g.database_url {
        overrides.push(("database_url", url.clone()));
    }
    if let Some(format) = &g.log_format {
        overrides.push(("log.format", format.clone()));
    }
    if let Some(file) = &g.log_file {
        overrides.push(("log.file", file.display().to_string()));
    }
    if let Command::Serve(args) = &cli.command {
        if let Some(listen) = &args.listen {
            overrides.push(("listen", listen.clone()));
        }
    }
    Config::load(g.config.as_deref(), &overrides).map_err(|e| anyhow::anyhow!("configuration: {e}"))
}
