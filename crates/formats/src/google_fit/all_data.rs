//! Google Fit `All Data` entries: `{"Data Source": "derived:com.google.step_count.delta:…",
//! "Data Points": [{"fitValue": [{"value": {"intVal": 12}}], "startTimeNanos": …, "endTimeNanos": …,
//! "dataTypeName": "com.google.step_count.delta", "originDataSourceId": "…"}]}`.
//!
//! Times are nanoseconds since the epoch, read as exact integers (they exceed 2^53, so a detour through
//! `f64` would move them by up to a quarter of a microsecond and break idempotency keys). Points are read
//! one by one, so a bad point is a warning. Data types map to metrics through [`mapping`]; the others
//! are skipped with one `unmapped_type` warning per type giving the count and the reason. Sleep segment
//! values are Google's sleep stages: 1 awake, 2 asleep, 4 light, 5 deep, 6 REM; 3 (out of bed) is not
//! sleep and is skipped silently.
//!
//! Activity segments (`com.google.activity.segment`, field 0 a Google Fit activity type) are read for
//! their sleep codes only — 72 sleeping, 109 light, 110 deep, 111 REM, 112 awake (during sleep) — which
//! become `sleep` samples like sleep segments. Every other activity code is a stretch of walking,
//! running, being still… that the sessions and the step points already carry, so those segments are
//! not stored; one `unmapped_type` warning gives their count per activity code.
//!
//! Energy (`com.google.calories.expended`) is split into basal and active energy by the basal rate
//! (`com.google.calories.bmr`) the import read first; a basal-rate file gives that rate, no samples.
//! See the `basal` module. Heart Points (`com.google.heart_minutes`, field 0 the points) are read as
//! `heart_points`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::value::RawValue;
use wearhouse_model::{Metric, SleepStage, Unit};

use super::basal::{makes_sample, split_energy, BasalRates, PLAUSIBLE_RATE};
use crate::fitbit::shared::{item, json_text, parse_document, sample, Diagnostics, Int, Num};
use crate::{FormatError, ParsedFile};

#[derive(Deserialize)]
struct AllDataFile<'a> {
    #[serde(rename = "Data Source", borrow, default)]
    data_source: Option<Cow<'a, str>>,
    #[serde(rename = "Data Points", borrow, default)]
    points: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct Point<'a> {
    #[serde(rename = "dataTypeName", borrow)]
    data_type: Cow<'a, str>,
    #[serde(rename = "startTimeNanos")]
    start: Int,
    #[serde(rename = "endTimeNanos")]
    end: Int,
    #[serde(rename = "fitValue", default)]
    values: Vec<FitValue>,
    #[serde(rename = "originDataSourceId", borrow, default)]
    origin: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct FitValue {
    #[serde(default)]
    value: Option<Value>,
}

#[derive(Deserialize)]
struct Value {
    #[serde(rename = "intVal", default)]
    int: Option<Int>,
    #[serde(rename = "fpVal", default)]
    fp: Option<Num>,
}

impl Point<'_> {
    /// Field `index` of the point as a number, whichever of `intVal`/`fpVal` holds it.
    fn field(&self, index: usize) -> Option<f64> {
        let value = self.values.get(index)?.value.as_ref()?;
        value.fp.map(|Num(v)| v).or(value.int.map(|Int(v)| v as f64))
    }
}

/// How a data type becomes samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mapping {
    /// Field 0 as `metric`, given in `unit` (`None`: already canonical).
    Field(Metric, Option<Unit>),
    /// Fields 0 and 1: systolic and diastolic pressure.
    BloodPressure,
    /// Field 0: a Google Fit sleep stage.
    SleepStage,
    /// Field 0: a Google Fit activity type, read for its sleep codes only.
    ActivitySegment,
    /// Field 0: kcal burned over the point, basal rate included: split into basal and active energy.
    Energy,
    /// Field 0: the basal metabolic rate in kcal per day from the point's end on, which splits energy.
    BasalRate,
    /// Not imported, with the reason given in the warning.
    Skip(&'static str),
}

