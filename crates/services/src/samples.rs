//! Health samples: batch ingestion with per-item validation, and listing. Valid items of a batch
//! commit together; each invalid one is reported with its index and reason; items already stored are
//! counted as duplicates, so sending a batch twice stores nothing new.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use wearhouse_model::{
    parse_observed, DeviceKind, InvalidInput, Metric, MetricKind, Provider, RawValue, SourceDescriptor, Unit,
    UserId,
};
use wearhouse_store::{NewSample, SampleCursor, SampleQuery, SourceRecord, Store, StoredSample};

use crate::rollups::Rollups;
use crate::{Clock, FieldError, ServiceError};

/// The most samples one request may carry.
pub const MAX_BATCH: usize = 50_000;
/// The longest interval a single sample may span: a day's total plus slack for time zones. Daily
/// rollups recompute a day from samples starting up to this long before it, so a longer interval could
/// be missed; multi-day totals are better sent per day anyway.
pub const MAX_INTERVAL: SignedDuration = SignedDuration::from_hours(48);
/// How far ahead of the server's clock a sample may start (clock skew, time zones done wrong).
const FUTURE_TOLERANCE: SignedDuration = SignedDuration::from_hours(24);
const MAX_EXTERNAL_ID: usize = 255;

/// A sample as received.
#[derive(Debug, Clone)]
pub struct SampleInput {
    pub metric: String,
    pub value: RawValue,
    pub unit: Option<String>,
    pub start: String,
    pub end: Option<String>,
    pub source: Option<SourceInput>,
    pub external_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SourceInput {
    pub name: String,
    pub kind: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub app: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub index: usize,
    pub code: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOutcome {
    pub accepted: u64,
    pub duplicates: u64,
    pub rejected: Vec<Rejection>,
}

/// What to list: raw parameters as received; validated by [`SampleService::list`].
#[derive(Debug, Clone, Copy)]
pub struct SampleListRequest<'a> {
    pub metric: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub source: Option<i64>,
    pub cursor: Option<&'a str>,
    pub limit: u32,
}

/// A page of samples and the cursor for the next one.
#[derive(Debug, Clone)]
pub struct SamplePage {
    pub items: Vec<StoredSample>,
    pub next_cursor: Option<String>,
}

pub struct SampleService {
    store: Store,
    clock: Arc<dyn Clock>,
    rollups: Rollups,
}

struct ValidSample {
    source: SourceDescriptor,
    sample: NewSample,
}

impl SampleService {
    pub fn new(store: Store, clock: Arc<dyn Clock>, rollups: Rollups) -> Self {
        Self {
            store,
            clock,
            rollups,
        }
    }

    #[tracing::instrument(skip(self, items), fields(user = %user, items = items.len()))]
    pub async fn ingest(
        &self,
        user: &UserId,
        items: Vec<SampleInput>,
    ) -> Result<IngestOutcome, ServiceError> {
        if items.len() > MAX_BATCH {
            return Err(ServiceError::TooLarge {
                detail: format!(
                    "at most {MAX_BATCH} samples per request; this one has {}",
                    items.len()
                ),
            });
        }
        let now = self.clock.now();
        let mut valid = Vec::with_capacity(items.len());
        let mut rejected = Vec::new();
        for (index, item) in items.into_iter().enumerate() {
            match validate(item, now) {
                Ok(v) => valid.push(v),
                Err(e) => rejected.push(Rejection {
                    index,
                    code: e.code,
                    detail: e.detail,
                }),
            }
        }
        // Few distinct sources per batch: resolve each once.
        let mut source_ids: HashMap<String, i64> = HashMap::new();
        let mut samples = Vec::with_capacity(valid.len());
        for ValidSample { source, mut sample } in valid {
            let key = source.natural_key();
            let id = match source_ids.get(&key) {
                Some(id) => *id,
                None => {
                    let id = self.store.samples.ensure_source(user, &source, now).await?;
                    source_ids.insert(key, id);
                    id
                }
            };
            sample.source_id = id;
            samples.push(sample);
        }
        let accepted = if samples.is_empty() {
            0
        } else {
            let (touched, zones) = self.rollups.touched_days(user, &samples).await?;
            let accepted = self
                .store
                .samples
                .insert_samples(user, &samples, &touched, now, None)
                .await?;
            self.rollups.recheck_zones(user, &zones, false).await?;
            self.rollups.wake_worker();
            accepted
        };
        Ok(IngestOutcome {
            accepted,
            duplicates: samples.len() as u64 - accepted,
            rejected,
        })
    }

    pub async fn sources(&self, user: &UserId) -> Result<Vec<SourceRecord>, ServiceError> {
        Ok(self.store.samples.sources(user).await?)
    }

    /// The user's sources in priority order (highest first).
    pub async fn source_priority(&self, user: &UserId) -> Result<Vec<SourceRecord>, ServiceError> {
        let mut sources = self.store.samples.sources(user).await?;
        sources.sort_by_key(|s| (s.rank(), s.id));
        Ok(sources)
    }

