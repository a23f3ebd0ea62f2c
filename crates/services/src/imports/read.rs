//! The reading half of an import: runs on a blocking thread, turns the file into batches of records and
//! sends them to the writing half over a bounded channel, so parsing and storing overlap and memory
//! stays flat (at most a few batches in flight).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use jiff::tz::TimeZone;
use tokio::sync::mpsc::Sender;
use wearhouse_formats::apple_health::{AppleHealthReader, HealthRecord, UnmappedRecord};
use wearhouse_formats::{
    detect, Format, FormatError, Location, ParsedActivity, ParsedFile, ParsedSample, Warning,
};
use wearhouse_formats::{fitbit, google_fit};

/// Samples per batch sent to the writer: large enough that per-transaction costs vanish, small enough to
/// keep memory low.
pub(crate) const BATCH: usize = 25_000;
/// Records of unmapped types per batch. Smaller than `BATCH`: each costs several times a sample to
/// store (a wide unique key of text), and exports list them by type, often near the end, where a
/// large last batch would be stored after everything else is done rather than while reading.
const RAW_BATCH: usize = 5_000;
/// Largest single activity file (FIT, GPX, TCX) read whole into memory.
const MAX_ACTIVITY_FILE: u64 = 512 * 1024 * 1024;

/// Zip-bomb limits: what an archive may expand to.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveLimits {
    pub max_entries: usize,
    /// Total uncompressed bytes of all entries read.
    pub max_total_bytes: u64,
    /// Uncompressed ÷ compressed size of any one entry.
    pub max_ratio: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        Self {
            max_entries: 200_000,
            max_total_bytes: 64 * 1024 * 1024 * 1024,
            // Health XML compresses about 15–25×; 200× is only reached by crafted input.
            max_ratio: 200,
        }
    }
}

/// The importing user's settings, for files that name no zone or unit (Fitbit, Google Fit).
pub(crate) struct UserSettings {
    pub zone: TimeZone,
    /// The unit Fitbit weights are read in unless their BMI says otherwise.
    pub weight_unit: fitbit::WeightUnit,
}

/// What the reader hands the writer.
pub(crate) enum Chunk {
    Samples {
        provider: &'static str,
        samples: Vec<ParsedSample>,
    },
    Activity {
        provider: &'static str,
        format: &'static str,
        activity: Box<ParsedActivity>,
        source_name: Option<String>,
    },
    /// Records of types the catalogue does not map, kept raw.
    Raw(Vec<UnmappedRecord>),
    /// Records seen but not imported, by reason.
    Skipped {
        reason: String,
        count: u64,
    },
    Warnings(Vec<Warning>),
    /// Bytes of the input read so far.
    Progress {
        bytes: u64,
    },
}

/// A fatal problem: nothing more can be read.
#[derive(Debug)]
pub(crate) struct ReadError {
    pub code: &'static str,
    pub detail: String,
}

impl From<FormatError> for ReadError {
    fn from(e: FormatError) -> Self {
        ReadError {
            code: e.code,
            detail: e.to_string(),
        }
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError {
            code: "unreadable_file",
            detail: e.to_string(),
        }
    }
}

impl From<zip::result::ZipError> for ReadError {
    fn from(e: zip::result::ZipError) -> Self {
        ReadError {
            code: "bad_archive",
            detail: e.to_string(),
        }
    }
}

/// Workouts waiting for their route file (archive path → workouts with their source name).
type PendingRoutes = HashMap<String, Vec<(Box<ParsedActivity>, Option<String>)>>;

/// The writer hung up (it failed or the import was cancelled): stop reading quietly.
struct Closed;

struct Out<'a> {
    tx: &'a Sender<Chunk>,
}

impl Out<'_> {
    fn send(&self, chunk: Chunk) -> Result<(), Closed> {
        self.tx.blocking_send(chunk).map_err(|_| Closed)
    }
}

