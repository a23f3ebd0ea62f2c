//! `wearhouse import --user NAME FILE...`: imports files in the foreground with a progress bar and
//! prints what each import did, as the API's import status reports it.

use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use wearhouse_services::rollups::Rollups;
use wearhouse_store::{ImportRecord, ImportStatus};

use crate::bootstrap::{import_service, open_store, with_blobs};
use crate::cli::ImportArgs;
use crate::config::Config;

pub async fn run(config: &Config, args: &ImportArgs) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let user = store
        .accounts
        .user_by_login(&args.user)
        .await?
        .with_context(|| format!("no user '{}'", args.user))?;
    let imports = with_blobs(
        config,
        import_service(config, store.clone(), Rollups::new(store.clone())),
    )?;
    let mut failed = 0;
    for path in &args.files {
        let size = std::fs::metadata(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        let bar = if args.quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(size)
        };
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(path.display().to_string());
        let started = Instant::now();
        let progress = |_: &ImportRecord, p: &wearhouse_store::ImportProgress| {
            bar.set_position(u64::try_from(p.bytes_read).unwrap_or(0));
        };
        let result = imports.import_file(&user.id, path, &progress).await;
        bar.finish_and_clear();
        match result {
            Ok((record, false)) => {
                // Its summary is the earlier import's: repeating it would read as if it was added now.
                let when = record
                    .finished_at
                    .unwrap_or(record.created_at)
                    .strftime("%Y-%m-%d %H:%M UTC");
                println!(
                    "{}: already imported on {when} (import {}), nothing added",
                    path.display(),
                    record.id
                );
            }
            Ok((record, true)) => {
                print_summary(path, &record, started.elapsed().as_secs_f64());
                if record.status == ImportStatus::Failed {
                    failed += 1;
                }
            }
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                failed += 1;
            }
        }
    }
    store.close().await;
    if failed > 0 {
        anyhow::bail!("{failed} of {} file(s) failed to import", args.files.len());
    }
    Ok(())
}

fn print_summary(path: &std::path::Path, r: &ImportRecord, seconds: f64) {
    let p = &r.progress;
    println!(
        "{}: {} ({}) in {seconds:.2} s: {} samples and {} activities imported, {} duplicates",
        path.display(),
        r.status.as_str(),
        r.format,
        p.imported,
        p.activities,
        p.duplicates
    );
    let report: serde_json::Value = serde_json::from_str(&r.report).unwrap_or_default();
    if let Some(skipped) = report["skipped"].as_object().filter(|s| !s.is_empty()) {
        let total: u64 = skipped.values().filter_map(serde_json::Value::as_u64).sum();
        println!("  skipped {total} record(s):");
        let mut reasons: Vec<_> = skipped.iter().collect();
        reasons.sort_by_key(|(_, n)| std::cmp::Reverse(n.as_u64().unwrap_or(0)));
        for (reason, n) in reasons.iter().take(10) {
            println!("    {n:>8}  {reason}");
        }
    }
    if let Some(counts) = report["warning_counts"].as_object().filter(|c| !c.is_empty()) {
        let list: Vec<String> = counts.iter().map(|(k, v)| format!("{k} ×{v}")).collect();
        println!("  warnings: {}", list.join(", "));
    }
    if let Some(error) = report.get("error").filter(|e| !e.is_null()) {
        println!(
            "  error: {} ({})",
            error["detail"].as_str().unwrap_or(""),
            error["code"].as_str().unwrap_or("")
        );
    }
}
