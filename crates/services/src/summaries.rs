//! Daily summaries, read from rollups only (never from raw samples).

use std::collections::BTreeMap;

use jiff::civil::Date;
use wearhouse_analytics::DayFigures;
use wearhouse_model::{InvalidInput, Metric, UserId};
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

    /// Recomputes all of the user's rollups from raw samples.
    pub async fn rebuild(&self, user: &UserId) -> Result<(), ServiceError> {
        self.rollups.rebuild(user).await
    }
}
