//! Bucketed series for `GET /samples?resolution=minute|hour|day`: the merged series (default) from the
//! hourly and daily rollups, or one source's or every source's own series computed from raw samples.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::Timestamp;
use wearhouse_analytics::rollup::micros;
use wearhouse_analytics::{
    bucket_cumulative, bucket_readings, daily_cumulative, daily_readings, local_date, merge_intervals,
    merge_readings, Bucket, DayFigures,
};
use wearhouse_model::{parse_observed, InvalidInput, Metric, MetricKind, UserId};
use wearhouse_store::SampleValue;

use crate::rollups::{epoch_day, from_epoch_day, merge_input, source_traits};
use crate::summaries::SummaryService;
use crate::{FieldError, ServiceError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    Minute,
    Hour,
    /// Local days, by the same rule as the summaries.
    Day,
}

impl Resolution {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "minute" => Some(Resolution::Minute),
            "hour" => Some(Resolution::Hour),
            "day" => Some(Resolution::Day),
            _ => None,
        }
    }

    fn seconds(self) -> i64 {
        match self {
            Resolution::Minute => 60,
            Resolution::Hour => 3600,
            Resolution::Day => 86_400,
        }
    }

    /// The widest range one request may cover, in days.
    fn max_days(self) -> i64 {
        match self {
            Resolution::Minute => 7,
            Resolution::Hour => 366,
            Resolution::Day => 1000,
        }
    }
}

/// Raw parameters; validated by [`SummaryService::series`].
#[derive(Debug, Clone, Copy)]
pub struct SeriesRequest<'a> {
    pub metric: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub resolution: Resolution,
    /// One source's own series.
    pub source: Option<i64>,
    /// `false`: every source's own series, side by side.
    pub merge: bool,
}

/// One bucket: `[start, end)` in Unix seconds, its figures and where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesBucket {
    pub start: i64,
    pub end: i64,
    /// The local date, for day buckets.
    pub date: Option<Date>,
    pub figures: DayFigures,
    /// Sources the merged value came from (empty for day buckets of the merged series).
    pub sources: Vec<i64>,
    /// The source of an unmerged bucket.
    pub source: Option<i64>,
}

/// Longest interval a sample may span (see `samples::MAX_INTERVAL`): intervals that start this long
/// before the range can still reach into it.
const INTERVAL_MARGIN_SECS: i64 = 48 * 3600;

impl SummaryService {
    pub async fn series(
        &self,
        user: &UserId,
        request: SeriesRequest<'_>,
    ) -> Result<Vec<SeriesBucket>, ServiceError> {
        let mut errors = Vec::new();
        let metric = request
            .metric
            .parse::<Metric>()
            .map_err(|e| errors.push(FieldError::new("metric", e)))
            .ok();
        let mut bound = |field: &str, raw: Option<&str>| match raw {
            Some(raw) => parse_observed(raw)
                .map(|t| t.instant.as_second())
                .map_err(|e| errors.push(FieldError::new(field, e)))
                .ok(),
            None => {
                errors.push(FieldError::new(
                    field,
                    InvalidInput::new("missing_range", "bucketed resolutions need `from` and `to`"),
                ));
                None
            }
        };
        let (from, to) = (bound("from", request.from), bound("to", request.to));
        let (Some(metric), Some(from), Some(to)) = (metric, from, to) else {
            return Err(ServiceError::Invalid(errors));
        };
        let max = request.resolution.max_days();
        if to <= from || to - from > max * 86_400 {
            return Err(ServiceError::invalid(
                "to",
                InvalidInput::new(
                    "invalid_range",
                    format!("`to` must be after `from` and at most {max} days later at this resolution"),
                ),
            ));
        }
        if metric.kind() == MetricKind::Category {
            return Err(ServiceError::invalid(
                "metric",
                InvalidInput::new(
                    "not_bucketable",
                    format!("{metric} has no buckets; see GET /api/v1/sleep"),
                ),
            ));
        }
        let merged = request.merge && request.source.is_none();
        match (merged, request.resolution) {
            (true, Resolution::Hour) => self.merged_hours(user, metric, from, to).await,
            (true, Resolution::Day) => self.merged_days(user, metric, from, to).await,
            _ => self.computed(user, metric, from, to, request).await,
        }
    }

    async fn merged_hours(
        &self,
        user: &UserId,
        metric: Metric,
        from: i64,
        to: i64,
    ) -> Result<Vec<SeriesBucket>, ServiceError> {
        let hours = (from.div_euclid(3600), (to - 1).div_euclid(3600));
        self.rollups.settled(user).await;
        let (marked, mut rows) = self
            .store
            .rollups
            .hourly_inputs(user, metric, hours.0, hours.1)
            .await?;
        if marked {
            // As for summaries: marked days are folded in first, and the hours read again.
            self.rollups.flush(user).await?;
            rows = self.store.rollups.hourly(user, metric, hours.0, hours.1).await?;
        }
        Ok(rows
            .into_iter()
            .map(|r| SeriesBucket {
                start: r.hour * 3600,
                end: (r.hour + 1) * 3600,
                date: None,
                figures: DayFigures {
                    total: r.total,
                    minimum: r.minimum,
                    maximum: r.maximum,
                    count: r.count,
                },
                sources: r.sources,
                source: None,
            })
            .collect())
    }

