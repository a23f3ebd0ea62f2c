//! Raw records: what an import read but the metric catalogue does not map, kept as text.

use async_trait::async_trait;
use wearhouse_model::UserId;

use crate::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// The platform's type name (`HKQuantityTypeIdentifierDietaryProtein`).
    pub record_type: String,
    /// Unix seconds.
    pub start: i64,
    pub end: i64,
    pub value: String,
    pub unit: String,
    pub source_name: String,
}

/// A page of one type's records, in `[from, to)` by start, after the record with id `after`.
#[derive(Debug, Clone)]
pub struct RawQuery {
    pub record_type: String,
    pub from: i64,
    pub to: i64,
    /// (start, id) of the last record of the previous page.
    pub after: Option<(i64, i64)>,
    pub limit: u32,
}

#[async_trait]
pub trait RawStore: Send + Sync {
    /// Stores records not stored yet; returns how many were new.
    async fn insert_raw(
        &self,
        user: &UserId,
        import_id: Option<&str>,
        records: &[RawRecord],
    ) -> Result<u64, StoreError>;

    /// One type's records with their ids, by start.
    async fn raw_records(&self, user: &UserId, query: &RawQuery)
        -> Result<Vec<(i64, RawRecord)>, StoreError>;

    /// Every type the user has raw records of, with counts.
    async fn raw_types(&self, user: &UserId) -> Result<Vec<(String, i64)>, StoreError>;

    /// Removes the raw records import `import_id` stored, before it runs again after its process
    /// stopped: the re-run stores them again and counts them as one uninterrupted run would (a raw
    /// record keeps no batch to tell an earlier attempt's rows from the re-run's). Returns how many went.
    async fn remove_import_raw(&self, import_id: &str) -> Result<u64, StoreError>;
}
