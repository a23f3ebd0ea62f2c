//! Daily rollups: per user, metric and local day, figures of the merged series, maintained as samples
//! arrive so that summaries never read raw samples.

use async_trait::async_trait;
use wearhouse_model::{Metric, UserId};

use crate::{StoreError, WorkoutSpan};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyRollup {
    pub metric: Metric,
    /// Local day as days since 1970-01-01.
    pub day: i32,
    /// Sum over the day (cumulative metrics), or sum of readings (instantaneous: average = total / count).
    pub total: f64,
    pub minimum: f64,
    pub maximum: f64,
    pub count: i64,
}

/// What one recompute of a metric writes: its daily rows for days `days.0..=days.1` (local days since
/// 1970-01-01) and its hourly rows for hours `hours.0..=hours.1` (UTC hours since the epoch).
#[derive(Debug, Clone, Copy)]
pub struct SeriesRollups<'a> {
    pub metric: Metric,
    pub days: (i32, i32),
    pub daily: &'a [DailyRollup],
    pub hours: (i64, i64),
    pub hourly: &'a [HourlyRollup],
}

/// One UTC hour of a metric's merged series.
#[derive(Debug, Clone, PartialEq)]
pub struct HourlyRollup {
    pub metric: Metric,
    /// UTC hours since the epoch.
    pub hour: i64,
    pub total: f64,
    pub minimum: f64,
    pub maximum: f64,
    pub count: i64,
    /// Ids of the sources the value came from, ascending.
    pub sources: Vec<i64>,
}

/// Sleep of one local day: sessions ending that day, seconds per state.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SleepRollup {
    pub day: i32,
    pub sessions: i64,
    pub in_bed: f64,
    pub asleep: f64,
    pub awake: f64,
    /// Asleep with the stage unknown.
    pub unspecified: f64,
    pub core: f64,
    pub deep: f64,
    pub rem: f64,
}

/// The days and instants a summary covers: local days `days.0..=days.1` (days since 1970-01-01), and
/// the Unix seconds `[instants.0, instants.1)` that hold every instant of those days in any zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryRange {
    pub days: (i32, i32),
    pub instants: (i64, i64),
}

/// One metric's figures on each day of a summary's range: `days[i]` is day `range.days.0 + i`, `None`
/// where nothing was recorded. A summary by day takes the column as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyColumn {
    pub metric: Metric,
    pub days: Vec<Option<wearhouse_model::DayFigures>>,
}

impl DailyColumn {
    /// Columns of `rows` (ordered by metric, then day) over days `from..=to`.
    pub(crate) fn of_rows(rows: &[DailyRollup], (from, to): (i32, i32)) -> Vec<DailyColumn> {
        let len = usize::try_from(i64::from(to) - i64::from(from) + 1).unwrap_or(0);
        let mut columns: Vec<DailyColumn> = Vec::new();
        for r in rows {
            if !(from..=to).contains(&r.day) {
                continue;
            }
            if columns.last().is_none_or(|c| c.metric != r.metric) {
                columns.push(DailyColumn {
                    metric: r.metric,
                    days: vec![None; len],
                });
            }
            if let Some(slot) = columns
                .last_mut()
                .and_then(|c| c.days.get_mut((r.day - from) as usize))
            {
                *slot = Some(wearhouse_model::DayFigures {
                    total: r.total,
                    minimum: r.minimum,
                    maximum: r.maximum,
                    count: r.count,
                });
            }
        }
        columns
    }
}

/// What daily, weekly and monthly summaries read, from one snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryInputs {
    /// The user has days waiting for recomputation (the rollups may be behind the samples).
    pub marked: bool,
    /// Every metric with figures on any of the days, by metric: one column each.
    pub daily: Vec<DailyColumn>,
    pub sleep: Vec<SleepRollup>,
    /// Live workouts overlapping the instants (see `ActivityStore::workout_spans`).
    pub workouts: Vec<WorkoutSpan>,
    /// The user's time-zone history (see `AccountStore::zone_history`), to place workouts on days.
    pub zones: Vec<(jiff::Timestamp, wearhouse_model::TimeZoneName)>,
}

