//! Keeps daily rollups in step with raw samples. After an ingest, the local days the new samples touch
//! are recomputed from the raw samples of all sources (merged by priority), so summaries only ever read
//! rollups. `rebuild` recomputes a user's whole history; a test proves both give identical rows.

use std::collections::HashMap;

use jiff::civil::{date, Date};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ToSpan};
use wearhouse_analytics::rollup::micros;
use wearhouse_analytics::{
    daily_cumulative, daily_readings, local_date, merge_intervals, merge_readings, DayFigures,
    SourcedInterval, ZoneHistory,
};
use wearhouse_model::{Metric, MetricKind, UserId};
use wearhouse_store::{DailyRollup, SampleCursor, SampleQuery, Store, StoredSample};

use crate::ServiceError;

/// Samples are read this far beyond the recomputed days, so intervals that cross into them are seen.
/// Longer intervals (rare: multi-day totals) are picked up by a rebuild.
const MARGIN_DAYS: i64 = 2;
const PAGE: u32 = 50_000;
/// Instantaneous readings are merged per minute: within a minute, the best source present wins.
const READING_SLICE_SECS: i64 = 60;

#[derive(Clone)]
pub struct Rollups {
    store: Store,
}

pub(crate) fn epoch_day(d: Date) -> i32 {
    date(1970, 1, 1).until(d).map(|s| s.get_days()).unwrap_or(0)
}

pub(crate) fn from_epoch_day(day: i32) -> Date {
    date(1970, 1, 1)
        .checked_add(Span::new().days(i64::from(day)))
        .unwrap_or(date(1970, 1, 1))
}

impl Rollups {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    pub(crate) async fn zones(&self, user: &UserId) -> Result<ZoneHistory, ServiceError> {
        let periods = self.store.accounts.zone_history(user).await?;
        Ok(ZoneHistory::new(
            periods
                .into_iter()
                .filter_map(|(from, zone)| TimeZone::get(zone.as_str()).ok().map(|tz| (from, tz)))
                .collect(),
        ))
    }

    /// Recomputes the days that samples of `metric` in `[min_start, max_end]` (Unix seconds) fall on.
    pub async fn refresh(
        &self,
        user: &UserId,
        metric: Metric,
        min_start: i64,
        max_end: i64,
    ) -> Result<(), ServiceError> {
        let zones = self.zones(user).await?;
        let at = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
        // One extra day each side covers observed offsets that differ from the profile's zone.
        let first = local_date(at(min_start), None, &zones)
            .yesterday()
            .unwrap_or(date(1970, 1, 1));
        let last = local_date(at(max_end), None, &zones)
            .tomorrow()
            .unwrap_or(date(9999, 1, 1));
        self.recompute(user, metric, &zones, first, last).await
    }

    /// Recomputes every day of every metric the user has samples for.
    pub async fn rebuild(&self, user: &UserId) -> Result<(), ServiceError> {
        let zones = self.zones(user).await?;
        for metric in Metric::ALL {
            let samples = self.fetch(user, *metric, i64::MIN, i64::MAX).await?;
            let (Some(first), Some(last)) = (
                samples.iter().map(|s| s.start).min(),
                samples.iter().map(|s| s.end).max(),
            ) else {
                continue;
            };
            let at = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
            let first = local_date(at(first), None, &zones)
                .yesterday()
                .unwrap_or(date(1970, 1, 1));
            let last = local_date(at(last), None, &zones)
                .tomorrow()
                .unwrap_or(date(9999, 1, 1));
            let rows = self.rows(user, *metric, &zones, &samples, first, last).await?;
            self.store
                .rollups
                .replace_daily(user, *metric, epoch_day(first), epoch_day(last), &rows)
                .await?;
        }
        Ok(())
    }

    async fn recompute(
        &self,
        user: &UserId,
        metric: Metric,
        zones: &ZoneHistory,
        first: Date,
        last: Date,
    ) -> Result<(), ServiceError> {
        let from = first
            .to_zoned(TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MIN)
            - (24 * (MARGIN_DAYS + 1)).hours();
        let to = last
            .to_zoned(TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX)
            + (24 * (MARGIN_DAYS + 1)).hours();
        let samples = self.fetch(user, metric, from.as_second(), to.as_second()).await?;
        let rows = self.rows(user, metric, zones, &samples, first, last).await?;
        self.store
            .rollups
            .replace_daily(user, metric, epoch_day(first), epoch_day(last), &rows)
            .await?;
        Ok(())
    }

    async fn fetch(
        &self,
        user: &UserId,
        metric: Metric,
        from: i64,
        to: i64,
    ) -> Result<Vec<StoredSample>, ServiceError> {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let query = SampleQuery {
                metric,
                from,
                to,
                source: None,
                after,
                limit: PAGE,
            };
            let page = self.store.samples.samples(user, &query).await?;
            let full = page.len() == PAGE as usize;
            after = page.last().map(|s| SampleCursor {
                start: s.start,
                source_id: s.source_id,
                end: s.end,
            });
            all.extend(page);
            if !full {
                return Ok(all);
            }
        }
    }

    /// The rollup rows for days `first..=last` from the samples given.
    async fn rows(
        &self,
        user: &UserId,
        metric: Metric,
        zones: &ZoneHistory,
        samples: &[StoredSample],
        first: Date,
        last: Date,
    ) -> Result<Vec<DailyRollup>, ServiceError> {
        let ranks: HashMap<i64, u32> = self
            .store
            .samples
            .sources(user)
            .await?
            .into_iter()
            .map(|s| (s.id, s.descriptor.kind.default_rank()))
            .collect();
        let intervals: Vec<SourcedInterval> = samples
            .iter()
            .map(|s| SourcedInterval {
                start: micros(s.start),
                end: micros(s.end),
                value: s.value,
                // Source ids are small positive integers; they fit u32.
                source: u32::try_from(s.source_id).unwrap_or(u32::MAX),
                rank: ranks.get(&s.source_id).copied().unwrap_or(u32::MAX),
                offset_minutes: s.offset_minutes,
            })
            .collect();
        let days = match metric.kind() {
            MetricKind::Cumulative => daily_cumulative(&merge_intervals(&intervals), zones),
            MetricKind::Instantaneous => {
                daily_readings(&merge_readings(&intervals, micros(READING_SLICE_SECS)), zones)
            }
            // Sleep stages get their own summary (per night, per stage); not rolled up per day here.
            MetricKind::Category => Default::default(),
        };
        Ok(days
            .into_iter()
            .filter(|(d, _)| (first..=last).contains(d))
            .map(|(d, f): (Date, DayFigures)| DailyRollup {
                metric,
                day: epoch_day(d),
                total: f.total,
                minimum: f.minimum,
                maximum: f.maximum,
                count: f.count,
            })
            .collect())
    }
}
