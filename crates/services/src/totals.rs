//! `GET /summaries/totals`: one figure over a day, week, month or year — a metric's total (or average)
//! from the daily rollups, or workout figures grouped by activity type.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::ToSpan;
use wearhouse_model::{ActivityType, FirstWeekday, InvalidInput, Metric, MetricKind, UserId};

use crate::rollups::epoch_day;
use crate::summaries::SummaryService;
use crate::{FieldError, ServiceError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotalsPeriod {
    Day,
    Week,
    Month,
    Year,
}

impl TotalsPeriod {
    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "day" => Some(TotalsPeriod::Day),
            "week" => Some(TotalsPeriod::Week),
            "month" => Some(TotalsPeriod::Month),
            "year" => Some(TotalsPeriod::Year),
            _ => None,
        }
    }

    /// First and last day of the period containing `date`.
    fn bounds(self, date: Date, first_weekday: FirstWeekday) -> (Date, Date) {
        let start = match self {
            TotalsPeriod::Day => date,
            TotalsPeriod::Week => {
                let back = date.weekday().since(first_weekday.weekday());
                date.checked_sub(i64::from(back).days()).unwrap_or(date)
            }
            TotalsPeriod::Month => date.first_of_month(),
            TotalsPeriod::Year => date.first_of_year(),
        };
        let next = match self {
            TotalsPeriod::Day => start.checked_add(1.day()),
            TotalsPeriod::Week => start.checked_add(1.week()),
            TotalsPeriod::Month => start.checked_add(1.month()),
            TotalsPeriod::Year => start.checked_add(1.year()),
        };
        let end = next.ok().and_then(|n| n.yesterday().ok()).unwrap_or(start);
        (start, end)
    }
}

/// What workouts can be totalled by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkoutFigure {
    Distance,
    Energy,
    Duration,
    ElevationGain,
    Count,
}

impl WorkoutFigure {
    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "distance" => Some(WorkoutFigure::Distance),
            "energy" | "active_energy" => Some(WorkoutFigure::Energy),
            "duration" => Some(WorkoutFigure::Duration),
            "elevation_gain" => Some(WorkoutFigure::ElevationGain),
            "count" | "workouts" => Some(WorkoutFigure::Count),
            _ => None,
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            WorkoutFigure::Distance | WorkoutFigure::ElevationGain => "m",
            WorkoutFigure::Energy => "kcal",
            WorkoutFigure::Duration => "s",
            WorkoutFigure::Count => "count",
        }
    }
}

/// Raw parameters; validated by [`SummaryService::totals`].
#[derive(Debug, Clone, Copy)]
pub struct TotalsRequest<'a> {
    pub metric: &'a str,
    pub period: &'a str,
    pub date: &'a str,
    pub group_by: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TotalsGroup {
    pub activity_type: ActivityType,
    pub total: f64,
    /// Workouts in the group.
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub metric: String,
    pub unit: String,
    pub start: Date,
    pub end: Date,
    /// The sum (amounts, workout figures) or the average of daily readings; `None` with no data.
    pub total: Option<f64>,
    /// Per activity type, largest first, when grouped.
    pub groups: Option<Vec<TotalsGroup>>,
}

impl SummaryService {
    pub async fn totals(
        &self,
        user: &UserId,
        first_weekday: FirstWeekday,
        request: TotalsRequest<'_>,
    ) -> Result<Totals, ServiceError> {
        let mut errors = Vec::new();
        let period = TotalsPeriod::parse(request.period);
        if period.is_none() {
            errors.push(FieldError::new(
                "period",
                InvalidInput::new("invalid_period", "period is day, week, month or year"),
            ));
        }
        let date = request
            .date
            .trim()
            .parse::<Date>()
            .map_err(|_| {
                errors.push(FieldError::new(
                    "date",
                    InvalidInput::new(
                        "invalid_date",
                        format!("'{}' is not a date (YYYY-MM-DD)", request.date),
                    ),
                ))
            })
            .ok();
        let grouped = match request.group_by {
            None => false,
            Some("activity_type") => true,
            Some(other) => {
                errors.push(FieldError::new(
                    "group_by",
                    InvalidInput::new(
                        "invalid_group_by",
                        format!("group_by is activity_type, not {other:?}"),
                    ),
                ));
                false
            }
        };
        let workout_figure = WorkoutFigure::parse(request.metric);
        let metric = request.metric.parse::<Metric>().ok();
        if grouped && workout_figure.is_none() {
            errors.push(FieldError::new(
                "metric",
                InvalidInput::new(
                    "not_groupable",
                    "grouped by activity type, metric is distance, energy, duration, elevation_gain or count",
                ),
            ));
        } else if !grouped && metric.is_none() && workout_figure.is_none() {
            errors.push(FieldError::new(
                "metric",
                InvalidInput::new("unknown_metric", format!("unknown metric '{}'", request.metric)),
            ));
        }
        let (Some(period), Some(date), true) = (period, date, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let (start, end) = period.bounds(date, first_weekday);
        // A catalogue metric ungrouped comes from the daily rollups.
        if let (false, Some(metric)) = (grouped, metric) {
            if metric.kind() == MetricKind::Category {
                return Err(ServiceError::invalid(
                    "metric",
                    InvalidInput::new(
                        "not_bucketable",
                        "sleep has its own summary; see GET /api/v1/sleep",
                    ),
                ));
            }
            self.rollups.flush(user).await?;
            let rows = self
                .store
                .rollups
                .daily(user, &[metric], epoch_day(start), epoch_day(end))
                .await?;
            let (sum, count) = rows
                .iter()
                .fold((0.0, 0i64), |(s, c), r| (s + r.total, c + r.count));
            let total = match metric.kind() {
                _ if count == 0 => None,
                MetricKind::Instantaneous => Some(sum / count as f64),
                _ => Some(sum),
            };
            return Ok(Totals {
                metric: metric.as_str().to_owned(),
                unit: metric.unit().symbol().to_owned(),
                start,
                end,
                total,
                groups: None,
            });
        }
        let figure = workout_figure.unwrap_or(WorkoutFigure::Count);
        let per_day = self.workouts_by_type(user, start, end).await?;
        let mut groups: BTreeMap<ActivityType, TotalsGroup> = BTreeMap::new();
        for (activity_type, f) in per_day {
            let g = groups.entry(activity_type).or_insert(TotalsGroup {
                activity_type,
                total: 0.0,
                count: 0,
            });
            g.count += 1;
            g.total += match figure {
                WorkoutFigure::Distance => f.distance.unwrap_or(0.0),
                WorkoutFigure::Energy => f.energy.unwrap_or(0.0),
                WorkoutFigure::Duration => f.duration() as f64,
                WorkoutFigure::ElevationGain => f.elevation_gain.unwrap_or(0.0),
                WorkoutFigure::Count => 1.0,
            };
        }
        let mut groups: Vec<TotalsGroup> = groups.into_values().collect();
        groups.sort_by(|a, b| {
            b.total
                .total_cmp(&a.total)
                .then(a.activity_type.cmp(&b.activity_type))
        });
        let total = (!groups.is_empty()).then(|| groups.iter().map(|g| g.total).sum());
        Ok(Totals {
            metric: request.metric.to_owned(),
            unit: figure.unit().to_owned(),
            start,
            end,
            total,
            groups: grouped.then_some(groups),
        })
    }
}
