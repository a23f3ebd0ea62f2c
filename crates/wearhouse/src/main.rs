//! `wearhouse`: one binary, several roles (serve, migrate, user, config).

use clap::Parser;
use wearhouse::cli::{BenchCommand, Cli, Command, SummariesCommand, UserCommand};
use wearhouse::commands::{self, load_config};
use wearhouse::{bootstrap, telemetry};

/// mimalloc instead of the system allocator: request handling allocates many small, short-lived
/// objects across threads, where glibc's malloc showed up as a quarter of ingest time in profiles.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // One line with the whole context chain, e.g. "error: database sqlite://…: unable to open".
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = load_config(&cli)?;
    if let Command::Config(args) = &cli.command {
        return commands::config::run(&config, args.print);
    }
    if let Command::Openapi = &cli.command {
        println!("{}", serde_json::to_string_pretty(&wearhouse_server::openapi())?);
        return Ok(());
    }
    let _log_guard = telemetry::init(&config.log)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => {
                commands::serve::run(config, wearhouse::roles::Roles::of(&args.roles)).await
            }
            Command::Migrate => {
                // Days an upgrade (or a stopped process) left marked are recomputed as the database
                // opens, as for every command, so the figures are current when it returns.
                let (store, users) = bootstrap::open_store_finishing_rollups(&config).await?;
                store.close().await;
                if users > 0 {
                    println!("recomputed the marked rollups of {users} user(s)");
                }
                println!(
                    "database {} is up to date",
                    wearhouse::config::mask_url_password(&config.database_url())
                );
                Ok(())
            }
            Command::User(UserCommand::Create(args)) => commands::user::create(&config, args).await,
            Command::Import(args) => commands::import::run(&config, &args).await,
            Command::Summaries(SummariesCommand::Rebuild { user }) => {
                commands::summaries::rebuild(&config, user.as_deref()).await
            }
            Command::Bench(BenchCommand::Ingest(args)) => commands::bench::ingest(&config, args).await,
            Command::Bench(BenchCommand::Import { days, samples }) => {
                commands::bench_import::run(&config, days, samples.as_deref()).await
            }
            Command::Bench(BenchCommand::Jobs { jobs, concurrency }) => {
                commands::bench_jobs::run(&config, jobs, concurrency).await
            }
            Command::Bench(BenchCommand::Memory) => commands::bench_memory::run(&config).await,
            Command::Bench(BenchCommand::Export { days, out }) => commands::bench_import::export(days, &out),
            Command::Bench(BenchCommand::Live {
                idle,
                users,
                activities,
                rate,
                seconds,
                ingest,
            }) => {
                commands::bench_live::run(
                    &config,
                    commands::bench_live::LiveBench {
                        idle,
                        users,
                        activities,
                        rate,
                        seconds,
                        ingest,
                    },
                )
                .await
            }
            Command::Bench(BenchCommand::LiveClients { base, count }) => {
                commands::bench_live::hold_clients(&base, count).await
            }
            Command::Bench(BenchCommand::TimeZones { years }) => {
                commands::bench_time_zones::run(&config, years).await
            }
            Command::Bench(BenchCommand::Strava { samples, activities }) => {
                commands::bench_strava::run(&config, &samples, activities).await
            }
            Command::Bench(BenchCommand::Summaries { requests }) => {
                commands::bench::summaries(&config, requests).await
            }
            Command::Config(_) | Command::Openapi => Ok(()),
        }
    })
}
