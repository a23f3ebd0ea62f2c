//! Readers that turn files from other platforms into Wearhouse records.
//!
//! Pure: bytes (or a `BufRead`) in, [`records`] out, with errors and warnings that say where in the input
//! they arose. No I/O beyond the reader handed in, no clock, no database: the import service decides what
//! to store, and these readers can be fuzzed and benchmarked in isolation.
//!
//! Every format is a [`FormatReader`] listed once in [`registry::READERS`]: the importer recognises a file
//! (or an archive entry) with [`registry::detect`] and reads it into a [`RecordSink`].

pub mod apple_health;
pub mod detect;
pub mod error;
pub mod fit;
pub mod fitbit;
pub mod garmin;
pub mod google_fit;
pub mod gpx;
pub mod oura;
pub mod reader;
pub mod readers;
pub mod records;
pub mod registry;
pub mod sink;
pub mod sleep_totals;
pub mod strava;
pub mod tcx;
mod track;
pub mod whoop;
pub mod withings;

pub use error::{FormatError, Location, Warning};
pub use reader::{FormatReader, ReadContext};
pub use records::{start_external_id, ParsedActivity, ParsedFile, ParsedSample, PlannedRoute, RoutePoint};
pub use sink::{ActivityRecord, Collected, Flow, RecordSink};
/// The zones a user lived in, which `ReadContext` carries for wall-clock times.
pub use wearhouse_analytics::ZoneHistory;
