//! Daily summaries, read from rollups only (never from raw samples).

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::ToSpan;
use wearhouse_analytics::{local_date, DayFigures, SleepSession, ZoneHistory};
use wearhouse_model::{ActivityFields, ActivityType, FirstWeekday, InvalidInput, Metric, UserId};
use wearhouse_store::{DailyColumn, SleepRollup, Store, SummaryInputs, SummaryRange, WorkoutSpan};

use crate::rollups::{epoch_day, zone_history, Rollups};
use crate::{FieldError, ServiceError};

/// The longest range one request may ask for.
pub const MAX_DAYS: i32 = 1000;

/// Figures of consecutive periods (days, weeks or months) as columns: entry `i` of every column belongs
/// to `periods[i]`. Columns, not one map per period: a year of days is ~5,500 figures, and building
/// hundreds of small maps cost more than reading them.
#[derive(Debug, Clone, PartialEq)]
pub struct Summaries {
    /// First and last local day of each period (the same day for daily summaries).
    pub periods: Vec<(Date, Date)>,
    /// Per metric with data in any period: its figures per period.
    pub figures: BTreeMap<Metric, Vec<Option<DayFigures>>>,
    /// Sleep sessions ending in each period.
    pub sleep: Vec<Option<SleepRollup>>,
    pub workouts: Vec<Option<WorkoutFigures>>,
}

impl Summaries {
    fn new(periods: Vec<(Date, Date)>) -> Self {
        let len = periods.len();
        Summaries {
            periods,
            figures: BTreeMap::new(),
            sleep: vec![None; len],
            workouts: vec![None; len],
        }
    }

    /// Takes a metric's column of days (`days[i]` is day `first + i`) into the periods: as it is when
    /// the periods are those days (`period_of` is `None`), else folded into the period `period_of`
    /// maps each day to.
    fn add(&mut self, column: DailyColumn, first: i32, period_of: Option<&impl Fn(i32) -> usize>) {
        let len = self.periods.len();
        match period_of {
            None if column.days.len() == len => {
                self.figures.insert(column.metric, column.days);
            }
            _ => {
                let into = self
                    .figures
                    .entry(column.metric)
                    .or_insert_with(|| vec![None; len]);
                for (i, day) in column.days.iter().enumerate() {
                    let Some(day) = day else { continue };
                    // `i` indexes a column no longer than a summary's range (at most MAX_DAYS).
                    let at = first + i as i32;
                    let period = period_of.map_or((at - first) as usize, |p| p(at));
                    if let Some(slot) = into.get_mut(period) {
                        match slot {
                            Some(f) => f.combine(day),
                            None => *slot = Some(*day),
                        }
                    }
                }
            }
        }
    }
}

/// Workouts of a day or period. A workout counts, whole, for the local day it starts on.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WorkoutFigures {
    pub count: u32,
    /// Elapsed seconds.
    pub duration: f64,
    /// Metres, of the workouts that record a distance.
    pub distance: f64,
}

impl WorkoutFigures {
    fn combine(&mut self, other: &WorkoutFigures) {
        self.count += other.count;
        self.duration += other.duration;
        self.distance += other.distance;
    }
}

fn combine_sleep(into: &mut SleepRollup, day: &SleepRollup) {
    into.sessions += day.sessions;
    into.in_bed += day.in_bed;
    into.asleep += day.asleep;
    into.awake += day.awake;
    into.unspecified += day.unspecified;
    into.core += day.core;
    into.deep += day.deep;
    into.rem += day.rem;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Week(FirstWeekday),
    Month,
}

/// The most periods one request may ask for.
pub const MAX_PERIODS: usize = 520;

impl Period {
    fn start_of(self, d: Date) -> Date {
        match self {
            Period::Week(first) => {
                let back = d.weekday().since(first.weekday());
                d.checked_sub(i64::from(back).days()).unwrap_or(d)
            }
            Period::Month => d.first_of_month(),
        }
    }

    fn next(self, start: Date) -> Option<Date> {
        match self {
            Period::Week(_) => start.checked_add(7.days()).ok(),
            Period::Month => start.checked_add(1.month()).ok(),
        }
    }
}

pub struct SummaryService {
    pub(crate) store: Store,
    pub(crate) rollups: Rollups,
}

