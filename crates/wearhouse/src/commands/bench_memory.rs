//! `wearhouse bench memory`: how far one import raises the resident memory of the process running it
//! (the server's import worker and `wearhouse import` run the same code), on hostile inputs: the
//! largest file each whole-file reader accepts, entries far larger than that (declared honestly or
//! with a lying archive directory), and a highly compressed archive entry. The budget is 256 MiB per
//! import, whatever the input.
//!
//! The inputs are written by [`write_hostile_inputs`], which the memory test shares.

use std::fs::File;
use std::io::{BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use wearhouse_formats::reader::MEMORY_BUDGET;
use wearhouse_formats::registry;
use wearhouse_model::Roles;
use wearhouse_services::rollups::Rollups;

use crate::bootstrap::{account_service, import_service, open_store};
use crate::commands::rss::{peak_rss_mib, reset_peak_rss, rss_mib};
use crate::config::Config;

/// What one import may add to the process's resident memory.
pub const BUDGET_MIB: f64 = (MEMORY_BUDGET / (1024 * 1024)) as f64;

/// The size limit of the reader with this id (0 for one that streams, which no input here targets).
fn limit_of(id: &str) -> u64 {
    registry::reader(id)
        .and_then(|reader| reader.size_limit())
        .unwrap_or(0)
}

/// One crafted input: a label for reports and the file.
#[derive(Debug, Clone)]
pub struct HostileInput {
    pub label: &'static str,
    pub path: PathBuf,
}

/// Writes the hostile inputs into `dir`. `scale` shrinks the oversized ones (1.0: a 1.5 GiB entry),
/// for a test that runs in a debug build; the at-the-limit files are always at the limit, since that
/// is what bounds memory.
pub fn write_hostile_inputs(dir: &Path, scale: f64) -> anyhow::Result<Vec<HostileInput>> {
    let big = ((1.5 * 1024.0 * 1024.0 * 1024.0) * scale) as u64;
    let mut inputs = Vec::new();
    let mut add = |label: &'static str, name: &str| {
        let path = dir.join(name);
        inputs.push(HostileInput {
            label,
            path: path.clone(),
        });
        path
    };

    let path = add(
        "Fitbit heart-rate entry at the reader's limit",
        "fitbit-at-limit.zip",
    );
    zip_one(&path, FITBIT_ENTRY, |w| {
        fitbit_heart_rate(w, limit_of("fitbit") - 1024)
    })?;

    let path = add(
        "Google Fit data-points entry at the reader's limit",
        "google-fit-at-limit.zip",
    );
    zip_one(&path, GOOGLE_FIT_ENTRY, |w| {
        google_fit_points(w, limit_of("google_fit") - 1024)
    })?;

    let path = add("GPX file at the reader's limit", "at-limit.gpx");
    let mut w = BufWriter::new(File::create(&path)?);
    gpx(&mut w, limit_of("gpx") - 1024)?;
    w.flush()?;

    let path = add("TCX file at the reader's limit", "at-limit.tcx");
    let mut w = BufWriter::new(File::create(&path)?);
    tcx(&mut w, limit_of("tcx") - 1024)?;
    w.flush()?;

    let path = add("FIT file at the reader's limit", "at-limit.fit");
    std::fs::write(&path, fit(limit_of("fit") - 1024))?;

    let path = add("Fitbit entry expanding far past the limit", "fitbit-bomb.zip");
    zip_one(&path, FITBIT_ENTRY, |w| fitbit_heart_rate(w, big))?;

    let path = add(
        "Fitbit entry whose archive directory understates its size",
        "fitbit-lying-size.zip",
    );
    zip_one(&path, FITBIT_ENTRY, |w| fitbit_heart_rate(w, big))?;
    understate_sizes(&path, limit_of("fitbit") / 2)?;

    Ok(inputs)
}

const FITBIT_ENTRY: &str = "Takeout/Fitbit/Global Export Data/heart_rate-2026-01-01.json";
const GOOGLE_FIT_ENTRY: &str =
    "Takeout/Fit/All Data/derived_com.google.heart_rate.bpm_com.google.android.gms_merge_heart_rate_bpm.json";

/// A ZIP with one deflated entry whose content `write` produces.
fn zip_one(
    path: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut zip = zip::ZipWriter::new(BufWriter::new(File::create(path)?));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(false);
    zip.start_file(name, options)?;
    write(&mut zip)?;
    zip.finish()?.flush()?;
    Ok(())
}