/// The Google Fit data types read, with their units from Google's data-type reference.
pub(crate) fn mapping(data_type: &str) -> Mapping {
    use Mapping::{Field, Skip};
    match data_type {
        "com.google.step_count.delta" => Field(Metric::Steps, None),
        "com.google.distance.delta" => Field(Metric::Distance, Some(Unit::Meter)),
        "com.google.heart_rate.bpm" => Field(Metric::HeartRate, None),
        "com.google.weight" => Field(Metric::BodyMass, Some(Unit::Kilogram)),
        "com.google.height" => Field(Metric::Height, Some(Unit::Meter)),
        "com.google.body.fat.percentage" => Field(Metric::BodyFatPercentage, Some(Unit::Percent)),
        "com.google.active_minutes" => Field(Metric::ExerciseMinutes, Some(Unit::Minute)),
        "com.google.speed" => Field(Metric::Speed, Some(Unit::MeterPerSecond)),
        "com.google.oxygen_saturation" => Field(Metric::Spo2, Some(Unit::Percent)),
        "com.google.hydration" => Field(Metric::Water, Some(Unit::Liter)),
        "com.google.power.sample" => Field(Metric::Power, Some(Unit::Watt)),
        "com.google.body.temperature" => Field(Metric::BodyTemperature, Some(Unit::Celsius)),
        "com.google.blood_glucose" => Field(Metric::BloodGlucose, Some(Unit::MillimolePerLiter)),
        "com.google.step_count.cadence" | "com.google.cycling.pedaling.cadence" => {
            Field(Metric::Cadence, Some(Unit::PerMinute))
        }
        "com.google.blood_pressure" => Mapping::BloodPressure,
        "com.google.sleep.segment" => Mapping::SleepStage,
        "com.google.activity.segment" => Mapping::ActivitySegment,
        "com.google.calories.expended" => Mapping::Energy,
        "com.google.calories.bmr" => Mapping::BasalRate,
        "com.google.heart_minutes" => Field(Metric::HeartPoints, None),
        _ => Skip("no Wearhouse metric for this data type"),
    }
}

/// Google's sleep stage codes (`SleepStages`).
/// `Some(None)` for out of bed, which is not a sleep stage; `None` for a code that is not Google's.
fn sleep_stage(code: f64) -> Option<Option<SleepStage>> {
    if code.fract() != 0.0 || !(0.0..=255.0).contains(&code) {
        return None;
    }
    Some(Some(match code as u8 {
        1 => SleepStage::Awake,
        2 => SleepStage::Asleep,
        3 => return Some(None),
        4 => SleepStage::Core,
        5 => SleepStage::Deep,
        6 => SleepStage::Rem,
        _ => return None,
    }))
}

/// A Google Fit activity type code (a small whole number), or `None` for a value that is not one.
fn activity_code(value: f64) -> Option<u16> {
    (value.fract() == 0.0 && (0.0..=f64::from(u16::MAX)).contains(&value)).then_some(value as u16)
}

/// The sleep stage of a Google Fit activity type (Google's activity-type table: 72 "Sleeping", 109
/// "Light sleep", 110 "Deep sleep", 111 "REM sleep", 112 "Awake (during sleep cycle)"); `None` for an
/// activity that is not sleep. The table has no "in bed" activity.
fn activity_sleep_stage(code: u16) -> Option<SleepStage> {
    match code {
        72 => Some(SleepStage::Asleep),
        109 => Some(SleepStage::Core),
        110 => Some(SleepStage::Deep),
        111 => Some(SleepStage::Rem),
        112 => Some(SleepStage::Awake),
        _ => None,
    }
}

/// Why energy is skipped when the import has read no basal rate.
const NO_BASAL_RATE: &str = "Google Fit's expended calories include the basal rate, and Wearhouse keeps \
     active and basal energy apart; the rate that splits them is another file of the Takeout \
     (derived_com.google.calories.bmr_….json), so import the whole Takeout ZIP to get them";

/// The Google Fit name of an activity code, for the report: Google's activity-type table, whose
/// non-workout codes (0 in vehicle, 3 still, 5 tilting) the catalogue's workout table leaves out.
fn activity_name(code: u16) -> &'static str {
    match code {
        0 => "in_vehicle",
        3 => "still",
        5 => "tilting",
        code => wearhouse_model::ActivityType::google_fit_code_name(i64::from(code)).unwrap_or("unknown"),
    }
}

