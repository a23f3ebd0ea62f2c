//! The figures of daily, weekly and monthly summaries as columns: one array per figure, one entry per
//! period, each rounded to its figure's precision. Builds and serializes views; computes nothing.
//!
//! Why columns: a year as one object of ~30 named fields per day was 195 KB of JSON, most of it field
//! names repeated 366 times and float noise; as columns of rounded numbers it is under a third, and a
//! chart takes a column as it is.

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use utoipa::ToSchema;

use wearhouse_analytics::DayFigures;
use wearhouse_model::{round_to, Metric, MetricKind};
use wearhouse_services::summaries::WorkoutFigures;
use wearhouse_services::Summaries;
use wearhouse_store::SleepRollup;

/// One figure per period, rounded to the figure's decimals; empty where nothing was recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    decimals: u8,
    cells: Vec<Cell>,
}

/// 10^decimals of the precisions kept as counts of units; finer ones go through `round_to` and
/// serde_json.
const POW10: [f64; 4] = [1.0, 10.0, 100.0, 1000.0];

/// A rounded figure.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    Empty,
    /// The figure as a count of its precision's units (10^-decimals), below 10^15: what `round_to`
    /// gives is exactly `units / 10^decimals`.
    Units(i64),
    /// Any other figure, rounded by `round_to` (huge, non-finite, or finer precisions).
    Other(f64),
}

impl Cell {
    fn of(v: f64, decimals: u8) -> Cell {
        if let Some(scale) = POW10.get(usize::from(decimals)) {
            let units = (v * scale).round();
            if units.is_finite() && units.abs() < 1e15 {
                // |units| < 10^15: the conversion is exact.
                return Cell::Units(units as i64);
            }
        }
        Cell::Other(round_to(v, decimals))
    }

    /// The rounded figure as a double (what `round_to` gives).
    fn value(self, decimals: u8) -> Option<f64> {
        match self {
            Cell::Empty => None,
            Cell::Units(units) => {
                Some(units as f64 / POW10.get(usize::from(decimals)).copied().unwrap_or(1.0))
            }
            Cell::Other(v) => Some(v),
        }
    }
}

impl Column {
    /// The column of `values`, rounded; `None` when no period has a value.
    fn of(decimals: u8, values: impl Iterator<Item = Option<f64>>) -> Option<Self> {
        let cells: Vec<Cell> = values
            .map(|v| v.map_or(Cell::Empty, |v| Cell::of(v, decimals)))
            .collect();
        cells
            .iter()
            .any(|c| *c != Cell::Empty)
            .then_some(Column { decimals, cells })
    }

    /// Writes the column as the `Serialize` impl does. Why by hand: a year view writes ~12,000
    /// figures, and serde_json's per-element calls with its float formatter were a fifth of the
    /// request; a rounded figure is a count of its precision's units, written with integer formatting.
    fn write_json(&self, out: &mut Vec<u8>) {
        out.reserve(self.cells.len() * 8 + 2);
        out.push(b'[');
        // One instance per precision, so that the divisions are by constants.
        match self.decimals {
            0 => write_cells::<0>(out, &self.cells),
            1 => write_cells::<1>(out, &self.cells),
            2 => write_cells::<2>(out, &self.cells),
            _ => write_cells::<3>(out, &self.cells),
        }
        out.push(b']');
    }
}

/// Writes `cells` separated by commas. A count of units is written as its decimal with trailing zeros
/// trimmed, which is the shortest form serde_json writes for the double it stands for (any decimal of
/// at most 15 significant digits survives a round trip through a double, so no shorter one names the
/// same double); whole figures have no fraction, like `Figure`.
fn write_cells<const DECIMALS: u32>(out: &mut Vec<u8>, cells: &[Cell]) {
    let scale = 10u64.pow(DECIMALS);
    let mut digits = itoa::Buffer::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match *cell {
            Cell::Empty => out.extend_from_slice(b"null"),
            Cell::Other(v) => {
                if serde_json::to_writer(&mut *out, &Figure(v)).is_err() {
                    out.extend_from_slice(b"null");
                }
            }
            Cell::Units(units) => {
                if units < 0 {
                    out.push(b'-');
                }
                let units = units.unsigned_abs();
                out.extend_from_slice(digits.format(units / scale).as_bytes());
                let mut fraction = units % scale;
                if fraction == 0 {
                    continue;
                }
                let mut width = DECIMALS as usize;
                while fraction.is_multiple_of(10) {
                    fraction /= 10;
                    width -= 1;
                }
                out.push(b'.');
                let text = digits.format(fraction);
                out.extend(std::iter::repeat_n(b'0', width.saturating_sub(text.len())));
                out.extend_from_slice(text.as_bytes());
            }
        }
    }
}

