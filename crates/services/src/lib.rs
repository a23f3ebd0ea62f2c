//! Use cases of Wearhouse over the storage interface: registration, login, tokens, MFA, profiles,
//! avatars and administration. The HTTP layer and the CLI both call these; rules live here, once.

pub mod accounts;
pub mod activities;
pub mod activity_routes;
pub mod admin;
pub mod attribution;
pub mod auth;
pub mod blobs;
pub mod breaker;
pub mod buckets;
pub mod cache_bus;
pub mod clock;
pub mod error;
pub mod events;
pub mod history;
pub mod idempotency;
pub mod imports;
pub mod jobs;
pub mod mfa;
pub mod passwords;
pub mod preferences;
pub mod profile;
pub mod responses;
pub mod rollups;
pub mod samples;
pub mod series;
pub mod sessions;
pub mod streams;
pub mod summaries;
pub mod throttle;
pub mod time_zones;
pub mod tokens;
pub mod totals;
pub mod upgrade;

pub use accounts::{AccountService, AccountSettings, AuthenticatedUser};
pub use activities::{
    ActivityInput, ActivityListRequest, ActivityPage, ActivityService, BatchOutcome, NewActivityInput,
};
pub use auth::{LoginRequest, TokenPair, TotpEnrolment};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{FieldError, ServiceError};
pub use idempotency::IdempotencyService;
pub use imports::{ImportService, Upload};
pub use jobs::{JobSettings, Jobs};
pub use passwords::PasswordHashing;
pub use profile::ProfilePatch;
pub use samples::{
    IngestOutcome, Rejection, SampleInput, SampleListRequest, SamplePage, SampleService, SourceInput,
};
pub use sessions::PasswordChange;
pub use summaries::{Period, Summaries, SummaryService};
