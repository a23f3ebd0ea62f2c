//! The reading half of an import: runs on a blocking thread, hands the file to the reader the
//! registry names for it (`wearhouse_formats::registry`), and turns what the reader gives into batches
//! sent to the writing half over a bounded channel, so parsing and storing overlap and memory stays flat
//! (at most a few batches in flight).
//!
//! A ZIP archive is a container, walked here: each entry goes through the same registry, by its path and
//! first bytes. Only two things belong to the archive rather than a reader: the zip-bomb limits, and
//! Apple Health workouts whose routes are other entries of the export.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::ops::ControlFlow;
use std::path::Path;
use std::rc::Rc;

use flate2::read::GzDecoder;

use tokio::sync::mpsc::Sender;
use wearhouse_formats::apple_health::UnmappedRecord;
use wearhouse_formats::detect::{is_gzip, is_zip, SNIFF_LEN};
use wearhouse_formats::readers::attach_route;
use wearhouse_formats::{
    registry, ActivityRecord, Collected, Flow, FormatError, FormatReader, Location, ParsedActivity,
    ParsedSample, PlannedRoute, ReadContext, RecordSink, Warning,
};

mod nested;

/// Samples per batch sent to the writer: large enough that per-transaction costs vanish, small enough to
/// keep memory low.
pub(crate) const BATCH: usize = 25_000;
/// Records of unmapped types per batch. Smaller than `BATCH`: each costs several times a sample to
/// store (a wide unique key of text), and exports list them by type, often near the end, where a
/// large last batch would be stored after everything else is done rather than while reading.
const RAW_BATCH: usize = 5_000;
/// Read buffer for the file or entry being read: streaming readers scan it in large steps.
const READ_BUFFER: usize = 256 * 1024;

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
    /// A route without times, kept as a plan.
    Route(Box<PlannedRoute>),
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

/// What a file is, from its first bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sniffed {
    /// A ZIP archive, whose entries are detected and read one by one.
    Archive,
    File(&'static dyn FormatReader),
}

impl Sniffed {
    /// The import's `format`: `zip`, or the reader's id.
    pub fn label(self) -> &'static str {
        match self {
            Sniffed::Archive => "zip",
            Sniffed::File(reader) => reader.id(),
        }
    }
}

/// What the file at `path` is. A self-describing file is recognised by its content whatever its
/// name; a file of a Fitbit or Google Fit export uploaded on its own by the name the client gave it
/// (`name`, as its export named it) and content that fits (see `FormatReader::detect_alone`).
pub(crate) fn sniff(path: &Path, name: Option<&str>) -> Result<Option<Sniffed>, std::io::Error> {
    let head = read_head(&mut File::open(path)?)?;
    if is_zip(&head) {
        return Ok(Some(Sniffed::Archive));
    }
    Ok(registry::detect_alone(name.unwrap_or_default(), &head).map(Sniffed::File))
}

/// Why the file at `path`, named `name` by the client, is not read: for the upload's refusal.
pub(crate) fn refusal(path: &Path, name: Option<&str>) -> String {
    let head = File::open(path)
        .and_then(|mut f| read_head(&mut f))
        .unwrap_or_default();
    registry::refusal(name.unwrap_or_default(), &head)
}