/// Where a column's figures come from.
#[derive(Clone, Copy)]
enum Source {
    /// A metric's period figure: the total of an amount, the average of readings.
    Metric(Metric),
    Lowest(Metric),
    Highest(Metric),
    /// Active plus basal energy.
    TotalEnergy,
    Sleep(fn(&SleepRollup) -> Option<f64>),
    Workouts(fn(&WorkoutFigures) -> f64),
}

impl Source {
    fn column(self, s: &Summaries, decimals: u8) -> Option<Column> {
        let metric = |m: Metric| s.figures.get(&m).map(Vec::as_slice).unwrap_or_default();
        match self {
            Source::Metric(m) => {
                let average = m.kind() == MetricKind::Instantaneous;
                Column::of(decimals, metric(m).iter().map(|f| f.map(|f| value(average, &f))))
            }
            Source::Lowest(m) => Column::of(decimals, metric(m).iter().map(|f| f.map(|f| f.minimum))),
            Source::Highest(m) => Column::of(decimals, metric(m).iter().map(|f| f.map(|f| f.maximum))),
            Source::TotalEnergy => {
                let (active, basal) = (metric(Metric::ActiveEnergy), metric(Metric::BasalEnergy));
                Column::of(
                    decimals,
                    (0..s.periods.len()).map(|i| {
                        let (a, b) = (active.get(i).copied().flatten(), basal.get(i).copied().flatten());
                        (a.is_some() || b.is_some())
                            .then(|| a.map_or(0.0, |f| f.total) + b.map_or(0.0, |f| f.total))
                    }),
                )
            }
            Source::Sleep(pick) => Column::of(decimals, s.sleep.iter().map(|x| x.as_ref().and_then(pick))),
            Source::Workouts(pick) => Column::of(decimals, s.workouts.iter().map(|x| x.as_ref().map(pick))),
        }
    }
}

/// A metric's figure over a period: amounts are the period's total, readings (`average`) its average.
fn value(average: bool, f: &DayFigures) -> f64 {
    if average {
        f.total / f.count.max(1) as f64
    } else {
        f.total
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
        let mut seq = s.serialize_seq(Some(self.cells.len()))?;
        for cell in &self.cells {
            seq.serialize_element(&cell.value(self.decimals).map(Figure))?;
        }
        seq.end()
    }
}

