//! Profile fields a user edits about themselves, each validated at construction.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::InvalidInput;

fn reject_control_chars(raw: &str, code: &'static str, what: &str) -> Result<(), InvalidInput> {
    if raw.chars().any(|c| c.is_control() && c != '\n') {
        return Err(InvalidInput::new(
            code,
            format!("{what} must not contain control characters"),
        ));
    }
    Ok(())
}

/// The name shown to others: 1–64 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let trimmed = raw.trim();
        let count = trimmed.chars().count();
        if count == 0 || count > Self::MAX_CHARS {
            return Err(InvalidInput::new(
                "invalid_display_name",
                format!("display name must be 1 to {} characters long", Self::MAX_CHARS),
            ));
        }
        reject_control_chars(trimmed, "invalid_display_name", "display name")?;
        if trimmed.contains('\n') {
            return Err(InvalidInput::new(
                "invalid_display_name",
                "display name must be one line",
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short free text about the user: at most 500 characters (not bytes), line breaks allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bio(String);

impl Bio {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(InvalidInput::new(
                "bio_too_long",
                format!("bio must be at most {} characters long", Self::MAX_CHARS),
            ));
        }
        reject_control_chars(raw, "invalid_bio", "bio")?;
        Ok(Self(raw.trim().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IANA time-zone name known to the bundled tz database (`Europe/Berlin`, `America/New_York`, `UTC`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let raw = raw.trim();
        // Fixed offsets like "+02:00" are not zones: they have no DST rules, so local days would drift.
        let looks_like_name = raw.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        match jiff::tz::TimeZone::get(raw) {
            Ok(tz) if looks_like_name => Ok(Self(tz.iana_name().unwrap_or(raw).to_owned())),
            _ => Err(InvalidInput::new(
                "invalid_time_zone",
                format!("'{raw}' is not an IANA time zone name (like Europe/Berlin)"),
            )),
        }
    }

    pub fn utc() -> Self {
        Self("UTC".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How figures are shown to this user. Storage is always metric; this only affects presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitSystem {
    #[default]
    Metric,
    Imperial,
}

impl UnitSystem {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitSystem::Metric => "metric",
            UnitSystem::Imperial => "imperial",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw {
            "metric" => Ok(Self::Metric),
            "imperial" => Ok(Self::Imperial),
            _ => Err(InvalidInput::new(
                "invalid_unit_system",
                "unit system must be 'metric' or 'imperial'",
            )),
        }
    }
}

/// The day weeks start on in weekly summaries. The three conventions in use around the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FirstWeekday {
    #[default]
    Monday,
    Sunday,
    Saturday,
}

impl FirstWeekday {
    pub fn as_str(self) -> &'static str {
        match self {
            FirstWeekday::Monday => "monday",
            FirstWeekday::Sunday => "sunday",
            FirstWeekday::Saturday => "saturday",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw {
            "monday" => Ok(Self::Monday),
            "sunday" => Ok(Self::Sunday),
            "saturday" => Ok(Self::Saturday),
            _ => Err(InvalidInput::new(
                "invalid_first_weekday",
                "first weekday must be monday, sunday or saturday",
            )),
        }
    }

    pub fn weekday(self) -> jiff::civil::Weekday {
        match self {
            FirstWeekday::Monday => jiff::civil::Weekday::Monday,
            FirstWeekday::Sunday => jiff::civil::Weekday::Sunday,
            FirstWeekday::Saturday => jiff::civil::Weekday::Saturday,
        }
    }
}

/// Sex as used by physiological formulas (energy expenditure, heart-rate zones); optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw {
            "female" => Ok(Self::Female),
            "male" => Ok(Self::Male),
            "other" => Ok(Self::Other),
            _ => Err(InvalidInput::new(
                "invalid_sex",
                "sex must be 'female', 'male' or 'other'",
            )),
        }
    }
}

/// Year of birth, between 1900 and the current year (the caller supplies "now": time is a parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BirthYear(i16);

impl BirthYear {
    pub fn parse(year: i64, current_year: i16) -> Result<Self, InvalidInput> {
        if (1900..=i64::from(current_year)).contains(&year) {
            // In range 1900..=i16 year, so the conversion cannot fail.
            Ok(Self(year as i16))
        } else {
            Err(InvalidInput::new(
                "invalid_birth_year",
                format!("birth year must be between 1900 and {current_year}"),
            ))
        }
    }

    pub fn get(self) -> i16 {
        self.0
    }
}

/// Body height in centimetres, 50–275.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeightCm(f64);

impl HeightCm {
    pub fn parse(cm: f64) -> Result<Self, InvalidInput> {
        if cm.is_finite() && (50.0..=275.0).contains(&cm) {
            Ok(Self(cm))
        } else {
            Err(InvalidInput::new(
                "invalid_height",
                "height must be between 50 and 275 cm",
            ))
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_validated_against_the_tz_database() {
        assert_eq!(
            TimeZoneName::parse("Europe/Berlin").unwrap().as_str(),
            "Europe/Berlin"
        );
        assert_eq!(
            TimeZoneName::parse("America/New_York").unwrap().as_str(),
            "America/New_York"
        );
        for bad in ["Mars/Olympus", "", "+02:00", "Europe/"] {
            assert_eq!(
                TimeZoneName::parse(bad).unwrap_err().code,
                "invalid_time_zone",
                "{bad}"
            );
        }
    }

    #[test]
    fn bio_is_limited_in_characters_not_bytes() {
        Bio::parse(&"é".repeat(500)).unwrap();
        assert_eq!(Bio::parse(&"é".repeat(501)).unwrap_err().code, "bio_too_long");
        Bio::parse("line one\nline two").unwrap();
        assert_eq!(Bio::parse("bell\u{7}").unwrap_err().code, "invalid_bio");
    }

    #[test]
    fn display_names() {
        assert_eq!(DisplayName::parse("  Ana López ").unwrap().as_str(), "Ana López");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("two\nlines").is_err());
        assert!(DisplayName::parse(&"x".repeat(65)).is_err());
    }

    #[test]
    fn numbers_in_range() {
        assert_eq!(BirthYear::parse(1987, 2026).unwrap().get(), 1987);
        assert!(BirthYear::parse(2027, 2026).is_err());
        assert!(BirthYear::parse(1899, 2026).is_err());
        assert!(HeightCm::parse(172.5).is_ok());
        assert!(HeightCm::parse(f64::NAN).is_err());
        assert!(HeightCm::parse(20.0).is_err());
    }

    #[test]
    fn enums_parse_their_wire_names() {
        assert_eq!(UnitSystem::parse("imperial").unwrap(), UnitSystem::Imperial);
        assert!(UnitSystem::parse("furlongs").is_err());
        assert_eq!(Sex::parse("female").unwrap().as_str(), "female");
        assert!(Sex::parse("F").is_err());
    }
}
