//! Daily summaries, read from rollups only (never from raw samples).

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::ToSpan;
use wearhouse_analytics::{local_date, DayFigures, SleepSession};
use wearhouse_model::{ActivityFields, ActivityType, FirstWeekday, InvalidInput, Metric, UserId};
use wearhouse_store::{SleepRollup, Store};

use crate::rollups::{epoch_day, from_epoch_day, Rollups};
use crate::{FieldError, ServiceError};

/// The longest range one request may ask for.
pub const MAX_DAYS: i32 = 1000;

/// One local day: the figures of every metric with data that day, its sleep and its workouts.
#[derive(Debug, Clone, PartialEq)]
pub struct DaySummary {
    pub date: Date,
    pub figures: BTreeMap<Metric, DayFigures>,
    /// Sessions ending that day.
    pub sleep: Option<SleepRollup>,
    pub workouts: Option<WorkoutFigures>,
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

/// Figures over a week or a month: amounts summed, readings combined (count-weighted average, lowest
/// minimum, highest maximum).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodSummary {
    pub start: Date,
    /// Last day, inclusive.
    pub end: Date,
    pub figures: BTreeMap<Metric, DayFigures>,
    pub sleep: Option<SleepRollup>,
    pub workouts: Option<WorkoutFigures>,
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

fn combine(into: &mut DayFigures, day: &DayFigures) {
    into.total += day.total;
    into.minimum = into.minimum.min(day.minimum);
    into.maximum = into.maximum.max(day.maximum);
    into.count += day.count;
}

pub struct SummaryService {
    pub(crate) store: Store,
    pub(crate) rollups: Rollups,
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
    pub async fn daily(&self, user: &UserId, from: &str, to: &str) -> Result<Vec<DaySummary>, ServiceError> {
        let (from, to) = match (parse_date("from", from), parse_date("to", to)) {
            (Ok(f), Ok(t)) => (f, t),
            (f, t) => {
                return Err(ServiceError::Invalid(
                    f.err().into_iter().chain(t.err()).collect(),
                ))
            }
        };
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
        // The reader's own recent writes are folded in before reading.
        self.rollups.flush(user).await?;
        let (rows, sleep, mut workouts) = tokio::try_join!(
            async { Ok::<_, ServiceError>(self.store.rollups.daily(user, first, last).await?) },
            async { Ok(self.store.rollups.sleep_daily(user, first, last).await?) },
            self.workouts(user, from, to),
        )?;
        let mut days: BTreeMap<i32, BTreeMap<Metric, DayFigures>> =
            (first..=last).map(|d| (d, BTreeMap::new())).collect();
        for r in rows {
            if let Some(day) = days.get_mut(&r.day) {
                day.insert(
                    r.metric,
                    DayFigures {
                        total: r.total,
                        minimum: r.minimum,
                        maximum: r.maximum,
                        count: r.count,
                    },
                );
            }
        }
        let mut sleep: BTreeMap<i32, SleepRollup> = sleep.into_iter().map(|r| (r.day, r)).collect();
        Ok(days
            .into_iter()
            .map(|(d, figures)| DaySummary {
                date: from_epoch_day(d),
                figures,
                sleep: sleep.remove(&d),
                workouts: workouts.remove(&d),
            })
            .collect())
    }

    /// Every week or month overlapping `from..=to`, whole (periods are aligned to their first day).
    pub async fn periods(
        &self,
        user: &UserId,
        period: Period,
        from: &str,
        to: &str,
    ) -> Result<Vec<PeriodSummary>, ServiceError> {
        let (from, to) = match (parse_date("from", from), parse_date("to", to)) {
            (Ok(f), Ok(t)) => (f, t),
            (f, t) => {
                return Err(ServiceError::Invalid(
                    f.err().into_iter().chain(t.err()).collect(),
                ))
            }
        };
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
            let end = next.yesterday().unwrap_or(start);
            periods.push(PeriodSummary {
                start,
                end,
                figures: BTreeMap::new(),
                sleep: None,
                workouts: None,
            });
            if periods.len() > MAX_PERIODS {
                return Err(range_error());
            }
            start = next;
        }
        let (Some(first), Some(last)) = (periods.first().map(|p| p.start), periods.last().map(|p| p.end))
        else {
            return Ok(periods);
        };
        self.rollups.flush(user).await?;
        let rows = self
            .store
            .rollups
            .daily(user, epoch_day(first), epoch_day(last))
            .await?;
        let mut index = 0;
        for r in rows {
            let day = from_epoch_day(r.day);
            while index < periods.len() && periods[index].end < day {
                index += 1;
            }
            let Some(p) = periods.get_mut(index) else { break };
            let figures = DayFigures {
                total: r.total,
                minimum: r.minimum,
                maximum: r.maximum,
                count: r.count,
            };
            p.figures
                .entry(r.metric)
                .and_modify(|f| combine(f, &figures))
                .or_insert(figures);
        }
        let sleep = self
            .store
            .rollups
            .sleep_daily(user, epoch_day(first), epoch_day(last))
            .await?;
        let workouts = self.workouts(user, first, last).await?;
        for p in &mut periods {
            let (a, b) = (epoch_day(p.start), epoch_day(p.end));
            for r in sleep.iter().filter(|r| (a..=b).contains(&r.day)) {
                combine_sleep(
                    p.sleep.get_or_insert(SleepRollup {
                        day: a,
                        ..Default::default()
                    }),
                    r,
                );
            }
            for (_, w) in workouts.range(a..=b) {
                p.workouts.get_or_insert_with(WorkoutFigures::default).combine(w);
            }
        }
        Ok(periods)
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

    /// Workouts per local day (of their start) for days `first..=last`, by the same rule as
    /// `activities_on_days`, from the few columns they need rather than whole activities.
    async fn workouts(
        &self,
        user: &UserId,
        first: Date,
        last: Date,
    ) -> Result<BTreeMap<i32, WorkoutFigures>, ServiceError> {
        let (from, to) = utc_window(first, last);
        let (spans, zones) = tokio::try_join!(
            async { Ok::<_, ServiceError>(self.store.activities.workout_spans(user, from, to).await?) },
            self.rollups.zones(user),
        )?;
        let (a, b) = (epoch_day(first), epoch_day(last));
        let mut days: BTreeMap<i32, WorkoutFigures> = BTreeMap::new();
        for span in spans {
            let offset = span
                .offset_minutes
                .and_then(|m| Offset::from_seconds(i32::from(m) * 60).ok());
            let start = jiff::Timestamp::from_second(span.start).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            let day = epoch_day(local_date(start, offset, &zones));
            if !(a..=b).contains(&day) {
                continue;
            }
            let w = days.entry(day).or_default();
            w.count += 1;
            w.duration += (span.end - span.start) as f64;
            w.distance += span.distance.unwrap_or(0.0);
        }
        Ok(days)
    }

    /// Sleep sessions ending on local days `from..=to` (at most 366 days), with stage totals.
    pub async fn sleep_sessions(
        &self,
        user: &UserId,
        from: &str,
        to: &str,
    ) -> Result<Vec<SleepSession>, ServiceError> {
        let (from, to) = match (parse_date("from", from), parse_date("to", to)) {
            (Ok(f), Ok(t)) => (f, t),
            (f, t) => {
                return Err(ServiceError::Invalid(
                    f.err().into_iter().chain(t.err()).collect(),
                ))
            }
        };
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
