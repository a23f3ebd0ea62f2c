//! Sleep stages, the values of the `sleep` category metric.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::InvalidInput;

/// A sleep stage. The numeric codes equal HealthKit's `HKCategoryValueSleepAnalysis` values, so Apple
/// Health imports map one to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SleepStage {
    InBed = 0,
    /// Asleep, stage unknown (older devices).
    Asleep = 1,
    Awake = 2,
    /// Core sleep, called "light" by most vendors.
    Core = 3,
    Deep = 4,
    Rem = 5,
}

impl SleepStage {
    pub const ALL: [SleepStage; 6] = [
        SleepStage::InBed,
        SleepStage::Asleep,
        SleepStage::Awake,
        SleepStage::Core,
        SleepStage::Deep,
        SleepStage::Rem,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<Self> {
        SleepStage::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SleepStage::InBed => "in_bed",
            SleepStage::Asleep => "asleep",
            SleepStage::Awake => "awake",
            SleepStage::Core => "core",
            SleepStage::Deep => "deep",
            SleepStage::Rem => "rem",
        }
    }

    /// Whether time in this stage counts as sleep (everything but in bed and awake).
    pub fn is_asleep(self) -> bool {
        !matches!(self, SleepStage::InBed | SleepStage::Awake)
    }
}

impl fmt::Display for SleepStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SleepStage {
    type Err = InvalidInput;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let key = raw.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let stage = match key.as_str() {
            "in_bed" | "inbed" => SleepStage::InBed,
            "asleep" | "asleep_unspecified" | "sleep" => SleepStage::Asleep,
            "awake" | "wake" => SleepStage::Awake,
            "core" | "light" | "asleep_core" => SleepStage::Core,
            "deep" | "asleep_deep" => SleepStage::Deep,
            "rem" | "asleep_rem" => SleepStage::Rem,
            _ => {
                return Err(InvalidInput::new(
                    "bad_category",
                    format!("'{raw}' is not a sleep stage (in_bed, asleep, awake, core/light, deep, rem)"),
                ))
            }
        };
        Ok(stage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_parse_vendor_names_and_keep_healthkit_codes() {
        assert_eq!("light".parse::<SleepStage>().unwrap(), SleepStage::Core);
        assert_eq!("REM".parse::<SleepStage>().unwrap(), SleepStage::Rem);
        assert_eq!("in bed".parse::<SleepStage>().unwrap(), SleepStage::InBed);
        assert_eq!("nap".parse::<SleepStage>().unwrap_err().code, "bad_category");
        for stage in SleepStage::ALL {
            assert_eq!(SleepStage::from_code(stage.code()), Some(stage));
            assert_eq!(stage.as_str().parse::<SleepStage>().unwrap(), stage);
        }
        assert_eq!(
            SleepStage::Deep.code(),
            4,
            "HKCategoryValueSleepAnalysisAsleepDeep"
        );
        assert!(SleepStage::Rem.is_asleep() && !SleepStage::Awake.is_asleep());
    }
}
