//! `wearhouse bench strava`: a Strava bulk export of N activities imported end to end on a throw-away
//! database. The activities are the public FIT, GPX and TCX samples, each copy moved to its own day
//! (see [`super::retime`]) so every one is a distinct workout, laid out as Strava does: an
//! `activities.csv` naming `activities/<id>.fit.gz`, `.gpx.gz` and `.tcx` files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use jiff::Timestamp;
use wearhouse_formats::{registry, Collected, ReadContext, ZoneHistory};
use wearhouse_model::Roles;
use wearhouse_services::rollups::Rollups;
use wearhouse_store::ImportStatus;

use super::retime::{shift_fit, shift_text};
use crate::bootstrap::{account_service, import_service, open_store};
use crate::config::Config;

/// A sample recording the export is made of: its bytes, its extension and where its one workout starts.
struct Recording {
    name: String,
    bytes: Vec<u8>,
    extension: &'static str,
    start: Timestamp,
    sport: &'static str,
}

pub async fn run(config: &Config, samples: &Path, count: usize) -> anyhow::Result<()> {
    let recordings = recordings(samples)?;
    anyhow::ensure!(
        !recordings.is_empty(),
        "no readable FIT, GPX or TCX workout under {}",
        samples.display()
    );
    let dir = tempfile::tempdir()?;
    let export = dir.path().join("strava_export.zip");
    let t = Instant::now();
    let bytes = write_export(&export, &recordings, count)?;
    println!(
        "generated a Strava export of {count} activities from {} sample recordings: {:.1} MB ({:.2} s)",
        recordings.len(),
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let mut config = config.clone();
    config.data_dir = dir.path().to_owned();
    let store = open_store(&config).await?;
    let accounts = account_service(&config, store.clone()).await?;
    let imports = import_service(&config, store.clone(), Rollups::new(store.clone()));
    let user = accounts
        .register(
            "bench",
            "bench@example.org",
            "granite kettle orbit 42",
            Some("Europe/Berlin"),
            Roles::user(),
        )
        .await?
        .id;
    let t = Instant::now();
    let record = imports.import_now(&user, &export, &|_, _| {}).await?;
    let seconds = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        record.status == ImportStatus::Done,
        "the import failed: {}",
        record.report
    );
    println!(
        "import end to end (unzip, gunzip, parse, join to activities.csv, store, rollups current): {seconds:.2} s for {} activities ({:.0} activities/s, {} found twice), {} samples; target ≤ 10 s for 1,000",
        record.progress.activities,
        record.progress.activities as f64 / seconds,
        record.progress.duplicates,
        record.progress.imported,
    );
    let report: serde_json::Value = serde_json::from_str(&record.report).unwrap_or_default();
    println!(
        "  skipped: {}  warnings: {}",
        report["skipped"], report["warning_counts"]
    );
    anyhow::ensure!(
        record.progress.activities as usize == count,
        "{count} activities in the export, {} stored",
        record.progress.activities
    );

    // The same activities in other bytes (entries stored, not deflated): every one found again.
    let copy = dir.path().join("strava_export_again.zip");
    write_export_with(&copy, &recordings, count, zip::CompressionMethod::Stored)?;
    let t = Instant::now();
    let again = imports.import_now(&user, &copy, &|_, _| {}).await?;
    println!(
        "the same export re-zipped: {:.2} s, {} new, {} already there",
        t.elapsed().as_secs_f64(),
        again.progress.activities,
        again.progress.duplicates
    );
    store.close().await;
    Ok(())
}

/// The sample files that hold exactly one workout, read as the importer would.
fn recordings(samples: &Path) -> anyhow::Result<Vec<Recording>> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for folder in ["fit", "gpx", "tcx"] {
        let Ok(entries) = std::fs::read_dir(samples.join(folder)) else {
            continue;
        };
        paths.extend(entries.filter_map(|e| Some(e.ok()?.path())));
    }
    paths.sort();
    let ctx = ReadContext::new(ZoneHistory::fixed(jiff::tz::TimeZone::UTC));
    let mut found = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let Some(reader) = registry::detect("", &bytes[..bytes.len().min(4096)]) else {
            continue;
        };
        let extension = match reader.id() {
            "fit" => "fit",
            "gpx" => "gpx",
            "tcx" => "tcx",
            _ => continue,
        };
        let Ok(read) = Collected::read(reader, "", &bytes, &ctx) else {
            continue;
        };
        // Damaged samples (the readers' tests) and multi-sport files stay out: one clean workout each.
        if read.activities.len() != 1 || !read.warnings.is_empty() {
            continue;
        }
        let activity = &read.activities[0].activity;
        // Only workouts the store takes: some samples hold implausible totals on purpose.
        if wearhouse_services::imports::activity_fields(activity)
            .validate()
            .is_err()
        {
            continue;
        }
        // The shifted copy must read back: FIT files the rewriter cannot walk are left out.
        if extension == "fit" && shift_fit(&bytes, 1).is_err() {
            continue;
        }
        found.push(Recording {
            name,
            bytes,
            extension,
            start: activity.start,
            sport: if activity.activity_type.as_str().contains("cycling") {
                "Ride"
            } else {
                "Run"
            },
        });
    }
    Ok(found)
}

fn write_export(path: &Path, recordings: &[Recording], count: usize) -> anyhow::Result<u64> {
    write_export_with(path, recordings, count, zip::CompressionMethod::Deflated)
}

/// Writes the export: recording `i` is sample `i mod n` moved `i` days on, gzipped unless it is a TCX
/// (Strava's exports hold both); returns the archive's size.
fn write_export_with(
    path: &Path,
    recordings: &[Recording],
    count: usize,
    method: zip::CompressionMethod,
) -> anyhow::Result<u64> {
    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    let mut csv = String::from(
        "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,\
         Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Athlete Weight,\
         Bike Weight,Elapsed Time,Moving Time,Distance\n",
    );
    let mut files = Vec::with_capacity(count);
    for i in 0..count {
        let recording = &recordings[i % recordings.len()];
        let days = i as i64 + 1;
        let id = 1_000_000 + i;
        let bytes = match recording.extension {
            "fit" => shift_fit(&recording.bytes, days)?,
            _ => shift_text(&String::from_utf8_lossy(&recording.bytes), days).into_bytes(),
        };
        let (name, content) = if recording.extension == "tcx" {
            (format!("activities/{id}.tcx"), bytes)
        } else {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&bytes)?;
            (
                format!("activities/{id}.{}.gz", recording.extension),
                gz.finish()?,
            )
        };
        let start = recording
            .start
            .checked_add(jiff::SignedDuration::from_hours(days * 24))?;
        let date = start.strftime("%b %-d, %Y, %-I:%M:%S %p");
        csv.push_str(&format!(
            "{id},\"{date}\",\"{} #{i}\",{},,60,,,,false,,,{name},,,60.0,,\n",
            recording.name.replace('"', ""),
            recording.sport,
        ));
        files.push((name, content));
    }
    zip.start_file("activities.csv", options)?;
    zip.write_all(csv.as_bytes())?;
    for (name, content) in files {
        zip.start_file(name, options)?;
        zip.write_all(&content)?;
    }
    zip.finish()?.flush()?;
    Ok(std::fs::metadata(path)?.len())
}