/// Rewrites the uncompressed size of a one-entry ZIP (local header and central directory) to `size`,
/// as a crafted archive would, so that only the reader's own byte count stands between the entry and
/// memory.
fn understate_sizes(path: &Path, size: u64) -> anyhow::Result<()> {
    let mut bytes = std::fs::read(path)?;
    let size = u32::try_from(size)
        .context("size fits a ZIP header")?
        .to_le_bytes();
    let find = |bytes: &[u8], sig: [u8; 4]| bytes.windows(4).rposition(|w| w == sig);
    let local = find(&bytes[..30.min(bytes.len())], [0x50, 0x4b, 0x03, 0x04]).context("local header")?;
    bytes[local + 22..local + 26].copy_from_slice(&size);
    let central = find(&bytes, [0x50, 0x4b, 0x01, 0x02]).context("central directory")?;
    bytes[central + 24..central + 28].copy_from_slice(&size);
    let mut file = File::create(path)?;
    file.write_all(&bytes)?;
    file.rewind()?;
    Ok(())
}

/// Fitbit per-day heart rate (`[{"dateTime": "01/01/26 00:00:05", "value": {"bpm": 61, …}}, …]`) of
/// about `bytes` bytes, one reading every 5 seconds over as many days as it takes.
fn fitbit_heart_rate(w: &mut dyn Write, bytes: u64) -> std::io::Result<()> {
    let mut written = w_str(w, "[")?;
    let mut i = 0u64;
    while written < bytes {
        let s = i * 5;
        let (day, sec) = (s / 86_400, s % 86_400);
        let line = format!(
            "{}{{\"dateTime\":\"01/{:02}/26 {:02}:{:02}:{:02}\",\"value\":{{\"bpm\":{},\"confidence\":2}}}}",
            if i == 0 { "" } else { ",\n" },
            1 + day % 28,
            sec / 3600,
            sec / 60 % 60,
            sec % 60,
            55 + i % 60,
        );
        written += w_str(w, &line)?;
        i += 1;
    }
    w_str(w, "]\n").map(|_| ())
}

/// A Google Fit `All Data` heart-rate file of about `bytes` bytes, a point a minute.
fn google_fit_points(w: &mut dyn Write, bytes: u64) -> std::io::Result<()> {
    let mut written = w_str(
        w,
        "{\"Data Source\":\"derived:com.google.heart_rate.bpm:com.google.android.gms:merge_heart_rate_bpm\",\"Data Points\":[",
    )?;
    let start: u64 = 1_767_225_600_000_000_000;
    let mut i = 0u64;
    while written < bytes {
        let t = start + i * 60_000_000_000;
        let line = format!(
            "{}{{\"fitValue\":[{{\"value\":{{\"fpVal\":{}.0}}}}],\"originDataSourceId\":\"raw:com.google.heart_rate.bpm:com.example.watch\",\"endTimeNanos\":{t},\"dataTypeName\":\"com.google.heart_rate.bpm\",\"startTimeNanos\":{t},\"modifiedTimeMillis\":{},\"rawTimestampNanos\":0}}",
            if i == 0 { "" } else { ",\n" },
            55 + i % 60,
            t / 1_000_000,
        );
        written += w_str(w, &line)?;
        i += 1;
    }
    w_str(w, "]}\n").map(|_| ())
}

/// A GPX run of about `bytes` bytes, a point a second.
fn gpx(w: &mut dyn Write, bytes: u64) -> std::io::Result<()> {
    let mut written = w_str(
        w,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"Bench\" xmlns=\"http://www.topografix.com/GPX/1/1\" xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\">\n<trk><name>Long</name><type>running</type><trkseg>\n",
    )?;
    let start = 1_767_225_600i64;
    let mut i = 0i64;
    while written < bytes {
        let at = jiff::Timestamp::from_second(start + i).unwrap_or_default();
        let line = format!(
            "<trkpt lat=\"{:.6}\" lon=\"{:.6}\"><ele>{:.1}</ele><time>{at}</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{}</gpxtpx:hr><gpxtpx:cad>85</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>\n",
            back_and_forth(i),
            7.0,
            100.0,
            120 + i % 40
        );
        written += w_str(w, &line)?;
        i += 1;
    }
    w_str(w, "</trkseg></trk>\n</gpx>\n").map(|_| ())
}

