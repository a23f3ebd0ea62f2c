//! Typed, prefixed identifiers (`usr_…`): readable in logs and impossible to mix up across kinds.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::InvalidInput;

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            const PREFIX: &'static str = $prefix;

            /// A fresh id. Time-ordered so that listings sorted by id are sorted by creation.
            pub fn generate() -> Self {
                Self(format!("{}{}", Self::PREFIX, uuid::Uuid::now_v7().simple()))
            }

            pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
                let valid = raw
                    .strip_prefix(Self::PREFIX)
                    .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
                if valid {
                    Ok(Self(raw.to_owned()))
                } else {
                    Err(InvalidInput::new("invalid_id", format!("'{raw}' is not {}", $what)))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidInput;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    };
}

prefixed_id!(
    /// A user's id: `usr_` followed by a time-ordered UUID (v7) in simple hex form.
    UserId,
    "usr_",
    "a user id"
);
prefixed_id!(
    /// An activity's id: `act_` followed by a time-ordered UUID (v7) in simple hex form.
    ActivityId,
    "act_",
    "an activity id"
);
prefixed_id!(
    /// A planned route's id: `rte_` followed by a time-ordered UUID (v7) in simple hex form.
    RouteId,
    "rte_",
    "a route id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_parse_back_and_sort_by_creation() {
        let a = UserId::generate();
        let b = UserId::generate();
        assert_eq!(UserId::parse(a.as_str()).unwrap(), a);
        assert!(a < b);
    }

    #[test]
    fn rejects_foreign_or_malformed_ids() {
        for raw in [
            "",
            "usr_",
            "act_0190a1b2c3d4e5f60718293a4b5c6d7e",
            "usr_xyz",
            "usr_0190a1b2c3d4e5f60718293a4b5c6d7",
        ] {
            assert!(UserId::parse(raw).is_err(), "{raw}");
        }
        let activity = ActivityId::generate();
        assert!(ActivityId::parse(activity.as_str()).is_ok());
        assert!(UserId::parse(activity.as_str()).is_err());
    }
}
