//! Which HealthKit types become which catalogue metrics, and how their units and category values
//! convert. Conversions go through the model's [`Unit`]s; only HealthKit's own conventions (a `%` that
//! holds a fraction, a BMI "count", a molar mass inside a unit, iOS 8's averages) are decided here.

use wearhouse_model::{Dimension, Metric, MetricKind, SleepStage, Unit};

use super::text::decoded;

const QUANTITY_PREFIX: &[u8] = b"HKQuantityTypeIdentifier";
const CATEGORY_PREFIX: &[u8] = b"HKCategoryTypeIdentifier";

/// What a `Record`'s `type` attribute maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeKind {
    /// A quantity whose value converts to the metric's canonical unit.
    Quantity(Metric),
    /// `HKCategoryTypeIdentifierSleepAnalysis` → `sleep` with a stage code.
    Sleep,
    /// `HKCategoryTypeIdentifierAppleStandHour` → `stand_hours` (1 for an hour stood, 0 for idle).
    StandHour,
    /// `HKCategoryTypeIdentifierMindfulSession` → `mindful_minutes`, the session's length.
    Mindful,
    Unmapped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TypeInfo {
    pub kind: TypeKind,
    /// Whether records of this type can sit inside a `Correlation` (blood pressure, food) and so may be
    /// written twice, once inside and once at top level.
    pub correlation_member: bool,
}

pub(crate) fn classify(ty: &[u8]) -> TypeInfo {
    let kind = if let Some(name) = ty.strip_prefix(QUANTITY_PREFIX) {
        quantity(name).map_or(TypeKind::Unmapped, TypeKind::Quantity)
    } else if let Some(name) = ty.strip_prefix(CATEGORY_PREFIX) {
        match name {
            b"SleepAnalysis" => TypeKind::Sleep,
            b"AppleStandHour" => TypeKind::StandHour,
            b"MindfulSession" => TypeKind::Mindful,
            _ => TypeKind::Unmapped,
        }
    } else {
        TypeKind::Unmapped
    };
    let correlation_member = ty
        .strip_prefix(QUANTITY_PREFIX)
        .is_some_and(|name| name.starts_with(b"BloodPressure") || name.starts_with(b"Dietary"));
    TypeInfo {
        kind,
        correlation_member,
    }
}

fn quantity(name: &[u8]) -> Option<Metric> {
    Some(match name {
        b"StepCount" => Metric::Steps,
        b"DistanceWalkingRunning" | b"DistanceCycling" | b"DistanceSwimming" => Metric::Distance,
        b"ActiveEnergyBurned" => Metric::ActiveEnergy,
        b"BasalEnergyBurned" => Metric::BasalEnergy,
        b"HeartRate" => Metric::HeartRate,
        b"RestingHeartRate" => Metric::RestingHeartRate,
        b"WalkingHeartRateAverage" => Metric::WalkingHeartRate,
        b"HeartRateVariabilitySDNN" => Metric::HrvSdnn,
        b"OxygenSaturation" => Metric::Spo2,
        b"RespiratoryRate" => Metric::RespiratoryRate,
        b"BodyMass" => Metric::BodyMass,
        b"Height" => Metric::Height,
        b"BodyFatPercentage" => Metric::BodyFatPercentage,
        b"LeanBodyMass" => Metric::LeanBodyMass,
        b"BodyMassIndex" => Metric::Bmi,
        b"VO2Max" => Metric::Vo2max,
        b"FlightsClimbed" => Metric::Floors,
        b"AppleExerciseTime" => Metric::ExerciseMinutes,
        b"BloodPressureSystolic" => Metric::BloodPressureSystolic,
        b"BloodPressureDiastolic" => Metric::BloodPressureDiastolic,
        b"BloodGlucose" => Metric::BloodGlucose,
        b"BodyTemperature" => Metric::BodyTemperature,
        b"DietaryWater" => Metric::Water,
        b"WalkingSpeed" | b"RunningSpeed" => Metric::Speed,
        b"RunningPower" | b"CyclingPower" => Metric::Power,
        b"CyclingCadence" => Metric::Cadence,
        b"PhysicalEffort" => Metric::Met,
        _ => return None,
    })
}

/// Whether a record of this metric that has no `value` is read from its `average` instead.
///
/// iOS 8 wrote samples of HealthKit's *discrete* types (heart rate, body mass, blood pressure …) as
/// `average`/`minimum`/`maximum` without a `value`, e.g. a heart rate of `average="1.25"
/// unit="count/s"` over two minutes. Discrete is what the catalogue calls [`MetricKind::Instantaneous`]
/// (its doc: "a reading at an instant or an average over a short interval"), so every such metric
/// takes the average as its value, converted like a `value`. The sample keeps the record's start and
/// end, as a record written with a `value` does: rollups read an instantaneous sample at its start, so
/// it counts as one reading there, and the interval the average covers is not thrown away. The minimum
/// and maximum have no place in a sample (when in the interval they occurred is unknown, and as
/// readings of their own they would skew every average) and are dropped.
///
/// Cumulative metrics (steps, distance, energy …) do not: an average is not an amount, so such a
/// record stays unmapped, with a warning, as before.
pub(crate) fn reads_average_as_value(metric: Metric) -> bool {
    metric.kind() == MetricKind::Instantaneous
}