/// Declares the figures once: the column struct (its schema documents each figure's unit and
/// rounding) and where each column comes from.
macro_rules! figures {
    ($( $(#[doc = $doc:literal])* $name:ident : $decimals:expr => $source:expr ),* $(,)?) => {
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

        impl FigureColumns {
            /// The columns of `summaries`, one entry per period.
            pub(super) fn of(summaries: &Summaries) -> Self {
                FigureColumns {
                    $( $name: Source::column($source, summaries, $decimals), )*
                }
            }

            /// Writes the same JSON as the `Serialize` derive (a test holds them equal), faster.
            pub(super) fn write_json(&self, out: &mut Vec<u8>) {
                out.push(b'{');
                let mut first = true;
                $(
                    if let Some(column) = &self.$name {
                        if !first {
                            out.push(b',');
                        }
                        first = false;
                        out.extend_from_slice(concat!("\"", stringify!($name), "\":").as_bytes());
                        column.write_json(out);
                    }
                )*
                let _ = first;
                out.push(b'}');
            }
        }
    };
}

figures! {
    /// Steps, whole.
    steps: Metric::Steps.decimals() => Source::Metric(Metric::Steps),
    /// Metres on foot, by bike or swimming, to 0.1 m.
    distance: Metric::Distance.decimals() => Source::Metric(Metric::Distance),
    /// kcal, to 0.1.
    active_energy: Metric::ActiveEnergy.decimals() => Source::Metric(Metric::ActiveEnergy),
    /// kcal, to 0.1.
    basal_energy: Metric::BasalEnergy.decimals() => Source::Metric(Metric::BasalEnergy),
    /// Active plus basal energy, kcal, to 0.1 (the sum rounded, not the sum of the rounded).
    total_energy: Metric::ActiveEnergy.decimals() => Source::TotalEnergy,
    /// Floors climbed, whole.
    floors: Metric::Floors.decimals() => Source::Metric(Metric::Floors),
    /// Metres, to 0.1.
    elevation_gain: Metric::ElevationGain.decimals() => Source::Metric(Metric::ElevationGain),
    /// Minutes, to 0.1.
    exercise_minutes: Metric::ExerciseMinutes.decimals() => Source::Metric(Metric::ExerciseMinutes),
    /// Hours with standing, whole.
    stand_hours: Metric::StandHours.decimals() => Source::Metric(Metric::StandHours),
    /// Minutes, to 0.1.
    mindful_minutes: Metric::MindfulMinutes.decimals() => Source::Metric(Metric::MindfulMinutes),
    /// mL, whole.
    water: Metric::Water.decimals() => Source::Metric(Metric::Water),
    /// Beats per minute, average of the readings, to 0.1.
    heart_rate_avg: Metric::HeartRate.decimals() => Source::Metric(Metric::HeartRate),
    /// Beats per minute, lowest reading, to 0.1.
    heart_rate_min: Metric::HeartRate.decimals() => Source::Lowest(Metric::HeartRate),
    /// Beats per minute, highest reading, to 0.1.
    heart_rate_max: Metric::HeartRate.decimals() => Source::Highest(Metric::HeartRate),
    /// Beats per minute, to 0.1.
    resting_heart_rate: Metric::RestingHeartRate.decimals() => Source::Metric(Metric::RestingHeartRate),
    /// Beats per minute, to 0.1.
    walking_heart_rate: Metric::WalkingHeartRate.decimals() => Source::Metric(Metric::WalkingHeartRate),
    /// Milliseconds, to 0.1.
    hrv_sdnn: Metric::HrvSdnn.decimals() => Source::Metric(Metric::HrvSdnn),
    /// Milliseconds, to 0.1.
    hrv_rmssd: Metric::HrvRmssd.decimals() => Source::Metric(Metric::HrvRmssd),
    /// Percent, to 0.1.
    spo2: Metric::Spo2.decimals() => Source::Metric(Metric::Spo2),
    /// Breaths per minute, to 0.1.
    respiratory_rate: Metric::RespiratoryRate.decimals() => Source::Metric(Metric::RespiratoryRate),
    /// Kilograms, to 0.01 (10 g: a tenth of a pound still shows after conversion).
    body_mass: Metric::BodyMass.decimals() => Source::Metric(Metric::BodyMass),
    /// mL/(kg·min), to 0.1.
    vo2max: Metric::Vo2max.decimals() => Source::Metric(Metric::Vo2max),
    /// Seconds asleep (any stage) in sessions ending in the period, whole.
    sleep_asleep: 0 => Source::Sleep(|s| Some(s.asleep)),
    /// Seconds in bed, whole.
    sleep_in_bed: 0 => Source::Sleep(|s| Some(s.in_bed)),
    /// Seconds awake in bed, whole.
    sleep_awake: 0 => Source::Sleep(|s| Some(s.awake)),
    /// Seconds of light/core sleep, whole.
    sleep_core: 0 => Source::Sleep(|s| Some(s.core)),
    /// Seconds of deep sleep, whole.
    sleep_deep: 0 => Source::Sleep(|s| Some(s.deep)),
    /// Seconds of REM sleep, whole.
    sleep_rem: 0 => Source::Sleep(|s| Some(s.rem)),
    /// Seconds asleep with the stage unknown (older devices), whole.
    sleep_unspecified: 0 => Source::Sleep(|s| Some(s.unspecified)),
    /// Asleep ÷ in bed, a fraction to 0.001.
    sleep_efficiency: 3 => Source::Sleep(|s| (s.in_bed > 0.0).then(|| (s.asleep / s.in_bed).min(1.0))),
    /// Sleep sessions ending in the period, whole.
    sleep_sessions: 0 => Source::Sleep(|s| Some(s.sessions as f64)),
    /// Workouts started in the period, whole.
    workout_count: 0 => Source::Workouts(|w| f64::from(w.count)),
    /// Elapsed seconds of those workouts, whole.
    workout_duration: 0 => Source::Workouts(|w| w.duration),
    /// Metres covered in those workouts, to 0.1.
    workout_distance: Metric::Distance.decimals() => Source::Workouts(|w| w.distance),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_rounded_per_figure_and_whole_numbers_have_no_fraction() {
        let day = |total: f64, count: i64| {
            vec![
                Some(DayFigures {
                    total,
                    minimum: 51.04,
                    maximum: 160.96,
                    count,
                }),
                None,
            ]
        };
        let date: jiff::civil::Date = "2024-06-01".parse().unwrap();
        let mut summaries = Summaries {
            periods: vec![(date, date), (date.tomorrow().unwrap(), date.tomorrow().unwrap())],
            figures: Default::default(),
            sleep: vec![
                None,
                Some(SleepRollup {
                    in_bed: 28_800.4,
                    asleep: 27_000.6,
                    sessions: 1,
                    ..Default::default()
                }),
            ],
            workouts: vec![None, None],
        };
        summaries.figures.insert(Metric::Steps, day(8123.4999, 1));
        summaries
            .figures
            .insert(Metric::Distance, day(35377.20000000004, 1));
        summaries.figures.insert(Metric::HeartRate, day(61.25 * 3.0, 3));
        summaries.figures.insert(Metric::BodyMass, day(69.853, 1));
        let columns = FigureColumns::of(&summaries);
        let json = serde_json::to_string(&columns).unwrap();
        assert_eq!(
            json,
            r#"{"steps":[8123,null],"distance":[35377.2,null],"heart_rate_avg":[61.3,null],"heart_rate_min":[51,null],"heart_rate_max":[161,null],"body_mass":[69.85,null],"sleep_asleep":[null,27001],"sleep_in_bed":[null,28800],"sleep_awake":[null,0],"sleep_core":[null,0],"sleep_deep":[null,0],"sleep_rem":[null,0],"sleep_unspecified":[null,0],"sleep_efficiency":[null,0.938],"sleep_sessions":[null,1]}"#
        );
    }
}

#[cfg(test)]
mod writer_tests {
    use super::*;

    /// The hand-written JSON is byte for byte what serde_json writes, over figures of every size and
    /// precision, negative ones, exact halves, and values beyond the integer path.
    #[test]
    fn written_columns_equal_serde_json_exactly() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            0.05,
            0.001,
            1.25,
            35377.2,
            8123.0,
            69.85,
            -12.3,
            0.938,
            1e14,
            123_456_789.1,
            9.99e14,
            2e15,
            1e300,
            -1e300,
            5e-324,
            f64::NAN,
            f64::INFINITY,
        ];
        let mut x = 0.123_456_789_f64;
        for _ in 0..20_000 {
            x = (x * 7_919.0 + 0.377).fract();
            values.push((x - 0.3) * 10f64.powi((x * 40.0) as i32 - 10));
        }
        for decimals in [0u8, 1, 2, 3] {
            let column = Column::of(decimals, values.iter().map(|v| Some(*v)).chain([None])).unwrap();
            let mut written = Vec::new();
            column.write_json(&mut written);
            let expected = serde_json::to_vec(&column).unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(expected).unwrap(),
                "decimals {decimals}"
            );
        }
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
