//! The metric catalogue: every quantity Wearhouse stores, with its canonical unit, the units it accepts,
//! how it aggregates, and the range of plausible values. One table, used by ingestion, queries,
//! summaries and the API docs alike.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::unit::{Dimension, Unit};
use crate::{InvalidInput, SleepStage};

/// How values of a metric combine over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// An amount accumulated over an interval (steps, energy, distance): buckets sum, and an interval
    /// spanning two buckets is split in proportion to time.
    Cumulative,
    /// A reading at an instant or an average over a short interval (heart rate, weight): buckets give
    /// average, minimum and maximum.
    Instantaneous,
    /// A state over an interval (a sleep stage): buckets give time per category.
    Category,
}

/// A metric's entry in the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct MetricSpec {
    pub metric: Metric,
    pub kind: MetricKind,
    /// The unit values are stored and returned in.
    pub unit: Unit,
    /// Plausible range in the canonical unit, inclusive. Values outside are rejected per item.
    pub min: f64,
    pub max: f64,
    /// Decimals figures of this metric are served with (summaries round to it): 0 for counts, 1 for
    /// metres, kcal and beats per minute. Finer than any device measures, coarse enough that a figure
    /// reads as the device showed it (no `35377.20000000004`).
    pub decimals: u8,
    pub description: &'static str,
}

macro_rules! catalogue {
    ($( $variant:ident = $code:literal => $name:literal, $kind:ident, $unit:ident, $min:expr, $max:expr, $decimals:literal, $desc:literal ;)*) => {
        /// A metric of the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum Metric { $($variant),* }

        impl Metric {
            pub const ALL: &'static [Metric] = &[$(Metric::$variant),*];

            pub fn spec(self) -> MetricSpec {
                match self {
                    $(Metric::$variant => MetricSpec {
                        metric: self,
                        kind: MetricKind::$kind,
                        unit: Unit::$unit,
                        min: $min,
                        max: $max,
                        decimals: $decimals,
                        description: $desc,
                    }),*
                }
            }

            /// The API name (`heart_rate`, `active_energy` …).
            pub fn as_str(self) -> &'static str {
                match self { $(Metric::$variant => $name),* }
            }

            /// The stable number stored in the database. Never reuse or renumber a code.
            pub fn code(self) -> i16 {
                match self { $(Metric::$variant => $code),* }
            }

            pub fn from_code(code: i16) -> Option<Metric> {
                match code { $($code => Some(Metric::$variant),)* _ => None }
            }
        }
    };
}

