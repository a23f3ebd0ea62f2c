//! Command-line interface: global options and subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "wearhouse",
    version,
    about = "Self-hostable platform for wearable and fitness data"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuration file (default: ./wearhouse.toml when present).
    #[arg(long, global = true, env = "WEARHOUSE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Folder for the embedded database [env: WEARHOUSE_DATA_DIR].
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://… [env: WEARHOUSE_DATABASE_URL].
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Log format: text or json [env: WEARHOUSE_LOG__FORMAT].
    #[arg(long, global = true)]
    pub log_format: Option<String>,
    /// Also append logs to this file [env: WEARHOUSE_LOG__FILE].
    #[arg(long, global = true)]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Show configuration.
    Config(ConfigArgs),
    /// Print the OpenAPI document of the HTTP API (JSON), as `/api/v1/openapi.json` serves it.
    Openapi,
    /// Import files (Apple Health, FIT, GPX, TCX, Fitbit and Google Fit Takeouts) for a user, with progress.
    #[command(after_long_help = wearhouse_formats::registry::SUPPORTED_FORMATS)]
    Import(ImportArgs),
    /// Maintain derived data.
    #[command(subcommand)]
    Summaries(SummariesCommand),
    /// Measure performance and print the figures.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The account to import into (username or e-mail).
    #[arg(long)]
    pub user: String,
    /// Files to import, one after another.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// No progress bar (for scripts); the summary is still printed.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum SummariesCommand {
    /// Recompute daily rollups from raw samples (all users, or one).
    Rebuild {
        /// Only this user (username or e-mail).
        #[arg(long)]
        user: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Batch ingestion over HTTP (JSON, one client) and on-disk size per sample. Uses a temporary SQLite
    /// database unless --database-url names another (which then gets a throw-away bench user).
    Ingest(BenchIngestArgs),
    /// File imports end to end: a synthetic Apple Health export, and the public FIT/GPX/TCX samples.
    Import {
        /// Days of synthetic Apple Health export (365 is about 600,000 records, 240 MB).
        #[arg(long, default_value_t = 365)]
        days: u32,
        /// Folder of the public sample files (…/samples with fit/, gpx/, tcx/).
        #[arg(long)]
        samples: Option<PathBuf>,
    },
    /// Resident memory one import adds, on hostile inputs (files at each reader's size limit, archive
    /// entries expanding far beyond it); the budget is 256 MiB per import.
    Memory,
    /// Writes the synthetic Apple Health export `bench import` reads (from 2024-01-01), for loading a
    /// server with a realistic year (`scripts/bench-http.sh` uploads it).
    Export {
        /// Days of data (365 is about 600,000 records, 240 MB).
        #[arg(long, default_value_t = 365)]
        days: u32,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// The background job queue: trivial jobs enqueued in one batch, then run by one worker.
    Jobs {
        /// Jobs to enqueue and run.
        #[arg(long, default_value_t = 20_000)]
        jobs: usize,
        /// Jobs the worker runs at once.
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
    },
    /// The live endpoints: idle WebSocket clients held by a second process and the server's memory with
    /// them, event latency from commit to a WebSocket client at a steady rate, and WebSocket ingest on
    /// one connection.
    Live {
        /// Idle WebSocket clients to hold open (in a second process).
        #[arg(long, default_value_t = 10_000)]
        idle: usize,
        /// Events per second for the latency run (one sample posted per event).
        #[arg(long, default_value_t = 2_000)]
        rate: u32,
        /// Users the latency run's events are spread over, each with a WebSocket open.
        #[arg(long, default_value_t = 100)]
        users: usize,
        /// Make the latency run's events workouts (`activity.created`) rather than samples.
        #[arg(long)]
        activities: bool,
        /// Seconds of the latency run.
        #[arg(long, default_value_t = 10)]
        seconds: u32,
        /// Samples sent on the ingest connection.
        #[arg(long, default_value_t = 1_000_000)]
        ingest: usize,
    },
    /// The second process of `bench live`: holds idle WebSocket clients (token in
    /// WEARHOUSE_BENCH_TOKEN) until its standard input closes.
    #[command(hide = true)]
    LiveClients {
        #[arg(long)]
        base: String,
        #[arg(long)]
        count: usize,
    },
    /// Replacing a user's time-zone history over years of minute-level data (heart rate and steps,
    /// ~5.3 M samples for 5 years loaded first), timed until every day is recomputed.
    TimeZones {
        /// Years of data.
        #[arg(long, default_value_t = 5)]
        years: u32,
    },
    /// A Strava bulk export of N activities (the public FIT, GPX and TCX samples, each copy moved to its
    /// own day) imported end to end, then the same export re-zipped.
    Strava {
        /// Folder of the public sample files (…/samples with fit/, gpx/, tcx/).
        #[arg(long)]
        samples: PathBuf,
        /// Activities in the export.
        #[arg(long, default_value_t = 1_000)]
        activities: usize,
    },
    /// Daily summaries over a year of minute-level data from two sources (~1.4 M samples loaded first).
    Summaries {
        /// Timed requests after loading.
        #[arg(long, default_value_t = 200)]
        requests: usize,
    },
}

#[derive(Debug, Args)]
pub struct BenchIngestArgs {
    /// Number of batches posted one after another.
    #[arg(long, default_value_t = 50)]
    pub batches: usize,
    /// Samples per batch.
    #[arg(long, default_value_t = 10_000)]
    pub batch_size: usize,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [env: WEARHOUSE_LISTEN] [default: 127.0.0.1:8080].
    #[arg(long)]
    pub listen: Option<String>,
    /// Run only this role (repeatable): `api` (HTTP API and dashboard), `worker` (background jobs),
    /// `scheduler` (recurring jobs). Default: all three. Split roles need PostgreSQL; a process without
    /// `api` serves only /healthz, /readyz and /metrics.
    #[arg(long = "role", value_enum)]
    pub roles: Vec<crate::roles::Role>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (use --admin for the first administrator).
    Create(UserCreateArgs),
}

#[derive(Debug, Args)]
pub struct UserCreateArgs {
    #[arg(long)]
    pub username: String,
    #[arg(long)]
    pub email: String,
    /// Give the account the admin role.
    #[arg(long)]
    pub admin: bool,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
    /// The IANA time zone the user lives in (e.g. Europe/Berlin); it covers their whole past until
    /// they record a move. Without it no zone is set and days are UTC until the user sets one.
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the effective configuration as TOML, secrets masked.
    #[arg(long)]
    pub print: bool,
}
