//! The samples aggregate: a user's sources and the health samples recorded by them.

use async_trait::async_trait;
use jiff::Timestamp;
use wearhouse_model::{Metric, SourceDescriptor, UserId};

use crate::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub struct SourceRecord {
    pub id: i64,
    pub descriptor: SourceDescriptor,
    /// Position in the user's explicit order, if they set one.
    pub priority: Option<i64>,
    pub created_at: Timestamp,
}

impl SourceRecord {
    /// Where this source stands when sources overlap: lower wins. An explicit order comes before every
    /// default, and defaults follow the device kind (wearables, instruments, phones, apps, manual).
    pub fn rank(&self) -> u32 {
        match self.priority {
            Some(p) => u32::try_from(p).unwrap_or(u32::MAX / 2).min(999),
            None => 1_000 + self.descriptor.kind.default_rank(),
        }
    }
}

/// A validated sample ready to store: canonical value, whole-second UTC times.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSample {
    /// One of the inserting user's sources (from [`SampleStore::ensure_source`]).
    pub source_id: i64,
    pub metric: Metric,
    /// Unix seconds; `end == start` for an instant.
    pub start: i64,
    pub end: i64,
    pub value: f64,
    /// Offset from UTC observed when measured, in minutes, when known.
    pub offset_minutes: Option<i16>,
    /// Set for a floating sample, read from wall-clock times only: the UTC offset at its end, as the
    /// zone history that derived `start` (at `offset_minutes`, which must be set) and `end` gave it.
    /// Its instants follow later changes of the history (see `AccountStore::replace_zone_history`).
    pub floating_end_offset: Option<i16>,
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredSample {
    pub source_id: i64,
    pub metric: Metric,
    pub start: i64,
    pub end: i64,
    pub value: f64,
    pub offset_minutes: Option<i16>,
    /// Set for a floating sample (see `NewSample::floating_end_offset`): the offset at its end.
    pub floating_end_offset: Option<i16>,
    pub external_id: Option<String>,
    pub ingested_at: Timestamp,
}

/// The fields of a sample that rollups need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleValue {
    pub source_id: i64,
    pub start: i64,
    pub end: i64,
    pub value: f64,
    pub offset_minutes: Option<i16>,
}

/// Position after the last sample of a page, in the listing's order (start, source, end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleCursor {
    pub start: i64,
    pub source_id: i64,
    pub end: i64,
}

#[derive(Debug, Clone)]
pub struct SampleQuery {
    pub metric: Metric,
    /// Samples starting in `[from, to)`, Unix seconds.
    pub from: i64,
    pub to: i64,
    pub source: Option<i64>,
    pub after: Option<SampleCursor>,
    pub limit: u32,
}

#[async_trait]
pub trait SampleStore: Send + Sync {
    /// The id of the user's source with this description, created if new.
    async fn ensure_source(
        &self,
        user: &UserId,
        source: &SourceDescriptor,
        now: Timestamp,
    ) -> Result<i64, StoreError>;

    /// The user's sources, oldest first.
    async fn sources(&self, user: &UserId) -> Result<Vec<SourceRecord>, StoreError>;

    /// Sets the user's explicit source order: `order[0]` first. Sources not listed go back to their
    /// default rank. Fails with `NotFound` if an id is not one of the user's sources.
    async fn set_source_order(&self, user: &UserId, order: &[i64]) -> Result<(), StoreError>;

    /// Stores the samples in one transaction, skipping any that already exist (same source, metric,
    /// start and end, or same source, metric and external id), and in the same transaction marks
    /// `touched` (metric, local day) pairs for rollup recomputation. Returns how many samples were new.
    /// For an import claimed again after its process stopped, samples its earlier attempt stored count
    /// as new once (they are its own: stored by this import, not before it), and a second copy of one
    /// in the same file is a duplicate, as in an uninterrupted run. Every `source_id` must belong to
    /// `user`.
    async fn insert_samples(
        &self,
        user: &UserId,
        samples: &[NewSample],
        touched: &[(Metric, i32)],
        now: Timestamp,
        import_id: Option<&str>,
    ) -> Result<u64, StoreError>;

    /// Every sample of one metric starting in `[from, to)` (Unix seconds), in no particular order: the
    /// input of rollup computations, which sort as they merge.
    async fn sample_values(
        &self,
        user: &UserId,
        metric: Metric,
        from: i64,
        to: i64,
    ) -> Result<Vec<SampleValue>, StoreError>;

    /// The user's samples of one metric, ordered by (start, source, end), one page at a time.
    async fn samples(&self, user: &UserId, query: &SampleQuery) -> Result<Vec<StoredSample>, StoreError>;

    /// The user's most recent samples (by start) across every metric and source, newest first.
    async fn latest_samples(&self, user: &UserId, limit: u32) -> Result<Vec<StoredSample>, StoreError>;
}