// Columns: variant = stored code => API name, kind, canonical unit, plausible min, max, decimals served.
// Ranges are per sample and deliberately wide: they catch unit mix-ups and sensor garbage (a heart rate
// of 400, negative steps), not unusual people.
catalogue! {
    Steps = 1 => "steps", Cumulative, Count, 0.0, 200_000.0, 0, "Steps taken";
    Distance = 2 => "distance", Cumulative, Meter, 0.0, 1_000_000.0, 1, "Distance covered on foot, by bike or swimming";
    ActiveEnergy = 3 => "active_energy", Cumulative, Kilocalorie, 0.0, 20_000.0, 1, "Energy burned by activity";
    BasalEnergy = 4 => "basal_energy", Cumulative, Kilocalorie, 0.0, 10_000.0, 1, "Energy burned at rest";
    HeartRate = 5 => "heart_rate", Instantaneous, PerMinute, 20.0, 260.0, 1, "Heart rate";
    RestingHeartRate = 6 => "resting_heart_rate", Instantaneous, PerMinute, 20.0, 200.0, 1, "Resting heart rate";
    WalkingHeartRate = 7 => "walking_heart_rate", Instantaneous, PerMinute, 30.0, 230.0, 1, "Average heart rate while walking";
    HrvSdnn = 8 => "hrv_sdnn", Instantaneous, Millisecond, 1.0, 500.0, 1, "Heart rate variability (SDNN)";
    HrvRmssd = 9 => "hrv_rmssd", Instantaneous, Millisecond, 1.0, 500.0, 1, "Heart rate variability (RMSSD)";
    Spo2 = 10 => "spo2", Instantaneous, Percent, 50.0, 100.0, 1, "Blood oxygen saturation";
    RespiratoryRate = 11 => "respiratory_rate", Instantaneous, PerMinute, 3.0, 80.0, 1, "Breaths per minute";
    BodyMass = 12 => "body_mass", Instantaneous, Kilogram, 2.0, 650.0, 2, "Body weight";
    Height = 13 => "height", Instantaneous, Centimeter, 30.0, 275.0, 1, "Body height";
    BodyFatPercentage = 14 => "body_fat_percentage", Instantaneous, Percent, 1.0, 75.0, 1, "Body fat percentage";
    LeanBodyMass = 15 => "lean_body_mass", Instantaneous, Kilogram, 1.0, 300.0, 2, "Lean body mass";
    Bmi = 16 => "bmi", Instantaneous, KilogramPerSquareMeter, 5.0, 150.0, 1, "Body mass index";
    Met = 17 => "met", Instantaneous, MetabolicEquivalent, 0.5, 30.0, 1, "Metabolic equivalent of task";
    Vo2max = 18 => "vo2max", Instantaneous, MilliliterPerKilogramMinute, 5.0, 100.0, 1, "Maximal oxygen uptake";
    Floors = 19 => "floors", Cumulative, Count, 0.0, 1_000.0, 0, "Floors climbed";
    ElevationGain = 20 => "elevation_gain", Cumulative, Meter, 0.0, 10_000.0, 1, "Elevation gained";
    Speed = 21 => "speed", Instantaneous, MeterPerSecond, 0.0, 100.0, 2, "Speed";
    Cadence = 22 => "cadence", Instantaneous, PerMinute, 0.0, 300.0, 1, "Steps or pedal revolutions per minute";
    Power = 23 => "power", Instantaneous, Watt, 0.0, 3_000.0, 1, "Power output";
    BloodPressureSystolic = 24 => "blood_pressure_systolic", Instantaneous, MillimeterOfMercury, 50.0, 300.0, 1, "Systolic blood pressure";
    BloodPressureDiastolic = 25 => "blood_pressure_diastolic", Instantaneous, MillimeterOfMercury, 20.0, 200.0, 1, "Diastolic blood pressure";
    BloodGlucose = 26 => "blood_glucose", Instantaneous, MillimolePerLiter, 0.5, 50.0, 2, "Blood glucose";
    BodyTemperature = 27 => "body_temperature", Instantaneous, Celsius, 25.0, 45.0, 2, "Body temperature";
    Water = 28 => "water", Cumulative, Milliliter, 0.0, 10_000.0, 0, "Water drunk";
    ExerciseMinutes = 29 => "exercise_minutes", Cumulative, Minute, 0.0, 1_440.0, 1, "Minutes of exercise";
    StandHours = 30 => "stand_hours", Cumulative, Count, 0.0, 24.0, 0, "Hours with standing and moving";
    MindfulMinutes = 31 => "mindful_minutes", Cumulative, Minute, 0.0, 1_440.0, 1, "Minutes of mindfulness";
    Sleep = 32 => "sleep", Category, Category, 0.0, 5.0, 0, "Sleep stages (in_bed, asleep, awake, core/light, deep, rem)";
    RecoveryScore = 33 => "recovery_score", Instantaneous, Percent, 0.0, 100.0, 0, "Recovery or readiness score, 0–100, at waking (WHOOP recovery, Oura readiness)";
    Strain = 34 => "strain", Instantaneous, Count, 0.0, 21.0, 1, "Cardiovascular strain of a day on WHOOP's 0–21 scale, at the day's end";
    SkinTemperature = 35 => "skin_temperature", Instantaneous, Celsius, 20.0, 45.0, 2, "Skin temperature measured during sleep";
    SleepScore = 36 => "sleep_score", Instantaneous, Percent, 0.0, 100.0, 0, "Sleep score or performance, 0–100, at waking (WHOOP sleep performance, Oura and Garmin sleep scores)";
    StressLevel = 37 => "stress_level", Instantaneous, Count, 0.0, 100.0, 0, "Stress level, 0–100, from heart-rate variability (Garmin)";
    SedentaryMinutes = 38 => "sedentary_minutes", Cumulative, Minute, 0.0, 1_440.0, 1, "Minutes of sedentary time (Fitbit)";
    LightActivityMinutes = 39 => "light_activity_minutes", Cumulative, Minute, 0.0, 1_440.0, 1, "Minutes of light activity, below exercise intensity (Fitbit's lightly active minutes)";
    HeartPoints = 40 => "heart_points", Cumulative, Count, 0.0, 5_760.0, 0, "Google Fit's Heart Points: a point for each minute of moderate activity, two for each vigorous one";
}

/// A value as sent by a client: a number, or a category name for category metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum RawValue {
    Number(f64),
    Text(String),
}

impl Metric {
    pub fn kind(self) -> MetricKind {
        self.spec().kind
    }

    pub fn unit(self) -> Unit {
        self.spec().unit
    }

    /// Decimals this metric's figures are served with.
    pub fn decimals(self) -> u8 {
        self.spec().decimals
    }

    /// `value` rounded to this metric's decimals.
    pub fn round(self, value: f64) -> f64 {
        round_to(value, self.decimals())
    }

    /// The units this metric accepts: every unit of its canonical unit's dimension. Counts accept only
    /// `count`, categories only category names.
    pub fn accepts(self, unit: Unit) -> bool {
        unit.dimension() == self.unit().dimension() && unit.dimension() != Dimension::Category
            || unit == self.unit()
    }

