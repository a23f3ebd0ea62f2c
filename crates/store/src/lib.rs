//! The storage interface the rest of Wearhouse sees, and its SQLite and PostgreSQL backends.
//!
//! The interface is split by aggregate ([`AccountStore`], [`SessionStore`], [`SettingsStore`]); callers
//! hold `Arc<dyn …>` and never see `sqlx` types. Each backend keeps its own migrations. Where the SQL
//! of both dialects is the same text, one implementation is expanded for both pool types (see `sql`);
//! where they differ, each backend gets its own code.

mod accounts;
mod activities;
mod error;
mod events;
mod floating;
mod idempotency;
mod imports;
mod jobs;
mod open;
mod planned_routes;
mod raw;
mod rollup_block;
mod rollups;
mod route;
mod rows;
mod sample_chunk;
mod samples;
mod sessions;
mod settings;
mod sql;
mod sqlite_wait;
mod stream_codec;
pub mod testing;
mod time;
mod varint;

pub use accounts::{AccountStore, AdminUserUpdate, Avatar, NewUser, ProfileUpdate, UserRecord};
pub use activities::{
    ActivityCursor, ActivityQuery, ActivityRecord, ActivityRevision, ActivitySort, ActivityStore, Created,
    NewActivity, Recording, Rekeyed, RevisionChange, RouteQuery, StoredRoute, WorkoutSpan,
};
pub use error::StoreError;
pub use events::{EventStore, StoredEvent};
pub use idempotency::{IdempotencyStore, KeyClaim, StoredResponse};
pub use imports::{ImportProgress, ImportRecord, ImportStatus, ImportStore, NewImport};
pub use jobs::{FailOutcome, JobRecord, JobState, JobStats, JobStore, Lease, NewJob};
pub use open::{open, Backend, SetupLock, StorageUsage, Store, StoreOptions};
pub use planned_routes::{NewPlannedRoute, PlannedRouteRecord, PlannedRouteStore};
pub use raw::{RawQuery, RawRecord, RawStore};
pub use rollups::{
    DailyColumn, DailyRollup, HourlyRollup, RollupStore, SeriesRollups, SleepRollup, SummaryInputs,
    SummaryRange,
};
pub use route::ROUTE_TOLERANCE_M;
pub use samples::{
    NewSample, SampleCursor, SampleQuery, SampleStore, SampleValue, SourceRecord, StoredSample,
};
pub use sessions::{NewRefreshToken, RotateOutcome, SessionClient, SessionRecord, SessionStore};
pub use settings::SettingsStore;