/// Up to [`SNIFF_LEN`] leading bytes.
fn read_head(input: &mut impl Read) -> Result<Vec<u8>, std::io::Error> {
    let mut head = Vec::with_capacity(SNIFF_LEN);
    input.take(SNIFF_LEN as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Reads the whole file, sending chunks; returns when done, on a fatal error, or when the writer stops.
pub(crate) fn read_file(
    path: &Path,
    name: Option<&str>,
    sniffed: Sniffed,
    limits: ArchiveLimits,
    ctx: &ReadContext,
    tx: &Sender<Chunk>,
) -> Result<(), ReadError> {
    let mut sink = ChunkSink::new(tx);
    let result = match sniffed {
        Sniffed::Archive => read_zip(File::open(path)?, limits, ctx, &mut sink),
        Sniffed::File(reader) => read_bare(path, name.unwrap_or_default(), reader, ctx, &mut sink),
    };
    // The writer hung up (it failed or the import was cancelled): it reports why; stop quietly.
    if sink.closed {
        return Ok(());
    }
    result
}

/// A file uploaded on its own, named `name` by the client: any failure to read it fails the import.
fn read_bare(
    path: &Path,
    name: &str,
    reader: &'static dyn FormatReader,
    ctx: &ReadContext,
    sink: &mut ChunkSink<'_>,
) -> Result<(), ReadError> {
    let size = std::fs::metadata(path)?.len();
    if let Some(limit) = reader.size_limit().filter(|limit| size > *limit) {
        return Err(ReadError {
            code: "file_too_large",
            detail: format!(
                "{size} bytes; {} files are read up to {} MB",
                reader.id(),
                limit / (1024 * 1024)
            ),
        });
    }
    let mut input = BufReader::with_capacity(READ_BUFFER, File::open(path)?);
    sink.start(reader, None, 0);
    // The readers that need a name (a Takeout file's, see `sniff`) get the one it was recognised by.
    let name = if reader.detect(name, b"") { name } else { "" };
    reader.read(&mut input, name, ctx, sink)?;
    // A file on its own has no route files: workouts referring to one are stored without streams.
    let _ = sink.finish(size);
    Ok(())
}

/// Reads a ZIP archive entry by entry, each with the reader the registry names for its path and first
/// bytes, enforcing [`ArchiveLimits`]. An entry no reader knows is skipped (`unknown_entry`); one that
/// cannot be read is a warning, unless its reader had already given records, which could not be told
/// apart from the ones it would have given: then the import fails (and is rolled back).
fn read_zip<R: Read + Seek>(
    input: R,
    limits: ArchiveLimits,
    ctx: &ReadContext,
    sink: &mut ChunkSink<'_>,
) -> Result<(), ReadError> {
    let mut archive = zip::ZipArchive::new(input)?;
    if archive.len() > limits.max_entries {
        return Err(ReadError {
            code: "archive_too_large",
            detail: format!(
                "the archive has {} entries; at most {} are read",
                archive.len(),
                limits.max_entries
            ),
        });
    }
    // Check every entry's declared sizes before reading anything.
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i)?;
        total = total.saturating_add(entry.size());
        let ratio = entry.size() / entry.compressed_size().max(1);
        if ratio > limits.max_ratio || total > limits.max_total_bytes {
            return Err(ReadError {
                code: "archive_too_large",
                detail: format!(
                    "entry {} expands {}× (to {} bytes); archives may expand at most {}× and to {} bytes in all",
                    entry.name(),
                    ratio,
                    entry.size(),
                    limits.max_ratio,
                    limits.max_total_bytes
                ),
            });
        }
    }
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    sink.routes = Some(PendingRoutes::new());
    sink.recordings = Some(PendingRoutes::new());
    sink.by_start = Some(HashMap::new());
    // The sink remembers when the writer hung up and every entry starts by asking it, so its answers
    // to single chunks (`let _ = sink…`) need not be checked one by one.
    let mut read_bytes = 0u64;
    // Entries, and bytes the archive expands to: the entries' declared sizes, plus what compressed
    // entries and archives inside it turn out to expand to beyond theirs as they are read.
    let mut budget = nested::Budget {
        entries: archive.len(),
        expanded: total,
    };
    // The indexes first (Apple Health's export.xml, Strava's activities.csv), so the workouts that
    // name other entries wait for them and are completed as they are met.
    let mut ordered: Vec<&String> = names.iter().collect();
    ordered.sort_by_key(|n| !leads(n));
    for name in ordered {
        if sink.closed {
            return Ok(());
        }
        let lower = name.to_ascii_lowercase();
        if name.ends_with('/') || lower.contains("__macosx/") {
            continue;
        }
        if lower.ends_with("export_cda.xml") {
            // Said, not silently dropped: the user may wonder where its records went.
            let _ = sink.entry_warning(
                "duplicate_of_export_xml",
                name,
                format!("{name} holds the records of export.xml again, as clinical documents; export.xml was read instead"),
            );
            continue;
        }
        let entry = archive.by_name(name)?;
        let declared = entry.size();
        // Never trust the declared size alone: stop at it plus one byte.
        let watch = Rc::new(WatchState::default());
        let mut raw = Watched::new(entry.take(declared.saturating_add(1)), Rc::clone(&watch));
        let head = match read_head(&mut raw) {
            Ok(head) => head,
            Err(e) => {
                let _ = sink.entry_warning("unreadable_entry", name, format!("{name}: {e}"));
                continue;
            }
        };
        let at = Entry {
            name,
            declared,
            watch: &watch,
        };
        if is_zip(&head) {
            let body = Cursor::new(head).chain(raw);
            nested::read_nested_zip(&at, body, &limits, &mut budget, ctx, sink, &mut read_bytes)?;
            continue;
        }
        if !is_gzip(&head) {
            let body = Cursor::new(head).chain(raw);
            read_entry(&at, name, None, body, ctx, sink, &mut read_bytes)?;
            continue;
        }
        // A compressed file inside the archive (`activities/4242.fit.gz`): held to the archive's
        // limits as it is decompressed, whatever its header says it expands to.
        let room = limits
            .max_total_bytes
            .saturating_sub(budget.expanded)
            .saturating_add(declared);
        let cap = Rc::new(CapState::new(declared.saturating_mul(limits.max_ratio).min(room)));
        let mut body = Capped::new(GzDecoder::new(Cursor::new(head).chain(raw)), Rc::clone(&cap));
        let inner_head = match read_head(&mut body) {
            Ok(head) => head,
            Err(e) => {
                cap.check(name, &limits)?;
                let _ = sink.entry_warning(
                    "unreadable_entry",
                    name,
                    format!("{name}: not readable gzip: {e}"),
                );
                continue;
            }
        };
        let inner_name = name
            .strip_suffix(".gz")
            .or_else(|| name.strip_suffix(".GZ"))
            .unwrap_or(name);
        let body = Cursor::new(inner_head).chain(body);
        let result = read_entry(&at, inner_name, Some(&cap), body, ctx, sink, &mut read_bytes);
        cap.check(name, &limits)?;
        result?;
        budget.expanded = budget
            .expanded
            .saturating_add(cap.read.get().saturating_sub(declared));
    }
    // Workouts whose route or recording file was missing still count.
    let _ = sink.send_waiting();
    Ok(())
}