    /// Validates a value and converts it to the canonical unit. `unit: None` means the canonical unit.
    /// Category metrics take a category name (or its numeric code).
    pub fn canonical_value(self, value: &RawValue, unit: Option<Unit>) -> Result<f64, InvalidInput> {
        let spec = self.spec();
        if spec.kind == MetricKind::Category {
            let stage = match value {
                RawValue::Text(name) => name.parse::<SleepStage>()?,
                RawValue::Number(code) if code.fract() == 0.0 && (0.0..=255.0).contains(code) => {
                    SleepStage::from_code(*code as u8).ok_or_else(|| {
                        InvalidInput::new("bad_category", format!("{code} is not a sleep stage code"))
                    })?
                }
                RawValue::Number(code) => {
                    return Err(InvalidInput::new(
                        "bad_category",
                        format!("{code} is not a sleep stage code"),
                    ))
                }
            };
            return Ok(f64::from(stage.code()));
        }
        let RawValue::Number(raw) = value else {
            return Err(InvalidInput::new(
                "bad_value",
                format!("{} takes a number", self.as_str()),
            ));
        };
        if !raw.is_finite() {
            return Err(InvalidInput::new(
                "bad_value",
                "the value must be a finite number",
            ));
        }
        let unit = unit.unwrap_or(spec.unit);
        if !self.accepts(unit) {
            return Err(InvalidInput::new(
                "bad_unit",
                format!(
                    "{} cannot be given in {unit}; use {} or a unit of the same kind",
                    self.as_str(),
                    spec.unit
                ),
            ));
        }
        let canonical = spec.unit.from_canonical_value(unit.to_canonical_value(*raw));
        if canonical < spec.min || canonical > spec.max {
            return Err(InvalidInput::new(
                "implausible_value",
                format!(
                    "{} of {raw} {unit} is outside the plausible range {}–{} {}",
                    self.as_str(),
                    spec.min,
                    spec.max,
                    spec.unit
                ),
            ));
        }
        Ok(canonical)
    }
}

