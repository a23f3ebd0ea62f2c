//! Reading back the raw records imports kept (types the metric catalogue does not map).

use wearhouse_model::{parse_observed, InvalidInput, UserId};
use wearhouse_store::{RawQuery, RawRecord};

use super::ImportService;
use crate::{FieldError, ServiceError};

/// A page of raw records and the cursor for the next.
#[derive(Debug, Clone)]
pub struct RawPage {
    pub items: Vec<RawRecord>,
    pub next_cursor: Option<String>,
}

impl ImportService {
    /// Every raw record type the user has, with counts.
    pub async fn raw_types(&self, user: &UserId) -> Result<Vec<(String, i64)>, ServiceError> {
        Ok(self.store.raw.raw_types(user).await?)
    }

    /// One type's raw records starting in `[from, to)`, oldest first, a page at a time.
    pub async fn raw_records(
        &self,
        user: &UserId,
        record_type: &str,
        from: Option<&str>,
        to: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<RawPage, ServiceError> {
        let mut errors = Vec::new();
        let mut bound = |field: &str, raw: Option<&str>, default: i64| match raw {
            None => Some(default),
            Some(raw) => parse_observed(raw)
                .map(|t| t.instant.as_second())
                .map_err(|e| errors.push(FieldError::new(field, e)))
                .ok(),
        };
        let (from, to) = (bound("from", from, i64::MIN), bound("to", to, i64::MAX));
        let after = match cursor {
            None => Some(None),
            Some(c) => c
                .split_once('.')
                .and_then(|(s, i)| Some((s.parse::<i64>().ok()?, i.parse::<i64>().ok()?)))
                .map(Some)
                .or_else(|| {
                    errors.push(FieldError::new(
                        "cursor",
                        InvalidInput::new("invalid_cursor", "the cursor is not valid"),
                    ));
                    None
                }),
        };
        let (Some(from), Some(to), Some(after)) = (from, to, after) else {
            return Err(ServiceError::Invalid(errors));
        };
        let limit = limit.clamp(1, 10_000);
        let query = RawQuery {
            record_type: record_type.to_owned(),
            from,
            to,
            after,
            limit,
        };
        let rows = self.store.raw.raw_records(user, &query).await?;
        let next_cursor = (rows.len() == limit as usize)
            .then(|| rows.last().map(|(id, r)| format!("{}.{id}", r.start)))
            .flatten();
        Ok(RawPage {
            items: rows.into_iter().map(|(_, r)| r).collect(),
            next_cursor,
        })
    }
}
