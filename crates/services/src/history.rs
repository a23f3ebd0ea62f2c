//! `GET /history`: the latest entries across samples and activities, newest first.

use wearhouse_model::UserId;
use wearhouse_store::{ActivityQuery, ActivityRecord, StoredSample};

use crate::summaries::SummaryService;
use crate::ServiceError;

pub const MAX_HISTORY: u32 = 100;

#[derive(Debug, Clone, PartialEq)]
pub enum HistoryEntry {
    Sample(StoredSample),
    Activity(Box<ActivityRecord>),
}

impl HistoryEntry {
    /// When it happened (its start), Unix seconds.
    pub fn at(&self) -> i64 {
        match self {
            HistoryEntry::Sample(s) => s.start,
            HistoryEntry::Activity(a) => a.fields.start.as_second(),
        }
    }
}

impl SummaryService {
    pub async fn history(&self, user: &UserId, limit: u32) -> Result<Vec<HistoryEntry>, ServiceError> {
        let limit = limit.clamp(1, MAX_HISTORY);
        let samples = self.store.samples.latest_samples(user, limit).await?;
        let activities = self
            .store
            .activities
            .list_activities(
                user,
                &ActivityQuery {
                    limit,
                    ..Default::default()
                },
            )
            .await?;
        let mut entries: Vec<HistoryEntry> = samples
            .into_iter()
            .map(HistoryEntry::Sample)
            .chain(
                activities
                    .into_iter()
                    .map(|a| HistoryEntry::Activity(Box::new(a))),
            )
            .collect();
        // Newest first; at equal times activities before samples.
        entries.sort_by_key(|e| (std::cmp::Reverse(e.at()), matches!(e, HistoryEntry::Sample(_))));
        entries.truncate(limit as usize);
        Ok(entries)
    }
}