/// The unit a HealthKit unit string means for a metric, or `None` when it cannot convert.
///
/// `unit` is the attribute as written: its entities are decoded here, because exports write
/// HealthKit's glucose unit `mmol<180.1558800000541>/L` as `mmol&lt;180.1558800000541&gt;/L`. Callers
/// cache the result per raw string, so the decoding is not paid per record.
pub(crate) fn resolve_unit(metric: Metric, unit: &[u8]) -> Option<Unit> {
    let unit = decoded(unit);
    let unit = &*unit;
    let canonical = metric.unit();
    // HealthKit's percent unit holds a fraction: an SpO2 of 97 % is written value="0.97" unit="%".
    if unit == b"%" && canonical.dimension() == Dimension::Ratio {
        return Some(Unit::Fraction);
    }
    // HealthKit writes the body mass index as a plain count.
    if metric == Metric::Bmi && unit == b"count" {
        return Some(canonical);
    }
    let text = std::str::from_utf8(unit).ok()?;
    let unit: Unit = match text.parse() {
        Ok(unit) => unit,
        Err(_) => without_molar_mass(text)?.parse().ok()?,
    };
    metric.accepts(unit).then_some(unit)
}

/// A molar unit with HealthKit's molar mass removed: `mmol<180.1558800000541>/L` → `mmol/L`.
///
/// HealthKit writes the molar mass (g/mol) it would use to convert to mass units inside the brackets.
/// A concentration in mmol/L is the same whatever that mass, so any positive number is accepted; the
/// model knows only glucose's exact spelling, and other exports round the mass differently. Only a
/// bracket right after `mol` is removed, so nothing else that happens to hold `<…>` becomes a unit.
fn without_molar_mass(unit: &str) -> Option<String> {
    let open = unit.find("mol<")? + "mol".len();
    let close = open + unit.get(open..)?.find('>')?;
    let mass: f64 = unit.get(open + 1..close)?.trim().parse().ok()?;
    if !(mass.is_finite() && mass > 0.0) {
        return None;
    }
    Some(format!("{}{}", unit.get(..open)?, unit.get(close + 1..)?))
}

/// Converts a value in `unit` to the metric's canonical unit, with the model's conversions.
pub(crate) fn to_canonical(metric: Metric, unit: Unit, value: f64) -> f64 {
    let canonical = metric.unit();
    if unit == canonical {
        return value;
    }
    canonical.from_canonical_value(unit.to_canonical_value(value))
}

/// A sleep-analysis value: the named constants of every iOS version, or the legacy numbers 0/1/2
/// (HealthKit's enum numbering, which [`SleepStage`] codes share).
pub(crate) fn sleep_stage(value: &[u8]) -> Option<SleepStage> {
    let name = value
        .strip_prefix(b"HKCategoryValueSleepAnalysis")
        .unwrap_or(value);
    Some(match name {
        b"InBed" | b"0" => SleepStage::InBed,
        b"Asleep" | b"AsleepUnspecified" | b"1" => SleepStage::Asleep,
        b"Awake" | b"2" => SleepStage::Awake,
        b"AsleepCore" | b"3" => SleepStage::Core,
        b"AsleepDeep" | b"4" => SleepStage::Deep,
        b"AsleepREM" | b"5" => SleepStage::Rem,
        _ => return None,
    })
}

