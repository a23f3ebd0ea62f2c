//! The figures of daily, weekly and monthly summaries as columns: one array per figure, one entry per
//! period, each rounded to its figure's precision. Builds and serializes views; computes nothing.
//!
//! Why columns: a year as one object of ~30 named fields per day was 195 KB of JSON, most of it field
//! names repeated 366 times and float noise; as columns of rounded numbers it is under a third, and a
//! chart takes a column as it is.

use std::collections::BTreeMap;

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use utoipa::ToSchema;

use wearhouse_analytics::DayFigures;
use wearhouse_model::{round_to, Metric, MetricKind};
use wearhouse_services::summaries::WorkoutFigures;
use wearhouse_store::SleepRollup;

/// One figure per period, rounded to the figure's decimals; `None` where nothing was recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    decimals: u8,
    values: Vec<Option<f64>>,
}

impl Column {
    fn new(decimals: u8, len: usize) -> Self {
        Column {
            decimals,
            values: vec![None; len],
        }
    }

    fn set(&mut self, at: usize, value: f64) {
        if let Some(slot) = self.values.get_mut(at) {
            *slot = Some(round_to(value, self.decimals));
        }
    }
}

/// A rounded figure: whole numbers go out as integers (`8123`, not `8123.0`).
struct Figure(f64);

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Below 2^53 a whole double converts to i64 exactly.
        if self.0.fract() == 0.0 && self.0.abs() < 9_007_199_254_740_992.0 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

impl Serialize for Column {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.values.len()))?;
        for v in &self.values {
            seq.serialize_element(&v.map(Figure))?;
        }
        seq.end()
    }
}