/// Calls `f` with each workout starting on local days `a..=b` and that day, by the same rule as
/// `activities_on_days`, from the few columns they need rather than whole activities.
fn each_workout_day(
    spans: &[WorkoutSpan],
    zones: &ZoneHistory,
    (a, b): (i32, i32),
    mut f: impl FnMut(i32, &WorkoutSpan),
) {
    for span in spans {
        let offset = span
            .offset_minutes
            .and_then(|m| Offset::from_seconds(i32::from(m) * 60).ok());
        let start = jiff::Timestamp::from_second(span.start).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let day = epoch_day(local_date(start, offset, zones));
        if (a..=b).contains(&day) {
            f(day, span);
        }
    }
}

/// Unix seconds bounding local days `first..=last` in any zone: local days lie within UTC−12…+14 of
/// their UTC day.
fn utc_window(first: Date, last: Date) -> (i64, i64) {
    let midnight = |d: Date| {
        d.to_zoned(TimeZone::UTC)
            .map(|z| z.timestamp().as_second())
            .unwrap_or(0)
    };
    (midnight(first) - 14 * 3600, midnight(last) + 36 * 3600)
}

/// `from` and `to` as dates, both reported when both are wrong.
fn parse_range(from: &str, to: &str) -> Result<(Date, Date), ServiceError> {
    match (parse_date("from", from), parse_date("to", to)) {
        (Ok(f), Ok(t)) => Ok((f, t)),
        (f, t) => Err(ServiceError::Invalid(
            f.err().into_iter().chain(t.err()).collect(),
        )),
    }
}

fn parse_date(field: &str, raw: &str) -> Result<Date, FieldError> {
    raw.trim().parse::<Date>().map_err(|_| {
        FieldError::new(
            field,
            InvalidInput::new("invalid_date", format!("'{raw}' is not a date (YYYY-MM-DD)")),
        )
    })
}

impl SummaryService {
    pub fn new(store: Store, rollups: Rollups) -> Self {
        Self { store, rollups }
    }

    /// Every local day from `from` to `to` inclusive, with the figures recorded on it.
    pub async fn daily(&self, user: &UserId, from: &str, to: &str) -> Result<Summaries, ServiceError> {
        let (from, to) = parse_range(from, to)?;
        let (first, last) = (epoch_day(from), epoch_day(to));
        if last < first || last - first >= MAX_DAYS {
            return Err(ServiceError::invalid(
                "to",
                InvalidInput::new(
                    "invalid_range",
                    format!("`to` must be on or after `from`, at most {MAX_DAYS} days later"),
                ),
            ));
        }
        // Each date from the one before (a day's arithmetic, not a conversion from days since 1970).
        let mut date = from;
        let days = (first..=last)
            .map(|_| {
                let today = date;
                date = date.tomorrow().unwrap_or(date);
                (today, today)
            })
            .collect();
        self.summarize(user, Summaries::new(days), None::<&fn(i32) -> usize>)
            .await
    }

    /// Every week or month overlapping `from..=to`, whole (periods are aligned to their first day).
    pub async fn periods(
        &self,
        user: &UserId,
        period: Period,
        from: &str,
        to: &str,
    ) -> Result<Summaries, ServiceError> {
        let (from, to) = parse_range(from, to)?;
        let range_error = || {
            ServiceError::invalid(
                "to",
                InvalidInput::new(
                    "invalid_range",
                    format!("`to` must be on or after `from`, at most {MAX_PERIODS} periods later"),
                ),
            )
        };
        if to < from {
            return Err(range_error());
        }
        let mut periods = Vec::new();
        let mut start = period.start_of(from);
        while start <= to {
            let Some(next) = period.next(start) else { break };
            periods.push((start, next.yesterday().unwrap_or(start)));
            if periods.len() > MAX_PERIODS {
                return Err(range_error());
            }
            start = next;
        }
        if periods.is_empty() {
            return Ok(Summaries::new(periods));
        }
        // Each period's last day, as days since 1970, to find a day's period by binary search.
        let ends: Vec<i32> = periods.iter().map(|(_, end)| epoch_day(*end)).collect();
        let period_of = move |day: i32| ends.partition_point(|end| *end < day);
        self.summarize(user, Summaries::new(periods), Some(&period_of))
            .await
    }