/// Whether an archive entry is read before every other entry: an index whose workouts name other
/// entries of the archive (or are found in them by their start, Garmin's summaries), or Google Fit's
/// basal rate, which splits the energy of the Takeout's other files.
fn leads(name: &str) -> bool {
    name.ends_with("export.xml")
        || wearhouse_formats::strava::is_activities_csv(name)
        || wearhouse_formats::garmin::classify(name) == Some(wearhouse_formats::garmin::Kind::Activities)
        || wearhouse_formats::google_fit::is_basal_rate_entry(name)
}

/// The archive entry being read: its path, the size its directory gives, and how reading it went.
struct Entry<'a> {
    name: &'a str,
    declared: u64,
    watch: &'a WatchState,
}

/// Reads one archive entry whose content goes by `content_name` (its path, or the path without `.gz`
/// for a compressed one, then `cap` holds what it may expand to) and is `body` (its first bytes
/// included), with the reader the registry names for it.
///
/// An entry no reader knows is skipped (`unknown_entry`); one that cannot be read is a warning, unless
/// its reader had already given records, which could not be told apart from the ones it would have
/// given: then the import fails (and is rolled back). A route or recording a workout waits for is read
/// whole and completes that workout.
fn read_entry(
    at: &Entry<'_>,
    content_name: &str,
    cap: Option<&CapState>,
    body: impl Read,
    ctx: &ReadContext,
    sink: &mut ChunkSink<'_>,
    read_bytes: &mut u64,
) -> Result<(), ReadError> {
    let name = at.name;
    let mut input = BufReader::with_capacity(READ_BUFFER, body);
    let head = match input.fill_buf() {
        Ok(buf) => buf[..buf.len().min(SNIFF_LEN)].to_vec(),
        Err(e) => {
            let _ = sink.entry_warning("unreadable_entry", name, format!("{name}: {e}"));
            return Ok(());
        }
    };
    let Some(reader) = registry::detect(content_name, &head) else {
        let _ = sink.skipped("unknown_entry", 1);
        return Ok(());
    };
    // A compressed entry's size says nothing of its content's: the reader's limit holds as it reads.
    let limit = reader
        .size_limit()
        .filter(|limit| cap.is_none() && at.declared > *limit);
    if let Some(limit) = limit {
        let _ = sink.entry_warning(
            "entry_too_large",
            name,
            format!(
                "{name}: {} bytes; {} entries are read up to {} MB, so it was skipped",
                at.declared,
                reader.id(),
                limit / (1024 * 1024)
            ),
        );
        return Ok(());
    }
    if sink.recording_waits_for(name) {
        let mut recorded = Collected::default();
        let result = reader.read(&mut input, content_name, ctx, &mut recorded);
        if let Some(cap) = cap {
            if cap.exceeded.get() {
                return Ok(());
            }
        }
        if let Err(e) = result {
            // The workouts it completes are stored as their index describes them.
            let _ = sink.entry_warning(e.code, name, format!("{name}: {}", e.detail));
            recorded = Collected::default();
        }
        *read_bytes += at.declared;
        let _ = sink.join_recording(name, reader, recorded, *read_bytes);
        return Ok(());
    }
    if reader.id() == "gpx" && sink.route_waits_for(name) {
        let mut bytes = Vec::with_capacity(usize::try_from(at.declared).unwrap_or(0));
        if let Err(e) = input.read_to_end(&mut bytes) {
            // The workouts stay waiting and are stored without their route.
            let _ = sink.entry_warning("unreadable_entry", name, format!("{name}: {e}"));
            return Ok(());
        }
        *read_bytes += at.declared;
        let _ = sink.attach_route(name, &bytes, *read_bytes);
        return Ok(());
    }
    sink.start(reader, Some(name), *read_bytes);
    if let Err(e) = reader.read(&mut input, content_name, ctx, sink) {
        if cap.is_some_and(|cap| cap.exceeded.get()) {
            return Ok(());
        }
        if sink.given > 0 {
            return Err(ReadError {
                code: e.code,
                detail: format!("{name}: {e}"),
            });
        }
        // The entry went on past the size the archive's directory gave it: a crafted archive, read
        // no further than that size (and never past the reader's limit).
        if at.watch.read.get() > at.declared || e.code == "file_too_large" {
            let detail = if e.code == "file_too_large" {
                format!("{name}: {}; skipped", e.detail)
            } else {
                format!(
                    "{name}: holds more than the {} bytes the archive says; skipped",
                    at.declared
                )
            };
            let _ = sink.entry_warning("entry_too_large", name, detail);
            return Ok(());
        }
        let code = if at.watch.failed.get() {
            "unreadable_entry"
        } else {
            e.code
        };
        let _ = sink.entry_warning(code, name, format!("{name}: {}", e.detail));
        return Ok(());
    }
    *read_bytes += at.declared;
    let _ = sink.finish(*read_bytes);
    Ok(())
}