/// A TCX run of about `bytes` bytes, a point a second, in one lap.
fn tcx(w: &mut dyn Write, bytes: u64) -> std::io::Result<()> {
    let start = jiff::Timestamp::from_second(1_767_225_600).unwrap_or_default();
    let mut written = w_str(
        w,
        &format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TrainingCenterDatabase xmlns=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2\">\n<Activities><Activity Sport=\"Running\"><Id>{start}</Id><Lap StartTime=\"{start}\"><TotalTimeSeconds>0</TotalTimeSeconds><DistanceMeters>0</DistanceMeters><Calories>0</Calories><Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod><Track>\n"
        ),
    )?;
    let mut i = 0i64;
    while written < bytes {
        let at = jiff::Timestamp::from_second(start.as_second() + i).unwrap_or_default();
        let line = format!(
            "<Trackpoint><Time>{at}</Time><Position><LatitudeDegrees>{:.6}</LatitudeDegrees><LongitudeDegrees>{:.6}</LongitudeDegrees></Position><AltitudeMeters>{:.1}</AltitudeMeters><DistanceMeters>{:.1}</DistanceMeters><HeartRateBpm><Value>{}</Value></HeartRateBpm></Trackpoint>\n",
            back_and_forth(i),
            7.0,
            100.0,
            i as f64 * 1.1,
            120 + i % 40
        );
        written += w_str(w, &line)?;
        i += 1;
    }
    w_str(
        w,
        "</Track></Lap></Activity></Activities>\n</TrainingCenterDatabase>\n",
    )
    .map(|_| ())
}

/// A FIT activity of about `bytes` bytes: a file id, a record a second (time, position, altitude, heart
/// rate, distance, speed) and a session.
fn fit(bytes: u64) -> Vec<u8> {
    /// FIT time of 2026-01-01T00:00:00Z (seconds since 1989-12-31).
    const T0: u32 = 1_136_073_600;
    let mut records: Vec<u8> = Vec::with_capacity(usize::try_from(bytes).unwrap_or(0));
    let define = |r: &mut Vec<u8>, local: u8, global: u16, fields: &[(u8, u8, u8)]| {
        r.extend([0x40 | local, 0, 0]);
        r.extend(global.to_le_bytes());
        r.push(fields.len() as u8);
        for (num, size, base) in fields {
            r.extend([*num, *size, *base]);
        }
    };
    // file_id: type activity, manufacturer, product, time created.
    define(
        &mut records,
        0,
        0,
        &[(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84), (4, 4, 0x86)],
    );
    records.push(0);
    records.extend([4]);
    records.extend(1u16.to_le_bytes());
    records.extend(1u16.to_le_bytes());
    records.extend(T0.to_le_bytes());
    define(
        &mut records,
        1,
        20,
        &[
            (253, 4, 0x86),
            (0, 4, 0x85),
            (1, 4, 0x85),
            (2, 2, 0x84),
            (3, 1, 0x02),
            (5, 4, 0x86),
            (6, 2, 0x84),
        ],
    );
    let mut i: u32 = 0;
    while (records.len() as u64) < bytes.saturating_sub(64) {
        let semicircles = |deg: f64| ((deg * 2_147_483_648.0 / 180.0) as i32).to_le_bytes();
        records.push(1);
        records.extend((T0 + i).to_le_bytes());
        records.extend(semicircles(back_and_forth(i64::from(i))));
        records.extend(semicircles(7.0));
        records.extend((100u16 * 5 + 2500).to_le_bytes());
        records.push((120 + i % 40) as u8);
        records.extend((i * 110).to_le_bytes());
        records.extend(2500u16.to_le_bytes());
        i += 1;
    }
    // session: timestamp, start time, sport running, elapsed time (ms), distance (cm).
    define(
        &mut records,
        2,
        18,
        &[
            (253, 4, 0x86),
            (2, 4, 0x86),
            (5, 1, 0x00),
            (7, 4, 0x86),
            (9, 4, 0x86),
        ],
    );
    records.push(2);
    records.extend((T0 + i).to_le_bytes());
    records.extend(T0.to_le_bytes());
    records.push(1);
    records.extend(i.saturating_mul(1000).to_le_bytes());
    records.extend(i.saturating_mul(110).to_le_bytes());

    let mut out = vec![14, 0x10];
    out.extend(2132u16.to_le_bytes());
    out.extend((records.len() as u32).to_le_bytes());
    out.extend(b".FIT");
    let header_crc = fit_crc(&out);
    out.extend(header_crc.to_le_bytes());
    out.extend(&records);
    let crc = fit_crc(&out);
    out.extend(crc.to_le_bytes());
    out
}