    /// Fills `into` with the rollups, sleep and workouts of its days; `period_of` maps a day (days since
    /// 1970, within the periods) to its period's index, `None` when each period is one day.
    async fn summarize(
        &self,
        user: &UserId,
        mut into: Summaries,
        period_of: Option<&impl Fn(i32) -> usize>,
    ) -> Result<Summaries, ServiceError> {
        let (Some(first), Some(last)) = (
            into.periods.first().map(|p| p.0),
            into.periods.last().map(|p| p.1),
        ) else {
            return Ok(into);
        };
        let range = SummaryRange {
            days: (epoch_day(first), epoch_day(last)),
            instants: utc_window(first, last),
        };
        self.rollups.settled(user).await;
        let mut inputs = self.store.rollups.summary_inputs(user, range).await?;
        if inputs.marked {
            // Days wait for recomputation (the reader's own recent writes, say): they are folded in
            // first, and the figures read again.
            self.rollups.flush(user).await?;
            inputs = self.store.rollups.summary_inputs(user, range).await?;
        }
        let SummaryInputs {
            daily: columns,
            sleep,
            workouts: spans,
            zones,
            ..
        } = inputs;
        let first_day = range.days.0;
        let period = |day: i32| period_of.map_or((day - first_day) as usize, |p| p(day));
        for column in columns {
            into.add(column, first_day, period_of);
        }
        for r in sleep {
            if let Some(slot) = into.sleep.get_mut(period(r.day)) {
                combine_sleep(
                    slot.get_or_insert(SleepRollup {
                        day: r.day,
                        ..Default::default()
                    }),
                    &r,
                );
            }
        }
        if !spans.is_empty() {
            each_workout_day(&spans, &zone_history(zones), range.days, |day, span| {
                if let Some(slot) = into.workouts.get_mut(period(day)) {
                    slot.get_or_insert_with(WorkoutFigures::default)
                        .combine(&WorkoutFigures {
                            count: 1,
                            duration: (span.end - span.start) as f64,
                            distance: span.distance.unwrap_or(0.0),
                        });
                }
            });
        }
        Ok(into)
    }

    /// Live activities starting on local days `first..=last`, with that day (days since 1970).
    pub(crate) async fn activities_on_days(
        &self,
        user: &UserId,
        first: Date,
        last: Date,
    ) -> Result<Vec<(i32, ActivityFields)>, ServiceError> {
        let (from, to) = utc_window(first, last);
        let activities = self.store.activities.activities_between(user, from, to).await?;
        let zones = self.rollups.zones(user).await?;
        let (a, b) = (epoch_day(first), epoch_day(last));
        Ok(activities
            .into_iter()
            .filter_map(|activity| {
                let f = activity.fields;
                let offset = f
                    .offset_minutes
                    .and_then(|m| Offset::from_seconds(i32::from(m) * 60).ok());
                let day = epoch_day(local_date(f.start, offset, &zones));
                (a..=b).contains(&day).then_some((day, f))
            })
            .collect())
    }

    /// Activities of days `first..=last` with their types.
    pub(crate) async fn workouts_by_type(
        &self,
        user: &UserId,
        first: Date,
        last: Date,
    ) -> Result<Vec<(ActivityType, ActivityFields)>, ServiceError> {
        Ok(self
            .activities_on_days(user, first, last)
            .await?
            .into_iter()
            .map(|(_, f)| (f.activity_type, f))
            .collect())
    }

    /// Sleep sessions ending on local days `from..=to` (at most 366 days), with stage totals.
    pub async fn sleep_sessions(
        &self,
        user: &UserId,
        from: &str,
        to: &str,
    ) -> Result<Vec<SleepSession>, ServiceError> {
        let (from, to) = parse_range(from, to)?;
        if to < from || epoch_day(to) - epoch_day(from) > 366 {
            return Err(ServiceError::invalid(
                "to",
                InvalidInput::new(
                    "invalid_range",
                    "`to` must be on or after `from`, at most 366 days later",
                ),
            ));
        }
        self.rollups.sleep_sessions(user, from, to).await
    }

    /// Recomputes all of the user's rollups from raw samples.
    pub async fn rebuild(&self, user: &UserId) -> Result<(), ServiceError> {
        self.rollups.rebuild(user).await
    }
}