/// Declares the figures once: the column struct (its schema documents each figure's unit and
/// rounding), the row of one period's unrounded figures, and the copy from one into the other.
macro_rules! figures {
    ($( $(#[doc = $doc:literal])* $name:ident : $decimals:expr ),* $(,)?) => {
        /// Figures as columns: each is an array with one entry per period (day, week or month), in the
        /// order of the periods, `null` for a period without data; a figure without data in any period
        /// is left out. Amounts are totals over the period, readings its average (`heart_rate_min` and
        /// `_max` its extremes). Every figure is rounded half away from zero to the precision given
        /// with it; whole numbers are written without a fraction.
        #[derive(Debug, Default, Serialize, ToSchema)]
        pub struct FigureColumns {
            $(
                $(#[doc = $doc])*
                #[serde(skip_serializing_if = "Option::is_none")]
                #[schema(value_type = Vec<Option<f64>>, required = false)]
                pub $name: Option<Column>,
            )*
        }

        /// One period's figures, unrounded.
        #[derive(Debug, Default, Clone, Copy)]
        struct FigureRow {
            $( $name: Option<f64>, )*
        }

        impl FigureColumns {
            /// Puts `row` at position `at` of `len` periods.
            fn put(&mut self, at: usize, len: usize, row: &FigureRow) {
                $(
                    if let Some(v) = row.$name {
                        self.$name.get_or_insert_with(|| Column::new($decimals, len)).set(at, v);
                    }
                )*
            }
        }
    };
}

figures! {
    /// Steps, whole.
    steps: Metric::Steps.decimals(),
    /// Metres on foot, by bike or swimming, to 0.1 m.
    distance: Metric::Distance.decimals(),
    /// kcal, to 0.1.
    active_energy: Metric::ActiveEnergy.decimals(),
    /// kcal, to 0.1.
    basal_energy: Metric::BasalEnergy.decimals(),
    /// Active plus basal energy, kcal, to 0.1 (the sum rounded, not the sum of the rounded).
    total_energy: Metric::ActiveEnergy.decimals(),
    /// Floors climbed, whole.
    floors: Metric::Floors.decimals(),
    /// Metres, to 0.1.
    elevation_gain: Metric::ElevationGain.decimals(),
    /// Minutes, to 0.1.
    exercise_minutes: Metric::ExerciseMinutes.decimals(),
    /// Hours with standing, whole.
    stand_hours: Metric::StandHours.decimals(),
    /// Minutes, to 0.1.
    mindful_minutes: Metric::MindfulMinutes.decimals(),
    /// mL, whole.
    water: Metric::Water.decimals(),
    /// Beats per minute, average of the readings, to 0.1.
    heart_rate_avg: Metric::HeartRate.decimals(),
    /// Beats per minute, lowest reading, to 0.1.
    heart_rate_min: Metric::HeartRate.decimals(),
    /// Beats per minute, highest reading, to 0.1.
    heart_rate_max: Metric::HeartRate.decimals(),
    /// Beats per minute, to 0.1.
    resting_heart_rate: Metric::RestingHeartRate.decimals(),
    /// Beats per minute, to 0.1.
    walking_heart_rate: Metric::WalkingHeartRate.decimals(),
    /// Milliseconds, to 0.1.
    hrv_sdnn: Metric::HrvSdnn.decimals(),
    /// Milliseconds, to 0.1.
    hrv_rmssd: Metric::HrvRmssd.decimals(),
    /// Percent, to 0.1.
    spo2: Metric::Spo2.decimals(),
    /// Breaths per minute, to 0.1.
    respiratory_rate: Metric::RespiratoryRate.decimals(),
    /// Kilograms, to 0.01 (10 g: a tenth of a pound still shows after conversion).
    body_mass: Metric::BodyMass.decimals(),
    /// mL/(kg·min), to 0.1.
    vo2max: Metric::Vo2max.decimals(),
    /// Seconds asleep (any stage) in sessions ending in the period, whole.
    sleep_asleep: 0,
    /// Seconds in bed, whole.
    sleep_in_bed: 0,
    /// Seconds awake in bed, whole.
    sleep_awake: 0,
    /// Seconds of light/core sleep, whole.
    sleep_core: 0,
    /// Seconds of deep sleep, whole.
    sleep_deep: 0,
    /// Seconds of REM sleep, whole.
    sleep_rem: 0,
    /// Seconds asleep with the stage unknown (older devices), whole.
    sleep_unspecified: 0,
    /// Asleep ÷ in bed, a fraction to 0.001.
    sleep_efficiency: 3,
    /// Sleep sessions ending in the period, whole.
    sleep_sessions: 0,
    /// Workouts started in the period, whole.
    workout_count: 0,
    /// Elapsed seconds of those workouts, whole.
    workout_duration: 0,
    /// Metres covered in those workouts, to 0.1.
    workout_distance: Metric::Distance.decimals(),
}

impl FigureRow {
    fn of(
        figures: &BTreeMap<Metric, DayFigures>,
        sleep: Option<&SleepRollup>,
        workouts: Option<&WorkoutFigures>,
    ) -> Self {
        // Amounts are the period's total; readings the period's average.
        let figure = |m: Metric| {
            figures.get(&m).map(|f| match m.kind() {
                MetricKind::Instantaneous => f.total / f.count.max(1) as f64,
                _ => f.total,
            })
        };
        let heart = figures.get(&Metric::HeartRate);
        let (active, basal) = (figure(Metric::ActiveEnergy), figure(Metric::BasalEnergy));
        let mut row = FigureRow {
            steps: figure(Metric::Steps),
            distance: figure(Metric::Distance),
            active_energy: active,
            basal_energy: basal,
            total_energy: (active.is_some() || basal.is_some())
                .then(|| active.unwrap_or(0.0) + basal.unwrap_or(0.0)),
            floors: figure(Metric::Floors),
            elevation_gain: figure(Metric::ElevationGain),
            exercise_minutes: figure(Metric::ExerciseMinutes),
            stand_hours: figure(Metric::StandHours),
            mindful_minutes: figure(Metric::MindfulMinutes),
            water: figure(Metric::Water),
            heart_rate_avg: figure(Metric::HeartRate),
            heart_rate_min: heart.map(|f| f.minimum),
            heart_rate_max: heart.map(|f| f.maximum),
            resting_heart_rate: figure(Metric::RestingHeartRate),
            walking_heart_rate: figure(Metric::WalkingHeartRate),
            hrv_sdnn: figure(Metric::HrvSdnn),
            hrv_rmssd: figure(Metric::HrvRmssd),
            spo2: figure(Metric::Spo2),
            respiratory_rate: figure(Metric::RespiratoryRate),
            body_mass: figure(Metric::BodyMass),
            vo2max: figure(Metric::Vo2max),
            ..FigureRow::default()
        };
        if let Some(s) = sleep {
            row.sleep_asleep = Some(s.asleep);
            row.sleep_in_bed = Some(s.in_bed);
            row.sleep_awake = Some(s.awake);
            row.sleep_core = Some(s.core);
            row.sleep_deep = Some(s.deep);
            row.sleep_rem = Some(s.rem);
            row.sleep_unspecified = Some(s.unspecified);
            row.sleep_efficiency = (s.in_bed > 0.0).then(|| (s.asleep / s.in_bed).min(1.0));
            row.sleep_sessions = Some(s.sessions as f64);
        }
        if let Some(w) = workouts {
            row.workout_count = Some(f64::from(w.count));
            row.workout_duration = Some(w.duration);
            row.workout_distance = Some(w.distance);
        }
        row
    }
}

/// One period's figures, as the service computed them.
pub(super) struct PeriodFigures<'a> {
    pub figures: &'a BTreeMap<Metric, DayFigures>,
    pub sleep: Option<&'a SleepRollup>,
    pub workouts: Option<&'a WorkoutFigures>,
}

impl FigureColumns {
    /// The columns of `periods`, in their order.
    pub(super) fn of<'a>(periods: impl ExactSizeIterator<Item = PeriodFigures<'a>>) -> Self {
        let len = periods.len();
        let mut columns = FigureColumns::default();
        for (at, p) in periods.enumerate() {
            columns.put(at, len, &FigureRow::of(p.figures, p.sleep, p.workouts));
        }
        columns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_rounded_per_figure_and_whole_numbers_have_no_fraction() {
        let mut figures = BTreeMap::new();
        let day = |total: f64, count: i64| DayFigures {
            total,
            minimum: 51.04,
            maximum: 160.96,
            count,
        };
        figures.insert(Metric::Steps, day(8123.4999, 1));
        figures.insert(Metric::Distance, day(35377.20000000004, 1));
        figures.insert(Metric::HeartRate, day(61.25 * 3.0, 3));
        figures.insert(Metric::BodyMass, day(69.853, 1));
        let empty = BTreeMap::new();
        let sleep = SleepRollup {
            in_bed: 28_800.4,
            asleep: 27_000.6,
            sessions: 1,
            ..Default::default()
        };
        let periods = [
            PeriodFigures {
                figures: &figures,
                sleep: None,
                workouts: None,
            },
            PeriodFigures {
                figures: &empty,
                sleep: Some(&sleep),
                workouts: None,
            },
        ];
        let columns = FigureColumns::of(periods.into_iter());
        let json = serde_json::to_string(&columns).unwrap();
        assert_eq!(
            json,
            r#"{"steps":[8123,null],"distance":[35377.2,null],"heart_rate_avg":[61.3,null],"heart_rate_min":[51,null],"heart_rate_max":[161,null],"body_mass":[69.85,null],"sleep_asleep":[null,27001],"sleep_in_bed":[null,28800],"sleep_awake":[null,0],"sleep_core":[null,0],"sleep_deep":[null,0],"sleep_rem":[null,0],"sleep_unspecified":[null,0],"sleep_efficiency":[null,0.938],"sleep_sessions":[null,1]}"#
        );
    }
}

#[cfg(test)]
mod schema_tests {
    use super::*;

    /// The schema the dashboard generates its types from: every figure an optional array of nullable
    /// numbers, its precision stated.
    #[test]
    fn every_figure_is_documented_as_an_optional_column_with_its_precision() {
        let schema = serde_json::to_value(<FigureColumns as utoipa::PartialSchema>::schema()).unwrap();
        assert!(
            schema.get("required").is_none(),
            "columns without data are left out"
        );
        let properties = schema["properties"].as_object().unwrap();
        assert_eq!(properties.len(), 34);
        for (name, p) in properties {
            assert_eq!(p["type"], "array", "{name}");
            assert_eq!(
                p["items"]["type"],
                serde_json::json!(["number", "null"]),
                "{name}"
            );
            let doc = p["description"].as_str().unwrap();
            assert!(
                doc.contains("whole") || doc.contains(" to 0."),
                "{name}: the description states the rounding: {doc}"
            );
        }
    }
}