    /// Sets the user's source order (`order[0]` wins overlaps) and recomputes their summaries, which
    /// depend on it, in the background (summary reads wait for it). Sources left out keep their default rank, after every listed one.
    pub async fn set_source_priority(
        &self,
        user: &UserId,
        order: &[i64],
    ) -> Result<Vec<SourceRecord>, ServiceError> {
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = order.iter().find(|id| !seen.insert(**id)) {
            return Err(ServiceError::invalid(
                "order",
                InvalidInput::new("duplicate_source", format!("source {dup} is listed twice")),
            ));
        }
        self.store
            .samples
            .set_source_order(user, order)
            .await
            .map_err(|e| match e {
                wearhouse_store::StoreError::NotFound => ServiceError::invalid(
                    "order",
                    InvalidInput::new(
                        "unknown_source",
                        "every id must be one of your sources (GET /api/v1/sources)",
                    ),
                ),
                other => other.into(),
            })?;
        self.rollups.mark_all_days(user).await?;
        self.source_priority(user).await
    }

    /// Raw samples of one metric starting in `[from, to)`, ordered by start, one page at a time.
    pub async fn list(
        &self,
        user: &UserId,
        request: SampleListRequest<'_>,
    ) -> Result<SamplePage, ServiceError> {
        let SampleListRequest {
            metric,
            from,
            to,
            source,
            cursor,
            limit,
        } = request;
        let mut errors = Vec::new();
        let metric = metric
            .parse::<Metric>()
            .map_err(|e| errors.push(FieldError::new("metric", e)))
            .ok();
        let mut bound = |field: &str, raw: Option<&str>, default: i64| match raw {
            None => Some(default),
            Some(raw) => parse_observed(raw)
                .map(|t| t.instant.as_second())
                .map_err(|e| errors.push(FieldError::new(field, e)))
                .ok(),
        };
        let from = bound("from", from, i64::MIN);
        let to = bound("to", to, i64::MAX);
        let after = match cursor {
            None => Some(None),
            Some(raw) => parse_cursor(raw)
                .map(Some)
                .map_err(|e| errors.push(FieldError::new("cursor", e)))
                .ok(),
        };
        let (Some(metric), Some(from), Some(to), Some(after)) = (metric, from, to, after) else {
            return Err(ServiceError::Invalid(errors));
        };
        let limit = limit.clamp(1, 10_000);
        let query = SampleQuery {
            metric,
            from,
            to,
            source,
            after,
            limit,
        };
        let items = self.store.samples.samples(user, &query).await?;
        let next_cursor = (items.len() == limit as usize)
            .then(|| {
                items
                    .last()
                    .map(|s| format!("{}.{}.{}", s.start, s.source_id, s.end))
            })
            .flatten();
        Ok(SamplePage { items, next_cursor })
    }
}

fn parse_cursor(raw: &str) -> Result<SampleCursor, InvalidInput> {
    let invalid = || InvalidInput::new("invalid_cursor", "the cursor is not valid");
    let mut parts = raw.split('.').map(|p| p.parse::<i64>().map_err(|_| invalid()));
    let (Some(start), Some(source_id), Some(end), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    Ok(SampleCursor {
        start: start?,
        source_id: source_id?,
        end: end?,
    })
}

fn validate(item: SampleInput, now: Timestamp) -> Result<ValidSample, InvalidInput> {
    let metric: Metric = item.metric.parse()?;
    let unit = item.unit.as_deref().map(str::parse::<Unit>).transpose()?;
    let value = metric.canonical_value(&item.value, unit)?;
    let start = parse_observed(&item.start)?;
    let end = match item.end.as_deref() {
        Some(raw) => parse_observed(raw)?,
        None if metric.kind() == MetricKind::Instantaneous => start,
        None => {
            return Err(InvalidInput::new(
                "missing_end",
                format!("{metric} is measured over an interval: give an end"),
            ))
        }
    };
    if end.instant < start.instant {
        return Err(InvalidInput::new(
            "end_before_start",
            "the end is before the start",
        ));
    }
    if end.instant.duration_since(start.instant) > MAX_INTERVAL {
        return Err(InvalidInput::new(
            "interval_too_long",
            "a sample may span at most 48 hours",
        ));
    }
    if start.instant.duration_since(now) > FUTURE_TOLERANCE {
        return Err(InvalidInput::new(
            "in_future",
            "the sample starts more than a day in the future",
        ));
    }
    let external_id = item
        .external_id
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty());
    if external_id.as_ref().is_some_and(|id| id.len() > MAX_EXTERNAL_ID) {
        return Err(InvalidInput::new(
            "invalid_external_id",
            "external ids are at most 255 bytes",
        ));
    }
    let source = source_descriptor(item.source)?;
    Ok(ValidSample {
        source,
        sample: NewSample {
            source_id: 0,
            metric,
            // Whole seconds: wearables report no finer, and the second is part of the identity key.
            start: start.instant.as_second(),
            end: end.instant.as_second(),
            value,
            offset_minutes: start.offset_minutes,
            floating_end_offset: None,
            external_id,
        },
    })
}

/// The source a client described, or the API itself when it described none.
pub(crate) fn source_descriptor(input: Option<SourceInput>) -> Result<SourceDescriptor, InvalidInput> {
    match input {
        None => Ok(SourceDescriptor::api_default()),
        Some(s) => SourceDescriptor::new(
            s.provider
                .as_deref()
                .map(str::parse)
                .transpose()?
                .unwrap_or(Provider::Api),
            s.kind
                .as_deref()
                .map(str::parse)
                .transpose()?
                .unwrap_or(DeviceKind::Other),
            &s.name,
            s.model.as_deref(),
            s.app.as_deref(),
        ),
    }
}