#[async_trait]
pub trait RollupStore: Send + Sync {
    /// Everything a summary of `range` reads, from one snapshot where the backend offers it.
    async fn summary_inputs(&self, user: &UserId, range: SummaryRange) -> Result<SummaryInputs, StoreError>;

    /// Replaces one recompute's rollups of a metric in one transaction: the daily rows of its days and
    /// the hourly rows of its hours (days or hours without a row end up with none).
    async fn replace_series(&self, user: &UserId, series: &SeriesRollups<'_>) -> Result<(), StoreError>;

    /// Up to `limit` users with days waiting for recomputation.
    async fn users_with_dirty_days(&self, limit: u32) -> Result<Vec<UserId>, StoreError>;

    /// Marks every day of every user's samples for recomputation, as if each had just been stored (an
    /// upgrade whose rules change the figures); returns how many marks were added. A day is marked
    /// from the day before each stored UTC day to three days after: samples start on their chunk's UTC
    /// day, local days lie within a day of it, and an interval spans at most 48 hours.
    async fn mark_every_day(&self) -> Result<u64, StoreError>;

    /// [`RollupStore::mark_every_day`] for one user's days.
    async fn mark_user_days(&self, user: &UserId) -> Result<u64, StoreError>;

    /// The user's days waiting for recomputation: `(metric, day, seq)`.
    async fn dirty_days(&self, user: &UserId) -> Result<Vec<(Metric, i32, i64)>, StoreError>;

    /// The user's data version: a counter that every change of what their summaries and series show
    /// advances in the change's own transaction (database triggers on rollup marks, activities and time
    /// zones). 0 for a user who never stored anything. Cached responses are keyed by it.
    async fn data_version(&self, user: &UserId) -> Result<i64, StoreError>;

    /// Advances the user's data version by hand, for a change no trigger sees (a full rebuild).
    async fn advance_data_version(&self, user: &UserId) -> Result<(), StoreError>;

    /// Forgets the marks of `days` (`(metric, day, seq)` as read), unless a day was marked again since.
    async fn clear_dirty(&self, user: &UserId, days: &[(Metric, i32, i64)]) -> Result<(), StoreError>;

    /// Forgets every mark of the user (after a full rebuild).
    async fn clear_all_dirty(&self, user: &UserId) -> Result<(), StoreError>;

    /// The user's rollups of `metrics` for days `from_day..=to_day`, ordered by metric (its code), then
    /// day.
    async fn daily(
        &self,
        user: &UserId,
        metrics: &[Metric],
        from_day: i32,
        to_day: i32,
    ) -> Result<Vec<DailyRollup>, StoreError>;

    /// Replaces the user's sleep rollups for days `from_day..=to_day` with `rows`, atomically.
    async fn replace_sleep(
        &self,
        user: &UserId,
        from_day: i32,
        to_day: i32,
        rows: &[SleepRollup],
    ) -> Result<(), StoreError>;

    /// The user's sleep rollups for days `from_day..=to_day`, by day.
    async fn sleep_daily(
        &self,
        user: &UserId,
        from_day: i32,
        to_day: i32,
    ) -> Result<Vec<SleepRollup>, StoreError>;

    /// Whether the user has days waiting for recomputation, and their hourly rollups of `metric` for
    /// hours `from_hour..=to_hour` by hour, from one snapshot where the backend offers it.
    async fn hourly_inputs(
        &self,
        user: &UserId,
        metric: Metric,
        from_hour: i64,
        to_hour: i64,
    ) -> Result<(bool, Vec<HourlyRollup>), StoreError>;

    /// The user's hourly rollups of `metric` for hours `from_hour..=to_hour`, by hour.
    async fn hourly(
        &self,
        user: &UserId,
        metric: Metric,
        from_hour: i64,
        to_hour: i64,
    ) -> Result<Vec<HourlyRollup>, StoreError>;
}
