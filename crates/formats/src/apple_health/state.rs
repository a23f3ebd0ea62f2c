//! The reader's state machine: what is open (a record, a correlation, a workout), how each tag
//! changes it, and the elements that are not records (`Me`, `ExportDate`, activity summaries, workouts).

use std::collections::VecDeque;
use std::io::BufRead;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use wearhouse_model::{Sex, Unit};

use crate::{FormatError, Location};

use super::cache::{Caches, Dedup};
use super::diag::Diagnostics;
use super::record::PendingRecord;
use super::scan::{Scanner, Tag, TagKind};
use super::text::{clean_string, decoded, parse_f64, read_decoded, Cleaned};
use super::workout::WorkoutBuilder;
use super::{date, ActivitySummary, HealthRecord, ReadCounts};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Before `<HealthData>`: only the prolog and the DTD may come.
    #[default]
    Prolog,
    Body,
    /// After `</HealthData>`: anything further is still read, forgivingly.
    Epilog,
}

#[derive(Debug)]
pub(super) enum Pending {
    Record(PendingRecord),
    /// An unreadable open `<Record>` whose children must not attach to anything else.
    Skip,
}

/// An open `<Correlation>`: its `HKTimeZone` applies to members that have none of their own.
#[derive(Debug, Default)]
pub(super) struct OpenCorrelation {
    pub(super) time_zone: Option<TimeZone>,
}

/// Which child of a workout is open: a route's `Location`s count, a `WorkoutActivity`'s statistics
/// repeat the workout's own and are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WorkoutChild {
    None,
    Route,
    Activity,
}

#[derive(Debug)]
pub(super) struct OpenWorkout {
    /// `None` while skipping an unreadable workout's children.
    pub(super) builder: Option<WorkoutBuilder>,
    pub(super) child: WorkoutChild,
    pub(super) offset: u64,
}

/// Everything the reader carries from one tag to the next.
#[derive(Default)]
pub(super) struct State {
    pub(super) diag: Diagnostics,
    pub(super) phase: Phase,
    pub(super) finished: bool,
    pub(super) locale: Option<String>,
    pub(super) export_date: Option<Timestamp>,
    pub(super) queue: VecDeque<HealthRecord>,
    pub(super) pending: Option<Pending>,
    pub(super) correlation: Option<OpenCorrelation>,
    pub(super) workout: Option<OpenWorkout>,
    pub(super) caches: Caches,
    pub(super) dedup: Dedup,
    pub(super) counts: ReadCounts,
}

pub(super) fn timestamp(raw: Option<&[u8]>) -> Option<Timestamp> {
    let date = read_decoded(raw?, date::parse_stamped)?;
    Timestamp::from_second(date.unix).ok()
}

pub(super) fn offset_minutes(zone: Option<&TimeZone>, at: Timestamp) -> Option<i16> {
    zone.and_then(|tz| i16::try_from(tz.to_offset(at).seconds() / 60).ok())
}

pub(super) fn number(raw: Option<&[u8]>) -> Option<f64> {
    raw.and_then(|raw| read_decoded(raw, parse_f64))
}