/// Workouts waiting for their route file: archive path (without its leading `/`) → the workouts, with
/// the provider of the reader that gave them.
type PendingRoutes = HashMap<String, Vec<(&'static str, ActivityRecord)>>;

/// The sink readers write into: batches samples and raw records, names the current archive entry in
/// warnings, holds workouts until their route entry is met, and turns all of it into [`Chunk`]s.
struct ChunkSink<'a> {
    tx: &'a Sender<Chunk>,
    /// The writer hung up: every further record is refused.
    closed: bool,
    /// Who the current input's records come from.
    provider: &'static str,
    /// The archive entry being read, which its warnings name.
    entry: Option<String>,
    /// Bytes of the inputs read before this one, and of this one so far.
    base_bytes: u64,
    input_bytes: u64,
    samples: Vec<ParsedSample>,
    raw: Vec<UnmappedRecord>,
    /// Samples, workouts and raw records the current input has given.
    given: u64,
    /// In an archive, workouts waiting for a route entry; `None` for a file on its own.
    routes: Option<PendingRoutes>,
    /// In an archive, workouts waiting for the entry holding their recording (Strava's rows);
    /// `None` for a file on its own.
    recordings: Option<PendingRoutes>,
    /// In an archive, workouts waiting for a recorded workout starting in the same second (Garmin's
    /// summaries), by that second; `None` for a file on its own.
    by_start: Option<HashMap<i64, Vec<(&'static str, ActivityRecord)>>>,
}

impl<'a> ChunkSink<'a> {
    fn new(tx: &'a Sender<Chunk>) -> Self {
        Self {
            tx,
            closed: false,
            provider: "other",
            entry: None,
            base_bytes: 0,
            input_bytes: 0,
            samples: Vec::new(),
            raw: Vec::new(),
            given: 0,
            routes: None,
            recordings: None,
            by_start: None,
        }
    }

    fn send(&mut self, chunk: Chunk) -> Flow {
        if self.closed || self.tx.blocking_send(chunk).is_err() {
            self.closed = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// Starts an input: a file, or an archive entry named `entry` after `base_bytes` of others. What
    /// an input that failed before giving anything had buffered is dropped with it.
    fn start(&mut self, reader: &dyn FormatReader, entry: Option<&str>, base_bytes: u64) {
        self.provider = reader.provider().as_str();
        self.entry = entry.map(str::to_owned);
        self.base_bytes = base_bytes;
        self.input_bytes = 0;
        self.given = 0;
        self.samples.clear();
        self.raw.clear();
    }

    /// Ends an input: sends what is still batched, then the progress (`bytes` read in all).
    fn finish(&mut self, bytes: u64) -> Flow {
        self.send_samples()?;
        self.send_raw()?;
        self.send(Chunk::Progress { bytes })
    }

    fn send_samples(&mut self) -> Flow {
        if self.samples.is_empty() {
            return ControlFlow::Continue(());
        }
        let samples = std::mem::take(&mut self.samples);
        let provider = self.provider;
        self.send(Chunk::Samples { provider, samples })
    }

    fn send_raw(&mut self) -> Flow {
        if self.raw.is_empty() {
            return ControlFlow::Continue(());
        }
        let raw = std::mem::take(&mut self.raw);
        self.send(Chunk::Raw(raw))
    }

    fn send_activity(&mut self, provider: &'static str, record: ActivityRecord) -> Flow {
        self.send(Chunk::Activity {
            provider,
            format: record.format,
            activity: Box::new(record.activity),
            source_name: record.source_name,
        })
    }

    /// A warning about one archive entry as a whole.
    fn entry_warning(&mut self, code: &'static str, name: &str, detail: String) -> Flow {
        self.send(Chunk::Warnings(vec![Warning {
            code,
            detail,
            location: Location::Entry(name.to_owned()),
        }]))
    }

    /// The key of the waiting route an archive entry is: its path relative to the export's folder, or
    /// any waiting path it ends with.
    fn route_key(&self, name: &str) -> Option<String> {
        let routes = self.routes.as_ref()?;
        let key = name.trim_start_matches("apple_health_export/");
        if routes.contains_key(key) {
            return Some(key.to_owned());
        }
        routes.keys().find(|k| name.ends_with(k.as_str())).cloned()
    }

    fn route_waits_for(&self, name: &str) -> bool {
        self.route_key(name).is_some()
    }

    /// Sends the workouts waiting for the route entry `name` (GPX `bytes`), with its points as their
    /// streams; `read_bytes` is the archive's progress after it.
    fn attach_route(&mut self, name: &str, bytes: &[u8], read_bytes: u64) -> Flow {
        let waiting = self
            .route_key(name)
            .and_then(|key| self.routes.as_mut()?.remove(&key))
            .unwrap_or_default();
        // A route that cannot be read leaves its workouts without streams, as a missing one does.
        let track = wearhouse_formats::gpx::read_gpx(bytes)
            .ok()
            .and_then(|f| f.activities.into_iter().next());
        for (provider, mut record) in waiting {
            if let Some(track) = &track {
                attach_route(&mut record.activity, track);
            }
            self.send_activity(provider, record)?;
        }
        self.send(Chunk::Progress { bytes: read_bytes })
    }

    /// Sends workouts still waiting for a route or recording file, without one.
    fn send_waiting(&mut self) -> Flow {
        let mut waiting = self.routes.take().unwrap_or_default();
        waiting.extend(self.recordings.take().unwrap_or_default());
        for (provider, record) in waiting.into_values().flatten() {
            self.send_activity(provider, record)?;
        }
        let mut summaries: Vec<_> = self.by_start.take().unwrap_or_default().into_iter().collect();
        // In time order, as a summaries file lists them: the store's batches follow the reading.
        summaries.sort_unstable_by_key(|(start, _)| *start);
        for (provider, record) in summaries.into_iter().flat_map(|(_, waiting)| waiting) {
            self.send_activity(provider, record)?;
        }
        ControlFlow::Continue(())
    }

    /// The summary waiting for a recorded workout that starts at `start` (to the second, or one second
    /// either side: a summary's start is the recording's, rounded), taken out of the waiting ones.
    fn summary_for(&mut self, start: jiff::Timestamp) -> Option<(&'static str, ActivityRecord)> {
        let waiting = self.by_start.as_mut()?;
        let second = start.as_second();
        for key in [second, second - 1, second + 1] {
            if let Some(list) = waiting.get_mut(&key) {
                let found = list.pop();
                if list.is_empty() {
                    waiting.remove(&key);
                }
                return found;
            }
        }
        None
    }

    /// The key of the waiting recording an archive entry is: its path, or the path without the
    /// folders in front of it (a Strava export unpacked and zipped again as `export_42/…`).
    fn recording_key(&self, name: &str) -> Option<String> {
        let recordings = self.recordings.as_ref()?;
        let mut key = name;
        loop {
            if recordings.contains_key(key) {
                return Some(key.to_owned());
            }
            key = key.split_once('/')?.1;
        }
    }

    fn recording_waits_for(&self, name: &str) -> bool {
        self.recording_key(name).is_some()
    }

    /// Sends the workouts waiting for the recording entry `name`, each joined to what `reader` read
    /// from it (`recorded`); `read_bytes` is the archive's progress after it.
    fn join_recording(
        &mut self,
        name: &str,
        reader: &'static dyn FormatReader,
        recorded: Collected,
        read_bytes: u64,
    ) -> Flow {
        let waiting = self
            .recording_key(name)
            .and_then(|key| self.recordings.as_mut()?.remove(&key))
            .unwrap_or_default();
        if !recorded.warnings.is_empty() {
            let warnings = recorded
                .warnings
                .into_iter()
                .map(|w| Warning {
                    detail: format!("{name}: {}", w.detail),
                    ..w
                })
                .collect();
            self.send(Chunk::Warnings(warnings))?;
        }
        for (reason, count) in recorded.skipped {
            self.send(Chunk::Skipped { reason, count })?;
        }
        let sessions: Vec<ParsedActivity> = recorded.activities.iter().map(|r| r.activity.clone()).collect();
        let source_name = recorded.activities.iter().find_map(|r| r.source_name.clone());
        for (provider, record) in waiting {
            let format = if sessions.is_empty() {
                record.format
            } else {
                reader.id()
            };
            for activity in wearhouse_formats::strava::join_recording(record.activity, sessions.clone()) {
                self.send_activity(
                    provider,
                    ActivityRecord {
                        activity,
                        format,
                        source_name: source_name.clone().or(record.source_name.clone()),
                        route_file: None,
                        recording_file: None,
                        recording_by_start: false,
                    },
                )?;
            }
        }
        if !recorded.samples.is_empty() {
            self.send(Chunk::Samples {
                provider: reader.provider().as_str(),
                samples: recorded.samples,
            })?;
        }
        self.send(Chunk::Progress { bytes: read_bytes })
    }
}

impl RecordSink for ChunkSink<'_> {
    fn sample(&mut self, sample: ParsedSample) -> Flow {
        if self.closed {
            return ControlFlow::Break(());
        }
        self.given += 1;
        self.samples.push(sample);
        if self.samples.len() >= BATCH {
            self.send_samples()?;
            // A reader that filled one batch is likely to fill the next.
            self.samples.reserve(BATCH);
            return self.send(Chunk::Progress {
                bytes: self.base_bytes + self.input_bytes,
            });
        }
        ControlFlow::Continue(())
    }

    fn activity(&mut self, mut record: ActivityRecord) -> Flow {
        self.given += 1;
        let provider = self.provider;
        if record.recording_by_start {
            if let Some(waiting) = self.by_start.as_mut() {
                let start = record.activity.start.as_second();
                waiting.entry(start).or_default().push((provider, record));
                return ControlFlow::Continue(());
            }
        } else if let Some((_, summary)) = self.summary_for(record.activity.start) {
            // The device's recording, with the words and choices of its summary (the same join as a
            // Strava row's): one workout, keeping the recording's identity.
            let joined = wearhouse_formats::strava::join_recording(summary.activity, vec![record.activity]);
            let Some(activity) = joined.into_iter().next() else {
                return ControlFlow::Continue(());
            };
            record.activity = activity;
        }
        let waiting = match (&record.route_file, &record.recording_file) {
            (Some(route), _) => self.routes.as_mut().map(|w| (w, route)),
            (None, Some(recording)) => self.recordings.as_mut().map(|w| (w, recording)),
            (None, None) => None,
        };
        match waiting {
            Some((waiting, file)) => {
                let key = file.trim_start_matches('/').to_owned();
                waiting.entry(key).or_default().push((provider, record));
                ControlFlow::Continue(())
            }
            None => self.send_activity(provider, record),
        }
    }

    fn route(&mut self, route: PlannedRoute) -> Flow {
        self.given += 1;
        self.send(Chunk::Route(Box::new(route)))
    }

    fn raw(&mut self, record: UnmappedRecord) -> Flow {
        if self.closed {
            return ControlFlow::Break(());
        }
        self.given += 1;
        self.raw.push(record);
        if self.raw.len() >= RAW_BATCH {
            return self.send_raw();
        }
        ControlFlow::Continue(())
    }

    fn skipped(&mut self, reason: &str, count: u64) -> Flow {
        self.send(Chunk::Skipped {
            reason: reason.to_owned(),
            count,
        })
    }

    fn warnings(&mut self, mut warnings: Vec<Warning>) -> Flow {
        if warnings.is_empty() {
            return ControlFlow::Continue(());
        }
        if let Some(entry) = &self.entry {
            for w in &mut warnings {
                w.detail = format!("{entry}: {}", w.detail);
            }
        }
        self.send(Chunk::Warnings(warnings))
    }

    fn progress(&mut self, bytes: u64) -> Flow {
        self.input_bytes = bytes;
        if self.closed {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

/// How reading an archive entry went, shared with the code that reads through it: whether the archive
/// failed to deliver it (`unreadable_entry`, told apart from content its reader refused), and how many
/// bytes it gave.
#[derive(Debug, Default)]
struct WatchState {
    failed: Cell<bool>,
    read: Cell<u64>,
}

/// An archive entry's bytes, counted into a [`WatchState`].
struct Watched<R> {
    inner: R,
    state: Rc<WatchState>,
}

impl<R> Watched<R> {
    fn new(inner: R, state: Rc<WatchState>) -> Self {
        Self { inner, state }
    }
}

impl<R: Read> Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let result = self.inner.read(buf);
        if let Ok(n) = result {
            self.state.read.set(self.state.read.get() + n as u64);
        }
        if result
            .as_ref()
            .is_err_and(|e| e.kind() != std::io::ErrorKind::Interrupted)
        {
            self.state.failed.set(true);
        }
        result
    }
}

/// What a compressed entry may expand to, and what it has so far.
#[derive(Debug)]
struct CapState {
    limit: u64,
    read: Cell<u64>,
    exceeded: Cell<bool>,
}

impl CapState {
    fn new(limit: u64) -> Self {
        Self {
            limit,
            read: Cell::new(0),
            exceeded: Cell::new(false),
        }
    }

    /// Fails the import when the entry `name` expanded beyond what the archive may: the same
    /// `archive_too_large` as an archive whose directory declares too much.
    fn check(&self, name: &str, limits: &ArchiveLimits) -> Result<(), ReadError> {
        if !self.exceeded.get() {
            return Ok(());
        }
        Err(ReadError {
            code: "archive_too_large",
            detail: format!(
                "{name} expands to more than {} bytes as it is decompressed; compressed files in archives may \
                 expand at most {}× and the archive to {} bytes in all",
                self.limit, limits.max_ratio, limits.max_total_bytes
            ),
        })
    }
}

/// A decompressing reader that stops with an error once it has given [`CapState::limit`] bytes, so
/// that a small compressed entry never expands without bound (a gzip bomb).
struct Capped<R> {
    inner: R,
    state: Rc<CapState>,
}

impl<R> Capped<R> {
    fn new(inner: R, state: Rc<CapState>) -> Self {
        Self { inner, state }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.state.read.get();
        if read >= self.state.limit {
            // One byte more tells a stream that ends exactly at the limit from one that goes on.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.state.exceeded.set(true);
            return Err(std::io::Error::other(
                "the compressed file expands beyond the archive's limits",
            ));
        }
        let room = usize::try_from(self.state.limit - read).unwrap_or(usize::MAX);
        let n = buf.len().min(room);
        let got = self.inner.read(&mut buf[..n])?;
        self.state.read.set(read + got as u64);
        Ok(got)
    }
}
