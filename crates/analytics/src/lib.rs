//! Pure computations over Wearhouse data: which local day a record belongs to, how overlapping sources
//! merge, and how values roll up. No I/O, no clock: every input is a parameter, so every rule here has
//! known-answer tests.

pub mod attribution;
pub mod buckets;
pub mod local_day;
pub mod merge;
pub mod rollup;
pub mod route;
pub mod sleep;
pub mod zones;

pub use attribution::{attribute_cumulative, attribute_readings, Attributed};
pub use buckets::{bucket_cumulative, bucket_readings, Bucket};
pub use local_day::{local_date, sleep_date, split_by_local_day, DayShare};
pub use merge::{merge_intervals, MergedPiece, SourcedInterval};
pub use rollup::{daily_cumulative, daily_readings, merge_readings, DayFigures};
pub use sleep::{daily_sleep, sleep_sessions, SleepDay, SleepSession, StageInterval, StagePiece};
pub use zones::ZoneHistory;
