//! Daily summaries, read from rollups only (never from raw samples).

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::ToSpan;
use wearhouse_analytics::DayFigures;
use wearhouse_model::{FirstWeekday, InvalidInput, Metric, UserId};
use wearhouse_store::Store;

use crate::rollups::{epoch_day, from_epoch_day, Rollups};
use crate::{FieldError, ServiceError};

/// The longest range one request may ask for.
pub const MAX_DAYS: i32 = 1000;

/// One local day: the figures of every metric with data that day.
#[derive(Debug, Clone, PartialEq)]
pub struct DaySummary {
    pub date: Date,
    pub figures: BTreeMap<Metric, DayFigures>,
}

/// Figures over a week or a month: amounts summed, readings combined (count-weighted average, lowest
/// minimum, highest maximum).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodSummary {
    pub start: Date,
    /// Last day, inclusive.
    pub end: Date,
    pub figures: BTreeMap<Metric, DayFigures>,
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
    store: Store,
    rollups: Rollups,
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
        let mut days: BTreeMap<i32, BTreeMap<Metric, DayFigures>> =
            (first..=last).map(|d| (d, BTreeMap::new())).collect();
        for r in self.store.rollups.daily(user, first, last).await? {
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
        Ok(days
            .into_iter()
            .map(|(d, figures)| DaySummary {
                date: from_epoch_day(d),
                figures,
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
        Ok(periods)
    }

    /// Recomputes all of the user's rollups from raw samples.
    pub async fn rebuild(&self, user: &UserId) -> Result<(), ServiceError> {
        self.rollups.rebuild(user).await
    }
}