/// Hours stood for an `AppleStandHour` value. HealthKit numbers stood as 0 and idle as 1, which older
/// exports wrote as bare numbers.
pub(crate) fn stand_hours(value: &[u8]) -> Option<f64> {
    match value {
        b"HKCategoryValueAppleStandHourStood" | b"0" => Some(1.0),
        b"HKCategoryValueAppleStandHourIdle" | b"1" => Some(0.0),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn convert(ty: &str, unit: &str, value: f64) -> f64 {
        let TypeKind::Quantity(metric) = classify(ty.as_bytes()).kind else {
            panic!("{ty} is not a quantity");
        };
        to_canonical(metric, resolve_unit(metric, unit.as_bytes()).unwrap(), value)
    }

    #[test]
    fn healthkit_units_convert_to_canonical_values() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.abs().max(1.0);
        assert!(close(
            convert("HKQuantityTypeIdentifierOxygenSaturation", "%", 0.97),
            97.0
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierBodyFatPercentage", "%", 0.215),
            21.5
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierBodyMassIndex", "count", 22.5),
            22.5
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierDistanceWalkingRunning", "km", 1.5),
            1500.0
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierDistanceCycling", "mi", 1.0),
            1609.344
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierDistanceSwimming", "yd", 100.0),
            91.44
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierBodyMass", "lb", 154.0),
            69.85322498
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierHeight", "ft", 6.0),
            182.88
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierHeight", "in", 70.0),
            177.8
        ));
        assert!(close(convert("HKQuantityTypeIdentifierHeight", "m", 1.8), 180.0));
        assert!(close(
            convert("HKQuantityTypeIdentifierVO2Max", "mL/min·kg", 45.0),
            45.0
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierBloodGlucose", "mg/dL", 90.0),
            90.0 / 18.0156
        ));
        assert!(close(
            convert(
                "HKQuantityTypeIdentifierBloodGlucose",
                "mmol<180.1558800000541>/L",
                5.5
            ),
            5.5
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierBodyTemperature", "degF", 98.6),
            37.0
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierDietaryWater", "mL", 250.0),
            250.0
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierWalkingSpeed", "km/hr", 3.6),
            1.0
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierAppleExerciseTime", "min", 3.0),
            3.0
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierActiveEnergyBurned", "kJ", 4.184),
            1.0
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierPhysicalEffort", "kcal/hr·kg", 3.5),
            3.5
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierHeartRate", "count/min", 61.0),
            61.0
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierRunningPower", "W", 250.0),
            250.0
        ));
        assert!(close(
            convert("HKQuantityTypeIdentifierHeartRateVariabilitySDNN", "ms", 45.0),
            45.0
        ));
    }

    #[test]
    fn glucose_units_are_read_with_entities_and_any_molar_mass() {
        let mmol = Some(Unit::MillimolePerLiter);
        for raw in [
            &b"mmol<180.1558800000541>/L"[..],
            b"mmol&lt;180.1558800000541&gt;/L",
            b"mmol&lt;180.156&gt;/L",
            b"mmol<180>/L",
            b"mmol/L",
        ] {
            assert_eq!(
                resolve_unit(Metric::BloodGlucose, raw),
                mmol,
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
        assert_eq!(
            resolve_unit(Metric::BloodGlucose, b"mg/dL"),
            Some(Unit::MilligramPerDeciliter)
        );
        for raw in [
            &b"mmol<>/L"[..],
            b"mmol<-180>/L",
            b"mmol<abc>/L",
            b"mmol<180/L",
            b"mmol&lt;180&gt;/dL",
            b"g<180>/L",
        ] {
            assert_eq!(
                resolve_unit(Metric::BloodGlucose, raw),
                None,
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
        assert_eq!(
            resolve_unit(Metric::HeartRate, b"mmol&lt;180.1558800000541&gt;/L"),
            None,
            "a glucose unit does not fit another metric"
        );
        assert_eq!(
            resolve_unit(Metric::HeartRate, b"count&#47;min"),
            Some(Unit::PerMinute)
        );
    }

    #[test]
    fn only_discrete_metrics_read_an_average_as_their_value() {
        assert!(reads_average_as_value(Metric::HeartRate));
        assert!(reads_average_as_value(Metric::BodyMass));
        assert!(reads_average_as_value(Metric::BloodGlucose));
        assert!(!reads_average_as_value(Metric::Steps));
        assert!(!reads_average_as_value(Metric::ActiveEnergy));
        assert!(!reads_average_as_value(Metric::Sleep));
    }

    #[test]
    fn unknown_types_and_units_stay_unmapped() {
        assert_eq!(
            classify(b"HKQuantityTypeIdentifierNikeFuel").kind,
            TypeKind::Unmapped
        );
        assert_eq!(
            classify(b"HKCategoryTypeIdentifierHighHeartRateEvent").kind,
            TypeKind::Unmapped
        );
        assert_eq!(classify(b"").kind, TypeKind::Unmapped);
        assert_eq!(resolve_unit(Metric::Steps, b"km"), None);
        assert_eq!(resolve_unit(Metric::HeartRate, b"furlong"), None);
        assert!(classify(b"HKQuantityTypeIdentifierDietaryProtein").correlation_member);
        assert!(classify(b"HKQuantityTypeIdentifierBloodPressureSystolic").correlation_member);
        assert!(!classify(b"HKQuantityTypeIdentifierHeartRate").correlation_member);
    }

    #[test]
    fn category_values() {
        assert_eq!(
            sleep_stage(b"HKCategoryValueSleepAnalysisAsleepREM"),
            Some(SleepStage::Rem)
        );
        assert_eq!(
            sleep_stage(b"HKCategoryValueSleepAnalysisAsleepUnspecified"),
            Some(SleepStage::Asleep)
        );
        assert_eq!(
            sleep_stage(b"HKCategoryValueSleepAnalysisInBed"),
            Some(SleepStage::InBed)
        );
        assert_eq!(sleep_stage(b"2"), Some(SleepStage::Awake));
        assert_eq!(sleep_stage(b"HKCategoryValueSleepAnalysisDreaming"), None);
        assert_eq!(stand_hours(b"HKCategoryValueAppleStandHourStood"), Some(1.0));
        assert_eq!(stand_hours(b"1"), Some(0.0));
    }
}
