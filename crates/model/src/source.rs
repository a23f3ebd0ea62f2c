//! Where data comes from: a provider (Apple Health, Garmin …), a device (name, model, kind) and an app.
//! Sources are what overlapping data is merged by, so each has a priority rank.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::InvalidInput;

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $code:literal, { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = InvalidInput;
            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                let key = raw.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                $name::ALL.iter().copied().find(|v| v.as_str() == key).ok_or_else(|| {
                    let known = $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ");
                    InvalidInput::new($code, format!("'{raw}' is not one of: {known}"))
                })
            }
        }
    };
}

named_enum!(
    /// The service or app a record was obtained through.
    Provider, "invalid_provider", {
        AppleHealth => "apple_health",
        Garmin => "garmin",
        Fitbit => "fitbit",
        GoogleFit => "google_fit",
        Strava => "strava",
        Oura => "oura",
        Withings => "withings",
        Whoop => "whoop",
        Polar => "polar",
        Suunto => "suunto",
        Wahoo => "wahoo",
        Manual => "manual",
        Api => "api",
        Other => "other",
    }
);

named_enum!(
    /// What kind of device recorded the data; decides the default priority.
    DeviceKind, "invalid_device_kind", {
        Watch => "watch",
        Ring => "ring",
        Band => "band",
        ChestStrap => "chest_strap",
        BikeComputer => "bike_computer",
        Scale => "scale",
        BloodPressureMonitor => "blood_pressure_monitor",
        Glucometer => "glucometer",
        Phone => "phone",
        App => "app",
        Manual => "manual",
        Other => "other",
    }
);

impl DeviceKind {
    /// Default priority, lower first: devices worn on the body measure most directly, then dedicated
    /// instruments, then phones (which miss whatever happens while they lie on a desk), then apps,
    /// then hand-entered values.
    pub fn default_rank(self) -> u32 {
        match self {
            DeviceKind::ChestStrap => 0,
            DeviceKind::Watch | DeviceKind::Ring | DeviceKind::Band | DeviceKind::BikeComputer => 1,
            DeviceKind::Scale | DeviceKind::BloodPressureMonitor | DeviceKind::Glucometer => 2,
            DeviceKind::Phone => 3,
            DeviceKind::Other => 4,
            DeviceKind::App => 5,
            DeviceKind::Manual => 6,
        }
    }
}

/// A source as described by a client or an import. Two descriptions with the same fields name the same
/// source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceDescriptor {
    pub provider: Provider,
    pub kind: DeviceKind,
    /// Shown to the user ("Ana's Apple Watch").
    pub name: String,
    pub model: Option<String>,
    pub app: Option<String>,
    /// The source gives totals over periods (days, quarters of an hour) of data its provider also gives
    /// at a finer resolution, like Google Fit's daily CSV beside its data points: the merge counts it
    /// only for what the finer data does not already account for.
    pub summary: bool,
}

impl SourceDescriptor {
    const MAX_TEXT: usize = 200;

    pub fn new(
        provider: Provider,
        kind: DeviceKind,
        name: &str,
        model: Option<&str>,
        app: Option<&str>,
    ) -> Result<Self, InvalidInput> {
        let clean = |field: &str, v: &str| -> Result<String, InvalidInput> {
            let v = v.trim();
            if v.chars().count() > Self::MAX_TEXT || v.chars().any(char::is_control) {
                return Err(InvalidInput::new(
                    "invalid_source",
                    format!(
                        "source {field} must be at most {} printable characters",
                        Self::MAX_TEXT
                    ),
                ));
            }
            Ok(v.to_owned())
        };
        let name = clean("name", name)?;
        if name.is_empty() {
            return Err(InvalidInput::new("invalid_source", "a source needs a name"));
        }
        Ok(Self {
            provider,
            kind,
            name,
            model: model
                .map(|m| clean("model", m))
                .transpose()?
                .filter(|m| !m.is_empty()),
            app: app
                .map(|a| clean("app", a))
                .transpose()?
                .filter(|a| !a.is_empty()),
            summary: false,
        })
    }

    /// The same description, as a source of summaries (see [`SourceDescriptor::summary`]).
    pub fn summarising(self) -> Self {
        Self {
            summary: true,
            ..self
        }
    }

    /// The source used when a client sends none: the API itself.
    pub fn api_default() -> Self {
        Self {
            provider: Provider::Api,
            kind: DeviceKind::App,
            name: "API".to_owned(),
            model: None,
            app: None,
            summary: false,
        }
    }

    /// A stable key identifying this description among a user's sources. A summary source's key ends in
    /// a field of its own, so the keys of every other source are what they always were.
    pub fn natural_key(&self) -> String {
        // Unit separators cannot occur in the fields (control characters are refused above).
        let mut key = [
            self.provider.as_str(),
            self.kind.as_str(),
            &self.name.to_lowercase(),
            &self.model.clone().unwrap_or_default().to_lowercase(),
            &self.app.clone().unwrap_or_default().to_lowercase(),
        ]
        .join("\u{1f}");
        if self.summary {
            key.push_str("\u{1f}summary");
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_wearables_outrank_phones_apps_and_manual_entries() {
        assert_eq!("Apple Health".parse::<Provider>().unwrap(), Provider::AppleHealth);
        assert_eq!(
            "chest-strap".parse::<DeviceKind>().unwrap(),
            DeviceKind::ChestStrap
        );
        assert_eq!(
            "toaster".parse::<DeviceKind>().unwrap_err().code,
            "invalid_device_kind"
        );
        assert!(DeviceKind::Watch.default_rank() < DeviceKind::Phone.default_rank());
        assert!(DeviceKind::Phone.default_rank() < DeviceKind::App.default_rank());
        assert!(DeviceKind::App.default_rank() < DeviceKind::Manual.default_rank());
    }

    #[test]
    fn the_natural_key_ignores_case_and_whitespace() {
        let a = SourceDescriptor::new(
            Provider::Api,
            DeviceKind::Watch,
            " Ana's Watch ",
            Some("S9"),
            None,
        )
        .unwrap();
        let b = SourceDescriptor::new(
            Provider::Api,
            DeviceKind::Watch,
            "ana's watch",
            Some("s9"),
            Some(""),
        )
        .unwrap();
        assert_eq!(a.natural_key(), b.natural_key());
        let phone =
            SourceDescriptor::new(Provider::Api, DeviceKind::Phone, "Ana's Watch", Some("S9"), None).unwrap();
        assert_ne!(a.natural_key(), phone.natural_key());
        assert!(SourceDescriptor::new(Provider::Api, DeviceKind::Watch, "  ", None, None).is_err());
        assert!(SourceDescriptor::new(Provider::Api, DeviceKind::Watch, "bad\u{7}", None, None).is_err());
    }
}
