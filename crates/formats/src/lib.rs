//! Readers that turn files from other platforms into Wearhouse records.
//!
//! Pure: bytes (or a `Read`) in, [`records`] out, with errors and warnings that say where in the input
//! they arose. No I/O beyond the reader handed in, no clock, no database: the import service decides what
//! to store, and these readers can be fuzzed and benchmarked in isolation.

pub mod apple_health;
pub mod detect;
pub mod error;
pub mod fit;
pub mod fitbit;
pub mod google_fit;
pub mod gpx;
pub mod records;
pub mod tcx;
mod track;

pub use detect::{detect, Format};
pub use error::{FormatError, Location, Warning};
pub use records::{ParsedActivity, ParsedFile, ParsedSample};