/// The store keeps no sample longer than this.
const MAX_SPAN: SignedDuration = SignedDuration::from_hours(48);

/// Reads one `All Data` file, splitting its energy by `rates` when the import has read any. Returns
/// its records and, for a basal-rate file, the rates it holds.
pub(crate) fn read(
    path: &str,
    bytes: &[u8],
    rates: Option<&BasalRates>,
) -> Result<(ParsedFile, Option<BasalRates>), FormatError> {
    let text = json_text(path, bytes)?;
    let expected = "a Google Fit data file ({\"Data Source\", \"Data Points\": […]})";
    let document: AllDataFile = parse_document(path, text, expected)?;
    let Some(points) = document.points else {
        return Err(FormatError::new(
            "unexpected_shape",
            format!("{path} has no \"Data Points\": it is not {expected}"),
            crate::Location::Entry(path.to_owned()),
        ));
    };
    let mut diag = Diagnostics::new(path);
    let mut file = ParsedFile::default();
    let mut source = document.data_source.as_deref().and_then(source_name);
    let mut unmapped: BTreeMap<String, (u64, &'static str)> = BTreeMap::new();
    // Activity segments that are not sleep, counted per activity code.
    let mut other_activities: BTreeMap<u16, u64> = BTreeMap::new();
    let mut basal_readings: Vec<(Timestamp, f64)> = Vec::new();
    file.samples.reserve(points.len());
    for (index, raw) in points.iter().enumerate() {
        let Some(point) = item::<Point>(raw, index, &mut diag) else {
            continue;
        };
        let mapping = match mapping(&point.data_type) {
            Mapping::Energy if rates.is_none() => Mapping::Skip(NO_BASAL_RATE),
            other => other,
        };
        if let Mapping::Skip(reason) = mapping {
            let entry = unmapped
                .entry(point.data_type.into_owned())
                .or_insert((0, reason));
            entry.0 = entry.0.saturating_add(1);
            continue;
        }
        let times = Timestamp::from_nanosecond(i128::from(point.start.0))
            .ok()
            .zip(Timestamp::from_nanosecond(i128::from(point.end.0)).ok())
            .filter(|(start, end)| start <= end && end.duration_since(*start) <= MAX_SPAN);
        let Some((start, end)) = times else {
            diag.warn("bad_time", || {
                format!(
                    "point {index}: {}–{} ns is not an interval of at most 48 hours",
                    point.start.0, point.end.0
                )
            });
            continue;
        };
        if source.is_none() {
            source = point.origin.as_deref().and_then(source_name);
        }
        let at = Located {
            index,
            start,
            end,
            source: &source,
            data_type: &point.data_type,
        };
        match mapping {
            Mapping::Field(metric, unit) => at.push(metric, point.field(0), unit, &mut diag, &mut file),
            Mapping::BloodPressure => {
                at.push(
                    Metric::BloodPressureSystolic,
                    point.field(0),
                    None,
                    &mut diag,
                    &mut file,
                );
                at.push(
                    Metric::BloodPressureDiastolic,
                    point.field(1),
                    None,
                    &mut diag,
                    &mut file,
                );
            }
            Mapping::SleepStage => match point.field(0).map(sleep_stage) {
                Some(Some(Some(stage))) => {
                    let code = Some(f64::from(stage.code()));
                    at.push(Metric::Sleep, code, None, &mut diag, &mut file);
                }
                Some(Some(None)) => {}
                Some(None) | None => diag.warn("bad_value", || {
                    format!(
                        "point {index}: {:?} is not a Google Fit sleep stage",
                        point.field(0)
                    )
                }),
            },
            Mapping::ActivitySegment => match point.field(0).and_then(activity_code) {
                Some(code) => match activity_sleep_stage(code) {
                    Some(stage) => {
                        let stage = Some(f64::from(stage.code()));
                        at.push(Metric::Sleep, stage, None, &mut diag, &mut file);
                    }
                    None => {
                        let count = other_activities.entry(code).or_insert(0);
                        *count = count.saturating_add(1);
                    }
                },
                None => diag.warn("bad_value", || {
                    format!(
                        "point {index}: {:?} is not a Google Fit activity type",
                        point.field(0)
                    )
                }),
            },
            Mapping::Energy => {
                let split = rates.and_then(|r| split_energy(r, start, end, point.field(0)?));
                match split {
                    // Google's figure is the sum; a part too small to be served makes no sample.
                    Some((basal, active)) => {
                        if makes_sample(basal) {
                            at.push(Metric::BasalEnergy, Some(basal), None, &mut diag, &mut file);
                        }
                        if makes_sample(active) {
                            at.push(Metric::ActiveEnergy, Some(active), None, &mut diag, &mut file);
                        }
                    }
                    None => diag.warn("bad_item", || {
                        format!("point {index} has no value for com.google.calories.expended")
                    }),
                }
            }
            Mapping::BasalRate => match point.field(0) {
                Some(rate) if PLAUSIBLE_RATE.contains(&rate) => basal_readings.push((end, rate)),
                value => diag.warn("bad_value", || {
                    format!(
                        "point {index}: {value:?} is not a basal metabolic rate in kcal per day \
                         ({}–{})",
                        PLAUSIBLE_RATE.start(),
                        PLAUSIBLE_RATE.end()
                    )
                }),
            },
            Mapping::Skip(_) => {}
        }
    }
    let basal_rates = (!basal_readings.is_empty()).then(|| {
        let count = basal_readings.len();
        diag.warn("unmapped_type", || {
            format!(
                "{count} points of com.google.calories.bmr were read as the basal metabolic rate \
                 that splits the Takeout's expended calories into basal and active energy; the rate \
                 itself is not stored as a sample"
            )
        });
        let merged = source.as_deref() == Some("com.google.android.gms:merged");
        BasalRates::new(basal_readings, merged)
    });
    if !other_activities.is_empty() {
        let total = other_activities
            .values()
            .fold(0u64, |sum, n| sum.saturating_add(*n));
        let codes = other_activities
            .iter()
            .map(|(code, n)| format!("{code} {} ×{n}", activity_name(*code)))
            .collect::<Vec<_>>()
            .join(", ");
        diag.warn("unmapped_type", || {
            format!(
                "{total} points of com.google.activity.segment were not imported (activity codes \
                 {codes}): only sleep segments are read; the other activities are in the sessions \
                 and step counts"
            )
        });
    }
    for (data_type, (count, reason)) in unmapped {
        diag.warn("unmapped_type", || {
            format!("{count} points of {data_type} were not imported: {reason}")
        });
    }
    file.warnings = diag.finish();
    Ok((file, basal_rates))
}

/// Where a point's samples go: its index (for warnings), interval and source.
struct Located<'p> {
    index: usize,
    start: Timestamp,
    end: Timestamp,
    source: &'p Option<String>,
    data_type: &'p str,
}

impl Located<'_> {
    fn push(
        &self,
        metric: Metric,
        value: Option<f64>,
        unit: Option<Unit>,
        diag: &mut Diagnostics,
        file: &mut ParsedFile,
    ) {
        let index = self.index;
        let Some(value) = value else {
            diag.warn("bad_item", || format!("point {index} has no value for {metric}"));
            return;
        };
        match sample(metric, value, unit, self.start, self.end) {
            Ok(mut s) => {
                s.source_name.clone_from(self.source);
                file.samples.push(s);
            }
            Err(e) => diag.invalid(|| format!("point {index} ({})", self.data_type), e),
        }
    }
}

/// A readable, stable source name from a data source id `type:dataType:app:…:stream`: everything after
/// the data type (app package, device, stream name), e.g. `com.google.android.gms:estimated_steps`.
pub(crate) fn source_name(id: &str) -> Option<String> {
    let mut parts = id.splitn(3, ':');
    let (_kind, _data_type) = (parts.next()?, parts.next()?);
    let rest = parts.next()?.trim();
    (!rest.is_empty()).then(|| rest.to_owned())
}