/// The file's format, from its first bytes.
pub(crate) fn sniff(path: &Path) -> Result<Option<Format>, std::io::Error> {
    let mut head = vec![0u8; wearhouse_formats::detect::SNIFF_LEN];
    let mut file = File::open(path)?;
    let mut filled = 0;
    while filled < head.len() {
        let n = file.read(&mut head[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(detect(&head[..filled]))
}

/// Reads the whole file, sending chunks; returns when done, on a fatal error, or when the writer stops.
pub(crate) fn read_file(
    path: &Path,
    format: Format,
    limits: ArchiveLimits,
    user: &UserSettings,
    tx: &Sender<Chunk>,
) -> Result<(), ReadError> {
    let out = Out { tx };
    let result = match format {
        Format::AppleHealthXml => {
            let file = File::open(path)?;
            let mut pending = PendingRoutes::new();
            match read_apple_health(BufReader::with_capacity(256 * 1024, file), &out, 0, &mut pending) {
                // A bare export.xml has no route files: its workouts are stored without streams.
                Ok(Ok(())) => send_pending(pending, &out).map(Ok),
                other => other,
            }
        }
        Format::Zip => read_zip(File::open(path)?, limits, user, &out),
        Format::Fit | Format::Gpx | Format::Tcx => {
            let size = std::fs::metadata(path)?.len();
            if size > MAX_ACTIVITY_FILE {
                return Err(ReadError {
                    code: "file_too_large",
                    detail: format!("{size} bytes; activity files are read up to 512 MB"),
                });
            }
            let bytes = std::fs::read(path)?;
            match read_activity_file(format, &bytes, None, &out) {
                Ok(Ok(())) => out.send(Chunk::Progress { bytes: size }).map(Ok),
                other => other,
            }
        }
    };
    match result {
        Ok(Ok(())) | Err(Closed) => Ok(()),
        Ok(Err(e)) => Err(e),
    }
}

fn provider_of(format: Format) -> &'static str {
    match format {
        Format::AppleHealthXml => "apple_health",
        Format::Fit => "garmin",
        Format::Gpx | Format::Tcx | Format::Zip => "other",
    }
}

/// Parses one FIT, GPX or TCX file and sends its activities and samples.
fn read_activity_file(
    format: Format,
    bytes: &[u8],
    entry: Option<&str>,
    out: &Out<'_>,
) -> Result<Result<(), ReadError>, Closed> {
    let parsed: Result<ParsedFile, FormatError> = match format {
        Format::Fit => wearhouse_formats::fit::read_fit(bytes),
        Format::Gpx => wearhouse_formats::gpx::read_gpx(bytes),
        Format::Tcx => wearhouse_formats::tcx::read_tcx(bytes),
        _ => return Ok(Ok(())),
    };
    match parsed {
        Ok(mut file) => {
            // HRV measured during exercise is far lower than resting HRV and would drag the day's
            // figure down; it stays in the file, not in the daily series.
            let before = file.samples.len();
            file.samples
                .retain(|s| s.metric != wearhouse_model::Metric::HrvRmssd);
            let dropped = (before - file.samples.len()) as u64;
            if dropped > 0 {
                out.send(Chunk::Skipped {
                    reason: "exercise_hrv".into(),
                    count: dropped,
                })?;
            }
            send_parsed(file, provider_of(format), format.as_str(), entry, out).map(Ok)
        }
        Err(e) => Ok(Err(e.into())),
    }
}

/// Sends what a reader found in one file (or archive entry).
fn send_parsed(
    mut file: ParsedFile,
    provider: &'static str,
    format: &'static str,
    entry: Option<&str>,
    out: &Out<'_>,
) -> Result<(), Closed> {
    if let Some(entry) = entry {
        for w in &mut file.warnings {
            w.detail = format!("{entry}: {}", w.detail);
        }
    }
    if !file.warnings.is_empty() {
        out.send(Chunk::Warnings(std::mem::take(&mut file.warnings)))?;
    }
    for activity in file.activities {
        out.send(Chunk::Activity {
            provider,
            format,
            source_name: activity.device.clone().or_else(|| file.device.clone()),
            activity: Box::new(activity),
        })?;
    }
    for samples in file.samples.chunks(BATCH) {
        out.send(Chunk::Samples {
            provider,
            samples: samples.to_vec(),
        })?;
    }
    Ok(())
}

/// Streams an Apple Health `export.xml`. Workouts whose routes live in separate files of the archive are
/// handed back in `pending_routes` (route path → workouts) instead of being sent.
fn read_apple_health<R: std::io::BufRead>(
    input: R,
    out: &Out<'_>,
    base_bytes: u64,
    pending_routes: &mut PendingRoutes,
) -> Result<Result<(), ReadError>, Closed> {
    let mut reader = AppleHealthReader::new(input);
    let mut batch: Vec<ParsedSample> = Vec::with_capacity(BATCH);
    let mut unmapped: HashMap<String, u64> = HashMap::new();
    let mut raw: Vec<UnmappedRecord> = Vec::new();
    loop {
        let record = match reader.next_record() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => return Ok(Err(e.into())),
        };
        match record {
            HealthRecord::Sample(s) => {
                batch.push(s);
                if batch.len() == BATCH {
                    out.send(Chunk::Samples {
                        provider: "apple_health",
                        samples: std::mem::take(&mut batch),
                    })?;
                    batch.reserve(BATCH);
                    out.send(Chunk::Progress {
                        bytes: base_bytes + reader.bytes_read(),
                    })?;
                }
            }
            HealthRecord::Unmapped(u) => {
                raw.push(u);
                if raw.len() == RAW_BATCH {
                    out.send(Chunk::Raw(std::mem::take(&mut raw)))?;
                }
            }
            HealthRecord::Workout(w) => {
                let w = *w;
                let activity = Box::new(w.activity);
                match w.route_files.first() {
                    Some(route) => pending_routes
                        .entry(route.trim_start_matches('/').to_owned())
                        .or_default()
                        .push((activity, w.source_name)),
                    None => out.send(Chunk::Activity {
                        provider: "apple_health",
                        format: "apple_health",
                        activity,
                        source_name: w.source_name,
                    })?,
                }
            }
            // Activity rings and the profile are not imported as samples (they are derived or
            // personal data the user enters in their profile).
            HealthRecord::ActivitySummary(_) => *unmapped.entry("ActivitySummary".into()).or_default() += 1,
            HealthRecord::Me { .. } => {}
        }
    }
    if !batch.is_empty() {
        out.send(Chunk::Samples {
            provider: "apple_health",
            samples: batch,
        })?;
    }
    if !raw.is_empty() {
        out.send(Chunk::Raw(raw))?;
    }
    for (kind, count) in unmapped {
        out.send(Chunk::Skipped {
            reason: format!("unmapped_type:{kind}"),
            count,
        })?;
    }
    let skipped = reader.counts().skipped;
    if skipped > 0 {
        out.send(Chunk::Skipped {
            reason: "unreadable_record".into(),
            count: skipped,
        })?;
    }
    let duplicates = reader.counts().correlation_duplicates;
    if duplicates > 0 {
        out.send(Chunk::Skipped {
            reason: "correlation_duplicate".into(),
            count: duplicates,
        })?;
    }
    out.send(Chunk::Warnings(reader.warnings().to_vec()))?;
    out.send(Chunk::Progress {
        bytes: base_bytes + reader.bytes_read(),
    })?;
    Ok(Ok(()))
}

/// Reads a ZIP archive: an Apple Health export (export.xml plus workout routes), Fitbit and Google Fit
/// Takeout entries (their zone-less times read in `zone`), and any FIT, GPX and TCX files in it,
/// enforcing [`ArchiveLimits`].
fn read_zip<R: Read + Seek>(
    input: R,
    limits: ArchiveLimits,
    user: &UserSettings,
    out: &Out<'_>,
) -> Result<Result<(), ReadError>, Closed> {
    let mut archive = match zip::ZipArchive::new(input) {
        Ok(a) => a,
        Err(e) => return Ok(Err(e.into())),
    };
    if archive.len() > limits.max_entries {
        return Ok(Err(ReadError {
            code: "archive_too_large",
            detail: format!(
                "the archive has {} entries; at most {} are read",
                archive.len(),
                limits.max_entries
            ),
        }));
    }
    // Check every entry's declared sizes before reading anything.
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = match archive.by_index_raw(i) {
            Ok(e) => e,
            Err(e) => return Ok(Err(e.into())),
        };
        total = total.saturating_add(entry.size());
        let ratio = entry.size() / entry.compressed_size().max(1);
        if ratio > limits.max_ratio || total > limits.max_total_bytes {
            return Ok(Err(ReadError {
                code: "archive_too_large",
                detail: format!(
                    "entry {} expands {}× (to {} bytes); archives may expand at most {}× and to {} bytes in all",
                    entry.name(),
                    ratio,
                    entry.size(),
                    limits.max_ratio,
                    limits.max_total_bytes
                ),
            }));
        }
    }
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    let mut pending = PendingRoutes::new();
    let mut read_bytes = 0u64;
    // Apple Health first, so its routes can be attached as they are met.
    let mut ordered: Vec<&String> = names.iter().collect();
    ordered.sort_by_key(|n| !n.ends_with("export.xml"));
    for name in ordered {
        let lower = name.to_ascii_lowercase();
        if name.ends_with('/') || lower.contains("__macosx/") || lower.ends_with("export_cda.xml") {
            continue;
        }
        let entry = match archive.by_name(name) {
            Ok(e) => e,
            Err(e) => return Ok(Err(e.into())),
        };
        let declared = entry.size();
        // Never trust the declared size alone: stop at it plus one byte.
        let mut limited = entry.take(declared.saturating_add(1));
        if lower.ends_with("export.xml") {
            match read_apple_health(
                BufReader::with_capacity(256 * 1024, &mut limited),
                out,
                read_bytes,
                &mut pending,
            )? {
                Ok(()) => {}
                Err(e) => {
                    return Ok(Err(ReadError {
                        code: e.code,
                        detail: format!("{name}: {}", e.detail),
                    }))
                }
            }
            read_bytes += declared;
            continue;
        }
        if fitbit::is_fitbit_entry(name) || google_fit::is_google_fit_entry(name) {
            let mut bytes = Vec::new();
            if let Err(e) = limited.read_to_end(&mut bytes) {
                out.send(entry_warning("unreadable_entry", name, format!("{name}: {e}")))?;
                continue;
            }
            read_bytes += declared;
            let (parsed, provider) = if fitbit::is_fitbit_entry(name) {
                let context = fitbit::FitbitContext {
                    time_zone: user.zone.clone(),
                    weight_unit: user.weight_unit,
                };
                (fitbit::read_fitbit_entry(name, &bytes, &context), "fitbit")
            } else {
                (
                    google_fit::read_google_fit_entry(name, &bytes, &user.zone),
                    "google_fit",
                )
            };
            match parsed {
                Ok(file) => send_parsed(file, provider, provider, Some(name), out)?,
                Err(e) => out.send(entry_warning(e.code, name, format!("{name}: {}", e.detail)))?,
            }
            out.send(Chunk::Progress { bytes: read_bytes })?;
            continue;
        }
        let format = if lower.ends_with(".fit") {
            Format::Fit
        } else if lower.ends_with(".gpx") {
            Format::Gpx
        } else if lower.ends_with(".tcx") {
            Format::Tcx
        } else {
            out.send(Chunk::Skipped {
                reason: "unknown_entry".into(),
                count: 1,
            })?;
            continue;
        };
        if declared > MAX_ACTIVITY_FILE {
            out.send(entry_warning(
                "entry_too_large",
                name,
                format!("{name}: {declared} bytes, skipped"),
            ))?;
            continue;
        }
        let mut bytes = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        if let Err(e) = limited.read_to_end(&mut bytes) {
            out.send(entry_warning("unreadable_entry", name, format!("{name}: {e}")))?;
            continue;
        }
        read_bytes += declared;
        let route_key = name.trim_start_matches("apple_health_export/").to_owned();
        let waiting = pending.remove(&route_key).or_else(|| {
            let key = pending.keys().find(|k| name.ends_with(k.as_str())).cloned();
            key.and_then(|k| pending.remove(&k))
        });
        match waiting {
            Some(workouts) if format == Format::Gpx => {
                // A workout route: its points become the workout's streams.
                let track = wearhouse_formats::gpx::read_gpx(&bytes)
                    .ok()
                    .and_then(|f| f.activities.into_iter().next());
                for (mut activity, source_name) in workouts {
                    if let Some(track) = &track {
                        attach_route(&mut activity, track);
                    }
                    out.send(Chunk::Activity {
                        provider: "apple_health",
                        format: "apple_health",
                        activity,
                        source_name,
                    })?;
                }
            }
            other => {
                if let Some(workouts) = other {
                    pending.insert(route_key, workouts);
                }
                match read_activity_file(format, &bytes, Some(name), out)? {
                    Ok(()) => {}
                    Err(e) => out.send(entry_warning(e.code, name, format!("{name}: {}", e.detail)))?,
                }
            }
        }
        out.send(Chunk::Progress { bytes: read_bytes })?;
    }
    // Workouts whose route file was missing still count.
    send_pending(pending, out)?;
    Ok(Ok(()))
}