    async fn merged_days(
        &self,
        user: &UserId,
        metric: Metric,
        from: i64,
        to: i64,
    ) -> Result<Vec<SeriesBucket>, ServiceError> {
        self.rollups.flush(user).await?;
        let zones = self.rollups.zones(user).await?;
        let day_of = |s: i64| epoch_day(local_date(at(s), None, &zones));
        let rows = self
            .store
            .rollups
            .daily(user, &[metric], day_of(from), day_of(to - 1))
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let date = from_epoch_day(r.day);
                let (start, end) = day_bounds(date, &zones);
                SeriesBucket {
                    start,
                    end,
                    date: Some(date),
                    figures: DayFigures {
                        total: r.total,
                        minimum: r.minimum,
                        maximum: r.maximum,
                        count: r.count,
                    },
                    sources: Vec::new(),
                    source: None,
                }
            })
            .collect())
    }

    /// Buckets computed from raw samples: minute resolution, one source, or every source apart.
    async fn computed(
        &self,
        user: &UserId,
        metric: Metric,
        from: i64,
        to: i64,
        request: SeriesRequest<'_>,
    ) -> Result<Vec<SeriesBucket>, ServiceError> {
        let margin = if metric.kind() == MetricKind::Cumulative {
            INTERVAL_MARGIN_SECS
        } else {
            0
        };
        let sources = source_traits(&self.store.samples.sources(user).await?);
        // Summaries reaching into the range nest over finer data up to the margin after it.
        let after = if sources.values().any(|s| s.summary) {
            margin
        } else {
            0
        };
        let samples = self
            .store
            .samples
            .sample_values(user, metric, from - margin, to + after)
            .await?;
        let zones = self.rollups.zones(user).await?;
        // Which series to compute: the merged one (None), or each source's own.
        let mut groups: BTreeMap<Option<i64>, Vec<SampleValue>> = BTreeMap::new();
        for s in &samples {
            let key = match (request.source, request.merge) {
                (Some(only), _) if s.source_id != only => continue,
                (Some(only), _) => Some(only),
                (None, false) => Some(s.source_id),
                (None, true) => None,
            };
            groups.entry(key).or_default().push(*s);
        }
        let mut out = Vec::new();
        for (source, samples) in groups {
            let intervals = merge_input(&samples, &sources);
            let cumulative = metric.kind() == MetricKind::Cumulative;
            let pieces = if cumulative {
                merge_intervals(&intervals)
            } else {
                merge_readings(&intervals, micros(60))
            };
            if request.resolution == Resolution::Day {
                let days = if cumulative {
                    daily_cumulative(&pieces, &zones)
                } else {
                    daily_readings(&pieces, &zones)
                };
                for (date, figures) in days {
                    let (start, end) = day_bounds(date, &zones);
                    if end > from && start < to {
                        out.push(SeriesBucket {
                            start,
                            end,
                            date: Some(date),
                            figures,
                            sources: Vec::new(),
                            source,
                        });
                    }
                }
                continue;
            }
            let width = request.resolution.seconds();
            let buckets: BTreeMap<i64, Bucket> = if cumulative {
                bucket_cumulative(&pieces, micros(width))
            } else {
                bucket_readings(&pieces, micros(width))
            };
            for (start_micros, bucket) in buckets {
                let start = start_micros.div_euclid(1_000_000);
                if start + width > from && start < to {
                    out.push(SeriesBucket {
                        start,
                        end: start + width,
                        date: None,
                        figures: bucket.figures,
                        sources: bucket.sources.into_iter().map(i64::from).collect(),
                        source,
                    });
                }
            }
        }
        out.sort_by_key(|b| (b.start, b.source));
        Ok(out)
    }
}

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The instants a local date starts and ends at, in the user's zone of that day.
fn day_bounds(date: Date, zones: &wearhouse_analytics::ZoneHistory) -> (i64, i64) {
    let noon = date
        .at(12, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp());
    let zone = zones.zone_at(noon.unwrap_or(Timestamp::UNIX_EPOCH)).clone();
    let start = date.to_zoned(zone.clone()).map(|z| z.timestamp().as_second());
    let end = date
        .tomorrow()
        .and_then(|d| d.to_zoned(zone))
        .map(|z| z.timestamp().as_second());
    match (start, end) {
        (Ok(s), Ok(e)) => (s, e),
        _ => {
            let s = i64::from(epoch_day(date)) * 86_400;
            (s, s + 86_400)
        }
    }
}