/// `value` rounded half away from zero to `decimals` places. Scaling to an integer and dividing back
/// gives the double nearest the decimal (one correctly rounded division of an exact integer), so it
/// prints as written: `35377.20000000004` becomes `35377.2`, never `35377.200000000004`.
pub fn round_to(value: f64, decimals: u8) -> f64 {
    let scale = 10f64.powi(i32::from(decimals));
    let scaled = (value * scale).round();
    // Beyond 2^53 every double is already an integer, and scaling further would overflow.
    if !scaled.is_finite() || scaled.abs() >= 9_007_199_254_740_992.0 {
        return value;
    }
    let rounded = scaled / scale;
    // No `-0`: a figure that rounds to nothing is 0.
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Metric {
    type Err = InvalidInput;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Metric::ALL
            .iter()
            .copied()
            .find(|m| m.as_str() == raw.trim())
            .ok_or_else(|| InvalidInput::new("unknown_metric", format!("unknown metric '{raw}'")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(metric: &str, value: f64, unit: &str) -> Result<f64, InvalidInput> {
        metric
            .parse::<Metric>()?
            .canonical_value(&RawValue::Number(value), Some(unit.parse()?))
    }

    #[test]
    fn the_catalogue_has_every_metric_the_api_promises() {
        let names: Vec<&str> = Metric::ALL.iter().map(|m| m.as_str()).collect();
        for name in [
            "steps",
            "distance",
            "active_energy",
            "basal_energy",
            "heart_rate",
            "resting_heart_rate",
            "walking_heart_rate",
            "hrv_sdnn",
            "hrv_rmssd",
            "spo2",
            "respiratory_rate",
            "body_mass",
            "height",
            "body_fat_percentage",
            "lean_body_mass",
            "bmi",
            "met",
            "vo2max",
            "floors",
            "elevation_gain",
            "speed",
            "cadence",
            "power",
            "blood_pressure_systolic",
            "blood_pressure_diastolic",
            "blood_glucose",
            "body_temperature",
            "water",
            "exercise_minutes",
            "stand_hours",
            "mindful_minutes",
            "sleep",
            "recovery_score",
            "strain",
            "skin_temperature",
            "sleep_score",
            "stress_level",
            "sedentary_minutes",
            "light_activity_minutes",
            "heart_points",
        ] {
            assert!(names.contains(&name), "{name}");
            assert_eq!(name.parse::<Metric>().unwrap().as_str(), name);
        }
        let codes: std::collections::HashSet<i16> = Metric::ALL.iter().map(|m| m.code()).collect();
        assert_eq!(codes.len(), Metric::ALL.len(), "codes are unique");
        assert_eq!(Metric::HeartRate.code(), 5, "stored codes never change");
        for m in Metric::ALL {
            assert_eq!(Metric::from_code(m.code()), Some(*m));
            let spec = m.spec();
            assert!(spec.min <= spec.max, "{m}");
            assert!(m.accepts(spec.unit), "{m} accepts its own unit");
        }
    }

    #[test]
    fn inputs_are_converted_to_canonical_units() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.abs().max(1.0);
        assert!(close(convert("distance", 8.2, "km").unwrap(), 8200.0));
        assert!(close(convert("distance", 1.0, "mi").unwrap(), 1609.344));
        assert!(close(convert("height", 6.0, "ft").unwrap(), 182.88));
        assert!(close(convert("body_mass", 11.0, "st").unwrap(), 69.85322498));
        assert!(close(convert("body_mass", 154.0, "lb").unwrap(), 69.85322498));
        assert!(close(convert("active_energy", 418.4, "kJ").unwrap(), 100.0));
        assert!(close(convert("active_energy", 610.0, "Cal").unwrap(), 610.0));
        assert!(close(
            convert("blood_glucose", 90.0, "mg/dL").unwrap(),
            90.0 / 18.0156
        ));
        assert!(close(convert("body_temperature", 98.6, "degF").unwrap(), 37.0));
        assert!(close(convert("spo2", 0.97, "fraction").unwrap(), 97.0));
        assert!(close(convert("exercise_minutes", 1800.0, "s").unwrap(), 30.0));
        assert!(close(convert("water", 0.5, "L").unwrap(), 500.0));
        assert!(close(convert("speed", 36.0, "km/h").unwrap(), 10.0));
        assert!(close(convert("heart_rate", 72.0, "bpm").unwrap(), 72.0));
    }

    #[test]
    fn implausible_values_and_wrong_units_are_rejected_with_reasons() {
        assert_eq!(
            convert("steps", -5.0, "count").unwrap_err().code,
            "implausible_value"
        );
        assert_eq!(
            convert("heart_rate", 400.0, "count/min").unwrap_err().code,
            "implausible_value"
        );
        assert_eq!(
            convert("body_temperature", 37.0, "degF").unwrap_err().code,
            "implausible_value"
        );
        assert_eq!(convert("heart_rate", 72.0, "kg").unwrap_err().code, "bad_unit");
        assert_eq!(convert("steps", 10.0, "km").unwrap_err().code, "bad_unit");
        assert_eq!(convert("steps", 10.0, "furlong").unwrap_err().code, "bad_unit");
        assert_eq!(convert("mana", 10.0, "count").unwrap_err().code, "unknown_metric");
        let nan = Metric::Steps.canonical_value(&RawValue::Number(f64::NAN), None);
        assert_eq!(nan.unwrap_err().code, "bad_value");
        let text = Metric::Steps.canonical_value(&RawValue::Text("ten".into()), None);
        assert_eq!(text.unwrap_err().code, "bad_value");
    }

    #[test]
    fn figures_round_to_their_metric_and_print_without_float_noise() {
        assert_eq!(Metric::Distance.round(35377.20000000004).to_string(), "35377.2");
        assert_eq!(Metric::Steps.round(1399.5), 1400.0);
        assert_eq!(Metric::Steps.round(1399.49), 1399.0);
        assert_eq!(Metric::HeartRate.round(61.349_999), 61.3);
        assert_eq!(Metric::ActiveEnergy.round(0.1 + 0.2).to_string(), "0.3");
        assert_eq!(Metric::BodyMass.round(69.853_224_98), 69.85);
        assert_eq!(Metric::Steps.round(-0.2).to_string(), "0");
        assert_eq!(round_to(1e300, 2), 1e300);
        for m in Metric::ALL {
            assert!(m.decimals() <= 2, "{m}: no device measures finer");
        }
        assert_eq!(Metric::Steps.decimals(), 0);
        assert_eq!(Metric::Floors.decimals(), 0);
        for m in [
            Metric::Distance,
            Metric::ActiveEnergy,
            Metric::BasalEnergy,
            Metric::HeartRate,
        ] {
            assert_eq!(m.decimals(), 1, "{m}");
        }
    }

    #[test]
    fn sleep_takes_stage_names_or_codes() {
        let deep = Metric::Sleep
            .canonical_value(&RawValue::Text("deep".into()), None)
            .unwrap();
        assert_eq!(deep, 4.0);
        assert_eq!(
            Metric::Sleep
                .canonical_value(&RawValue::Number(5.0), None)
                .unwrap(),
            5.0
        );
        let bad = Metric::Sleep.canonical_value(&RawValue::Text("dreaming".into()), None);
        assert_eq!(bad.unwrap_err().code, "bad_category");
        assert_eq!(
            Metric::Sleep
                .canonical_value(&RawValue::Number(9.0), None)
                .unwrap_err()
                .code,
            "bad_category"
        );
    }
}