/// Gives a workout the route's streams, re-based on the workout's start.
fn attach_route(activity: &mut ParsedActivity, route: &ParsedActivity) {
    let shift = (route.start.as_millisecond() - activity.start.as_millisecond()) as f64 / 1000.0;
    let mut streams = route.streams.clone();
    for t in &mut streams.time {
        *t += shift;
    }
    let duration = (activity.end.as_millisecond() - activity.start.as_millisecond()) as f64 / 1000.0;
    // Keep only points inside the workout.
    let keep: Vec<bool> = streams
        .time
        .iter()
        .map(|t| *t >= 0.0 && *t <= duration + 1.0)
        .collect();
    if keep.iter().all(|k| *k) {
        activity.streams = streams;
        return;
    }
    let filter = |v: &Vec<Option<f64>>| {
        v.iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(x, _)| *x)
            .collect()
    };
    activity.streams.time = streams
        .time
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(t, _)| *t)
        .collect();
    activity.streams.channels = streams.channels.iter().map(|(k, v)| (*k, filter(v))).collect();
}

/// Sends workouts still waiting for a route file, without one.
fn send_pending(pending: PendingRoutes, out: &Out<'_>) -> Result<(), Closed> {
    for (_, workouts) in pending {
        for (activity, source_name) in workouts {
            out.send(Chunk::Activity {
                provider: "apple_health",
                format: "apple_health",
                activity,
                source_name,
            })?;
        }
    }
    Ok(())
}

/// A warning about one archive entry.
fn entry_warning(code: &'static str, name: &str, detail: String) -> Chunk {
    Chunk::Warnings(vec![Warning {
        code,
        detail,
        location: Location::Entry(name.to_owned()),
    }])
}
