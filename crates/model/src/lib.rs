//! The vocabulary of Wearhouse: validated input types, users, roles and profile fields.
//!
//! Pure: no I/O, no async, no clock. A value that has one of these types has passed validation, so the
//! rest of the system never re-checks it ("parse, don't validate").

pub mod account;
pub mod activity;
pub mod activity_type;
pub mod figures;
pub mod ids;
pub mod invalid;
pub mod metric;
pub mod password;
pub mod preferences;
pub mod profile;
pub mod role;
pub mod sleep;
pub mod source;
pub mod time;
pub mod unit;

pub use account::{Email, Username};
pub use activity::{
    ActivityFields, Intensity, Lap, StreamKey, StreamResolution, Streams, StrengthSet, Visibility,
};
pub use activity_type::{ActivityFamily, ActivityType};
pub use figures::DayFigures;
pub use ids::{ActivityId, RouteId, UserId};
pub use invalid::InvalidInput;
pub use metric::{round_to, Metric, MetricKind, MetricSpec, RawValue};
pub use password::{Password, PasswordPolicy};
pub use preferences::{Language, Preferences, Theme, TodayCard};
pub use profile::{Bio, BirthYear, DisplayName, FirstWeekday, HeightCm, Sex, TimeZoneName, UnitSystem};
pub use role::{Role, Roles};
pub use sleep::SleepStage;
pub use source::{DeviceKind, Provider, SourceDescriptor};
pub use time::{parse_observed, ObservedInstant};
pub use unit::{Dimension, Unit};