/// The FIT protocol's CRC-16 (its reference nibble-table algorithm).
fn fit_crc(bytes: &[u8]) -> u16 {
    const TABLE: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800, 0xB401,
        0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    bytes.iter().fold(0u16, |mut crc, &byte| {
        for nibble in [byte & 0x0F, byte >> 4] {
            let tmp = TABLE[usize::from(crc & 0x0F)];
            crc = (crc >> 4) & 0x0FFF;
            crc = crc ^ tmp ^ TABLE[usize::from(nibble)];
        }
        crc
    })
}

/// The latitude of point `i` of a track that runs 1.1 m a second north, then back south, and again, on
/// level ground: a long but plausible recording (no jumps or climbs for the importer to refuse).
fn back_and_forth(i: i64) -> f64 {
    let leg = i % 200_000;
    let along = if leg < 100_000 { leg } else { 200_000 - leg };
    45.0 + along as f64 * 1e-5
}

fn w_str(w: &mut dyn Write, s: &str) -> std::io::Result<u64> {
    w.write_all(s.as_bytes())?;
    Ok(s.len() as u64)
}

/// What one import did to memory, and what it reported.
#[derive(Debug, Clone)]
pub struct MemoryRun {
    pub label: &'static str,
    pub file_mib: f64,
    pub rise_mib: f64,
    pub seconds: f64,
    pub status: String,
    pub imported: i64,
    pub activities: i64,
    pub report: serde_json::Value,
}

/// Imports each input for a fresh user on `config`'s store, measuring the resident memory each import
/// adds to this process.
pub async fn measure(config: &Config, inputs: &[HostileInput]) -> anyhow::Result<Vec<MemoryRun>> {
    let store = open_store(config).await?;
    let accounts = account_service(config, store.clone()).await?;
    let imports = import_service(config, store.clone(), Rollups::new(store.clone()));
    let mut runs = Vec::new();
    for (n, input) in inputs.iter().enumerate() {
        let name = format!("memory{n}");
        let user = accounts
            .register(
                &name,
                &format!("{name}@example.org"),
                "granite kettle orbit 42",
                Some("Europe/Berlin"),
                Roles::user(),
            )
            .await
            .context("creating a bench user")?
            .id;
        reset_peak_rss().context("resetting the peak RSS (Linux /proc/self/clear_refs)")?;
        let before = rss_mib().context("reading /proc/self/status")?;
        let started = Instant::now();
        let record = imports
            .import_now(&user, &input.path, &|_, _| {})
            .await
            .with_context(|| format!("importing {}", input.path.display()))?;
        let seconds = started.elapsed().as_secs_f64();
        let peak = peak_rss_mib().context("reading /proc/self/status")?;
        runs.push(MemoryRun {
            label: input.label,
            file_mib: std::fs::metadata(&input.path).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0,
            rise_mib: peak - before,
            seconds,
            status: record.status.as_str().to_owned(),
            imported: record.progress.imported,
            activities: record.progress.activities,
            report: serde_json::from_str(&record.report).unwrap_or_default(),
        });
    }
    Ok(runs)
}

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = config.clone();
    config.data_dir = dir.path().to_owned();
    let inputs_dir = dir.path().join("inputs");
    std::fs::create_dir_all(&inputs_dir)?;
    let started = Instant::now();
    let inputs = write_hostile_inputs(&inputs_dir, 1.0)?;
    println!(
        "wrote {} hostile inputs ({:.1} s); whole-file readers read up to (MiB): {}",
        inputs.len(),
        started.elapsed().as_secs_f64(),
        registry::READERS
            .iter()
            .filter_map(|r| Some(format!("{} {}", r.id(), r.size_limit()? / 1048576)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut worst = 0.0f64;
    for run in measure(&config, &inputs).await? {
        worst = worst.max(run.rise_mib);
        let warnings = run.report["warning_counts"]
            .as_object()
            .map(|counts| counts.keys().cloned().collect::<Vec<_>>().join(","))
            .unwrap_or_default();
        println!(
            "{:<60} {:>7.1} MiB file  RSS +{:>6.1} MiB  {:>6.2} s  {} ({} samples, {} activities){}{}",
            run.label,
            run.file_mib,
            run.rise_mib,
            run.seconds,
            run.status,
            run.imported,
            run.activities,
            if warnings.is_empty() { "" } else { "  warnings: " },
            warnings
        );
    }
    println!(
        "largest rise {worst:.1} MiB; budget {BUDGET_MIB:.0} MiB: {}",
        if worst <= BUDGET_MIB { "PASS" } else { "FAIL" }
    );
    Ok(())
}