/// A `YYYY-MM-DD` civil date (`Me`'s birth date, an activity summary's day).
fn civil_date(raw: Option<&[u8]>) -> Option<Date> {
    let (y, m, d) = read_decoded(raw?, date::parse_civil_date)?;
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

pub(super) fn lossy(raw: Option<&[u8]>) -> String {
    let raw = raw.unwrap_or_default();
    String::from_utf8_lossy(raw.get(..raw.len().min(80)).unwrap_or_default()).into_owned()
}

impl State {
    pub(super) fn count(&mut self, record: HealthRecord) -> HealthRecord {
        match &record {
            HealthRecord::Sample(_) => self.counts.samples += 1,
            HealthRecord::Unmapped(_) => self.counts.unmapped += 1,
            HealthRecord::Workout(_) => self.counts.workouts += 1,
            HealthRecord::ActivitySummary(_) => self.counts.activity_summaries += 1,
            HealthRecord::Me { .. } => {}
        }
        record
    }

    pub(super) fn end_of_input(&mut self, offset: u64) -> Result<(), FormatError> {
        self.finished = true;
        if self.phase == Phase::Prolog {
            return Err(FormatError::new(
                "not_apple_health",
                "no <HealthData> element: this is not an Apple Health export.xml",
                Location::Byte(offset),
            ));
        }
        if self.phase == Phase::Body {
            self.diag.warn("truncated", offset, || {
                "the file ends before </HealthData>; everything up to here was read".to_owned()
            });
        }
        self.close_everything();
        Ok(())
    }

    /// Finishes whatever is open (at `</HealthData>` or the end of the input) into the queue.
    pub(super) fn close_everything(&mut self) {
        self.close_pending_into_queue();
        self.correlation = None;
        if let Some(record) = self.finish_workout() {
            self.queue.push_back(record);
        }
    }

    pub(super) fn close_pending_into_queue(&mut self) {
        if let Some(record) = self.finish_pending() {
            self.queue.push_back(record);
        }
    }

    pub(super) fn on_tag<R: BufRead>(
        &mut self,
        scan: &Scanner<R>,
        tag: &Tag,
    ) -> Result<Option<HealthRecord>, FormatError> {
        let name = scan.bytes(&tag.name);
        if self.phase == Phase::Prolog {
            if tag.kind == TagKind::Close {
                return Ok(None);
            }
            if name != b"HealthData" {
                return Err(FormatError::new(
                    "not_apple_health",
                    format!(
                        "the first element is <{}>, not <HealthData>: this is not an Apple Health export.xml",
                        String::from_utf8_lossy(name.get(..name.len().min(64)).unwrap_or_default())
                    ),
                    Location::Byte(tag.offset),
                ));
            }
            self.phase = Phase::Body;
            self.locale = scan.attr(b"locale").map(|l| clean_string(l).0);
            return Ok(None);
        }
        match tag.kind {
            TagKind::Close => Ok(self.on_close(name)),
            TagKind::Open | TagKind::Empty => Ok(self.on_start(scan, tag, name, tag.kind == TagKind::Empty)),
        }
    }

    pub(super) fn on_close(&mut self, name: &[u8]) -> Option<HealthRecord> {
        match name {
            b"Record" => self.finish_pending(),
            b"Correlation" => {
                self.close_pending_into_queue();
                self.correlation = None;
                None
            }
            b"Workout" => {
                self.close_pending_into_queue();
                self.finish_workout()
            }
            b"WorkoutRoute" | b"WorkoutActivity" => {
                if let Some(w) = &mut self.workout {
                    w.child = WorkoutChild::None;
                }
                None
            }
            b"HealthData" => {
                self.close_everything();
                self.phase = Phase::Epilog;
                None
            }
            _ => None,
        }
    }

    pub(super) fn on_start<R: BufRead>(
        &mut self,
        scan: &Scanner<R>,
        tag: &Tag,
        name: &[u8],
        empty: bool,
    ) -> Option<HealthRecord> {
        match name {
            b"Record" => {
                // A `<Record>` whose `</Record>` never came: finish it before starting the next.
                self.close_pending_into_queue();
                self.start_record(scan, tag, empty)
            }
            b"MetadataEntry" => {
                self.metadata(scan);
                None
            }
            b"Correlation" => {
                self.close_pending_into_queue();
                self.counts.correlations += 1;
                self.correlation = (!empty).then(OpenCorrelation::default);
                None
            }
            b"Workout" => {
                self.close_pending_into_queue();
                self.correlation = None;
                if let Some(unclosed) = self.finish_workout() {
                    self.queue.push_back(unclosed);
                }
                self.start_workout(scan, tag);
                if empty {
                    self.finish_workout()
                } else {
                    None
                }
            }
            b"WorkoutEvent" | b"WorkoutStatistics" | b"WorkoutRoute" | b"WorkoutActivity" | b"Location"
            | b"FileReference" => {
                self.workout_child(scan, name, empty);
                None
            }
            b"ActivitySummary" => self.activity_summary(scan, tag),
            b"Me" => Some(self.me(scan)),
            b"ExportDate" => {
                self.export_date = timestamp(scan.attr(b"value"));
                None
            }
            _ => None,
        }
    }

    pub(super) fn zone(&mut self, raw: &[u8], offset: u64) -> Option<TimeZone> {
        let diag = &mut self.diag;
        let i = self.caches.zones.index(raw, |raw| {
            let name = clean_string(raw).0;
            let zone = TimeZone::get(name.trim()).ok();
            if zone.is_none() {
                diag.warn("unknown_time_zone", offset, || {
                    format!("HKTimeZone {name:?} is not an IANA time zone; the offset is left unknown")
                });
            }
            zone
        });
        self.caches.zones.value(i).cloned().flatten()
    }

    pub(super) fn source(&mut self, raw: &[u8], offset: u64) -> String {
        let i = self.caches.sources.index(raw, clean_string);
        let Some((name, cleaned)) = self.caches.sources.value(i) else {
            return String::new();
        };
        let name = name.clone();
        let cleaned = *cleaned;
        self.report_cleaning(cleaned, offset);
        name
    }

    pub(super) fn report_cleaning(&mut self, cleaned: Cleaned, offset: u64) {
        if let Some(at) = cleaned.control_at {
            self.diag.warn("control_character", offset + at as u64, || {
                "a control character was removed from a value".to_owned()
            });
        }
        if cleaned.invalid_utf8 {
            self.diag.warn("invalid_utf8", offset, || {
                "a value is not valid UTF-8; invalid bytes were replaced".to_owned()
            });
        }
    }

    pub(super) fn clean(&mut self, raw: &[u8], offset: u64) -> String {
        let (text, cleaned) = clean_string(raw);
        self.report_cleaning(cleaned, offset);
        text
    }

    pub(super) fn metadata<R: BufRead>(&mut self, scan: &Scanner<R>) {
        let (mut key, mut value, mut value_at) = (None, None, 0);
        for a in scan.attrs() {
            match scan.bytes(&a.name) {
                b"key" => key = Some(scan.bytes(&a.value)),
                b"value" => (value, value_at) = (Some(scan.bytes(&a.value)), a.value_offset),
                _ => {}
            }
        }
        let (Some(key), Some(value)) = (key, value) else {
            return;
        };
        let is_zone = read_decoded(key, |k| (k == b"HKTimeZone").then_some(())).is_some();
        if let Some(pending) = &self.pending {
            if is_zone && matches!(pending, Pending::Record(_)) {
                let zone = self.zone(value, value_at);
                if let Some(Pending::Record(record)) = &mut self.pending {
                    record.time_zone = zone;
                }
            }
        } else if let Some(workout) = &self.workout {
            if workout.child != WorkoutChild::None || workout.builder.is_none() {
                return;
            }
            let zone = if is_zone { self.zone(value, value_at) } else { None };
            if let Some(builder) = self.workout.as_mut().and_then(|w| w.builder.as_mut()) {
                if is_zone {
                    builder.time_zone = zone;
                } else {
                    builder.metadata(&decoded(key), &decoded(value));
                }
            }
        } else if self.correlation.is_some() && is_zone {
            let zone = self.zone(value, value_at);
            if let Some(c) = &mut self.correlation {
                c.time_zone = zone;
            }
        }
    }

    pub(super) fn start_workout<R: BufRead>(&mut self, scan: &Scanner<R>, tag: &Tag) {
        let get = |name: &[u8]| scan.attr(name);
        let start = timestamp(get(b"startDate"));
        let end = timestamp(get(b"endDate"));
        let (Some(start), Some(end)) = (start, end.filter(|e| Some(*e) >= start)) else {
            self.counts.skipped += 1;
            self.diag.warn("unparsable_date", tag.offset, || {
                "a Workout without a readable startDate and endDate was skipped".to_owned()
            });
            self.workout = Some(OpenWorkout {
                builder: None,
                child: WorkoutChild::None,
                offset: tag.offset,
            });
            return;
        };
        let label = get(b"workoutActivityType")
            .map(|raw| self.clean(raw, tag.offset))
            .unwrap_or_default();
        let mut builder = WorkoutBuilder::new(label, start, end);
        builder.source_name = get(b"sourceName")
            .or_else(|| get(b"source"))
            .map(|raw| self.source(raw, tag.offset));
        builder.device = get(b"device").and_then(|raw| self.caches.device(raw));
        builder.set_duration(number(get(b"duration")), get(b"durationUnit"));
        builder.set_total_distance(number(get(b"totalDistance")), get(b"totalDistanceUnit"));
        builder.set_total_energy(number(get(b"totalEnergyBurned")), get(b"totalEnergyBurnedUnit"));
        if let Some(raw) = get(b"HKTimeZone") {
            builder.time_zone = self.zone(raw, tag.offset);
        }
        self.workout = Some(OpenWorkout {
            builder: Some(builder),
            child: WorkoutChild::None,
            offset: tag.offset,
        });
    }

    pub(super) fn workout_child<R: BufRead>(&mut self, scan: &Scanner<R>, name: &[u8], empty: bool) {
        let Some(workout) = &mut self.workout else {
            return;
        };
        let get = |name: &[u8]| scan.attr(name);
        match name {
            b"WorkoutRoute" if !empty => workout.child = WorkoutChild::Route,
            b"WorkoutActivity" if !empty => workout.child = WorkoutChild::Activity,
            _ => {}
        }
        let child = workout.child;
        let Some(builder) = &mut workout.builder else {
            return;
        };
        match (name, child) {
            (b"WorkoutEvent", WorkoutChild::None) => builder.event(
                &decoded(get(b"type").unwrap_or_default()),
                timestamp(get(b"date")),
                number(get(b"duration")),
                get(b"durationUnit"),
            ),
            (b"WorkoutStatistics", WorkoutChild::None) => builder.statistics(
                &decoded(get(b"type").unwrap_or_default()),
                number(get(b"sum")),
                number(get(b"average")),
                number(get(b"maximum")),
                get(b"unit"),
            ),
            (b"Location", WorkoutChild::Route) => {
                if let Some(date) = timestamp(get(b"date")) {
                    builder.location(
                        date,
                        number(get(b"latitude")),
                        number(get(b"longitude")),
                        number(get(b"altitude")),
                        number(get(b"speed")),
                    );
                } else {
                    builder.dropped_points += 1;
                }
            }
            (b"FileReference", _) => {
                if let Some(path) = get(b"path") {
                    let (path, _) = clean_string(path);
                    builder.file_reference(path);
                }
            }
            _ => {}
        }
    }

    pub(super) fn finish_workout(&mut self) -> Option<HealthRecord> {
        let workout = self.workout.take()?;
        let builder = workout.builder?;
        if builder.dropped_points > 0 {
            let dropped = builder.dropped_points;
            self.diag.warn("route_points_dropped", workout.offset, || {
                format!(
                    "{dropped} route points were before the start, out of order, undated or beyond the limit"
                )
            });
        }
        let offset = offset_minutes(builder.time_zone.as_ref(), builder.start);
        Some(HealthRecord::Workout(Box::new(builder.finish(offset))))
    }

    pub(super) fn activity_summary<R: BufRead>(
        &mut self,
        scan: &Scanner<R>,
        tag: &Tag,
    ) -> Option<HealthRecord> {
        let get = |name: &[u8]| scan.attr(name);
        let Some(date) = civil_date(get(b"dateComponents")) else {
            self.counts.skipped += 1;
            self.diag.warn("unparsable_date", tag.offset, || {
                format!(
                    "an ActivitySummary's dateComponents {:?} is not a date; it was skipped",
                    lossy(get(b"dateComponents"))
                )
            });
            return None;
        };
        let energy_unit = get(b"activeEnergyBurnedUnit")
            .and_then(|u| std::str::from_utf8(&decoded(u)).ok()?.parse::<Unit>().ok())
            .filter(|u| u.dimension() == Unit::Kilocalorie.dimension())
            .unwrap_or(Unit::Kilocalorie);
        let energy = |name: &[u8]| {
            number(get(name))
                .map(|v| Unit::Kilocalorie.from_canonical_value(energy_unit.to_canonical_value(v)))
        };
        Some(HealthRecord::ActivitySummary(ActivitySummary {
            date,
            active_energy: energy(b"activeEnergyBurned"),
            active_energy_goal: energy(b"activeEnergyBurnedGoal"),
            move_minutes: number(get(b"appleMoveTime")),
            move_minutes_goal: number(get(b"appleMoveTimeGoal")),
            exercise_minutes: number(get(b"appleExerciseTime")),
            exercise_minutes_goal: number(get(b"appleExerciseTimeGoal")),
            stand_hours: number(get(b"appleStandHours")),
            stand_hours_goal: number(get(b"appleStandHoursGoal")),
        }))
    }

    pub(super) fn me<R: BufRead>(&mut self, scan: &Scanner<R>) -> HealthRecord {
        let birth_date = civil_date(scan.attr(b"HKCharacteristicTypeIdentifierDateOfBirth"));
        let sex = scan
            .attr(b"HKCharacteristicTypeIdentifierBiologicalSex")
            .and_then(|raw| match &*decoded(raw) {
                b"HKBiologicalSexFemale" => Some(Sex::Female),
                b"HKBiologicalSexMale" => Some(Sex::Male),
                b"HKBiologicalSexOther" => Some(Sex::Other),
                _ => None,
            });
        HealthRecord::Me { birth_date, sex }
    }
}
