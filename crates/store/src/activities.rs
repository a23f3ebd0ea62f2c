//! The activities aggregate: workouts with their revisions, trash and streams.

use async_trait::async_trait;
use jiff::Timestamp;
use wearhouse_model::{ActivityFields, ActivityId, ActivityType, Streams, UserId, Visibility};

use crate::StoreError;

/// An activity to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewActivity {
    pub id: ActivityId,
    pub fields: ActivityFields,
    pub source_id: Option<i64>,
    /// The client's or file's id for it; a second activity with the same external id is not created.
    pub external_id: Option<String>,
    pub streams: Option<Streams>,
    /// The import that wrote it, so a failed import can be rolled back.
    pub import_id: Option<String>,
}

/// An activity as day summaries count it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkoutSpan {
    /// Unix seconds.
    pub start: i64,
    pub end: i64,
    /// The UTC offset observed at the start, in minutes, when the activity recorded one.
    pub offset_minutes: Option<i16>,
    /// Metres, when the activity records a distance.
    pub distance: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRecord {
    pub id: ActivityId,
    pub fields: ActivityFields,
    pub source_id: Option<i64>,
    pub external_id: Option<String>,
    /// Starts at 1 and grows by one with every change (update, delete, restore).
    pub revision: i64,
    /// Points in the stored streams (0 when there are none).
    pub stream_points: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Set while the activity is in the trash.
    pub deleted_at: Option<Timestamp>,
    /// Set when the user merged this copy into another activity (it is then hidden from lists).
    pub merged_into: Option<ActivityId>,
    /// The import that wrote it (or took it over by reading its file again).
    pub import_id: Option<String>,
}

/// A recording of an activity as a file gives it: what [`ActivityStore::replace_recording`] writes.
#[derive(Debug, Clone, Copy)]
pub struct Recording<'a> {
    pub fields: &'a ActivityFields,
    pub streams: Option<&'a Streams>,
    /// The import the activity passes to, when a re-read of its file replaces it.
    pub import_id: Option<&'a str>,
}

/// What [`ActivityStore::rekey_activity`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rekeyed {
    Rekeyed,
    /// Another activity had the key: this one went to the trash.
    Duplicate,
}

/// What a create did for one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    New(ActivityRecord),
    /// An activity with this external id already existed; it is returned unchanged.
    Existing(ActivityRecord),
}

/// Why a revision was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevisionChange {
    Create,
    Update,
    Delete,
    Restore,
    /// A newer or more complete reading of the activity's file replaced its recording.
    Import,
}

impl RevisionChange {
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionChange::Create => "create",
            RevisionChange::Update => "update",
            RevisionChange::Delete => "delete",
            RevisionChange::Restore => "restore",
            RevisionChange::Import => "import",
        }
    }

    pub(crate) fn parse(raw: &str) -> Result<Self, StoreError> {
        match raw {
            "create" => Ok(RevisionChange::Create),
            "update" => Ok(RevisionChange::Update),
            "delete" => Ok(RevisionChange::Delete),
            "restore" => Ok(RevisionChange::Restore),
            "import" => Ok(RevisionChange::Import),
            other => Err(StoreError::Corrupt(format!("revision change {other:?}"))),
        }
    }
}

/// The state of an activity after one change.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRevision {
    pub revision: i64,
    pub change: RevisionChange,
    pub deleted: bool,
    pub fields: ActivityFields,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ActivitySort {
    /// Newest first.
    #[default]
    StartDesc,
    StartAsc,
    DistanceDesc,
    DurationDesc,
}

/// Position after the last activity of a page: the sort key (start, distance in mm, or duration) and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityCursor {
    pub key: i64,
    pub id: String,
}

/// Filters of `GET /activities`; every bound is inclusive and optional.
#[derive(Debug, Clone, Default)]
pub struct ActivityQuery {
    pub types: Vec<ActivityType>,
    /// Activities starting in `[from, to)`, Unix seconds.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub min_distance: Option<f64>,
    pub max_distance: Option<f64>,
    pub min_duration: Option<i64>,
    pub max_duration: Option<i64>,
    pub min_avg_hr: Option<f64>,
    pub max_avg_hr: Option<f64>,
    /// Case-insensitive substring of the title or notes.
    pub text: Option<String>,
    pub visibility: Option<Visibility>,
    pub sort: ActivitySort,
    pub after: Option<ActivityCursor>,
    pub limit: u32,
}

/// Which activities' routes to read: live ones starting in `[from, to)` (Unix seconds) of `types`
/// (any when empty), newest first, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RouteQuery {
    pub types: Vec<ActivityType>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub limit: u32,
}

/// An activity's route for maps.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRoute {
    pub id: ActivityId,
    pub activity_type: ActivityType,
    /// Unix seconds.
    pub start: i64,
    /// An encoded polyline simplified to within [`crate::ROUTE_TOLERANCE_M`]; empty when the activity
    /// recorded no positions.
    pub polyline: String,
}

#[async_trait]
pub trait ActivityStore: Send + Sync {
    /// Creates the activities atomically (all or none), each with revision 1. Items whose external id
    /// the user already has (or that repeat one earlier in `items`) come back as [`Created::Existing`].
    async fn create_activities(
        &self,
        user: &UserId,
        items: &[NewActivity],
        now: Timestamp,
    ) -> Result<Vec<Created>, StoreError>;

    /// One activity of the user; a trashed one only when `include_deleted`.
    async fn activity(
        &self,
        user: &UserId,
        id: &ActivityId,
        include_deleted: bool,
    ) -> Result<ActivityRecord, StoreError>;

    /// Replaces the editable fields of a live activity if its revision is still `expected_revision`,
    /// writing a revision. [`StoreError::Conflict`] when someone changed it meanwhile.
    async fn update_activity(
        &self,
        user: &UserId,
        id: &ActivityId,
        expected_revision: i64,
        fields: &ActivityFields,
        now: Timestamp,
    ) -> Result<ActivityRecord, StoreError>;

    /// Replaces a live activity's recording — its fields, and its streams when the recording has any —
    /// with a more complete or newer reading of the same recording, writing an `import` revision, if its
    /// revision is still `expected_revision`. With `import_id`, the activity passes to that import (a
    /// re-read of the file that wrote it). [`StoreError::Conflict`] when someone changed it meanwhile.
    async fn replace_recording(
        &self,
        user: &UserId,
        id: &ActivityId,
        expected_revision: i64,
        recording: &Recording<'_>,
        now: Timestamp,
    ) -> Result<ActivityRecord, StoreError>;

    /// Every activity an import wrote, of every user (trashed ones too), whose external id matches one
    /// of the SQL `LIKE` patterns, oldest first: the candidates of an upgrade that changes how imported
    /// activities are keyed. Activities clients created through the API keep their ids.
    async fn activities_keyed_like(
        &self,
        patterns: &[&str],
    ) -> Result<Vec<(UserId, ActivityRecord)>, StoreError>;

    /// Gives an activity a new external id. When another activity of the user already has it, this one
    /// is a duplicate of that one: it loses its external id and, if it was live, goes to the trash (with
    /// a revision), and `Rekeyed::Duplicate` says so.
    async fn rekey_activity(
        &self,
        user: &UserId,
        id: &ActivityId,
        external_id: &str,
        now: Timestamp,
    ) -> Result<Rekeyed, StoreError>;

    /// Passes an activity to another import (a re-read of its file that kept the stored recording).
    async fn adopt_activity(&self, user: &UserId, id: &ActivityId, import_id: &str)
        -> Result<(), StoreError>;

    /// Moves a live activity to the trash, writing a revision.
    async fn delete_activity(
        &self,
        user: &UserId,
        id: &ActivityId,
        now: Timestamp,
    ) -> Result<ActivityRecord, StoreError>;

    /// Sets the activity (live or trashed) to the fields of `revision` and takes it out of the trash,
    /// writing a new revision.
    async fn restore_activity(
        &self,
        user: &UserId,
        id: &ActivityId,
        revision: i64,
        now: Timestamp,
    ) -> Result<ActivityRecord, StoreError>;

    /// Every revision of the activity, oldest first.
    async fn revisions(&self, user: &UserId, id: &ActivityId) -> Result<Vec<ActivityRevision>, StoreError>;

    /// Live activities matching `query`, in its order.
    async fn list_activities(
        &self,
        user: &UserId,
        query: &ActivityQuery,
    ) -> Result<Vec<ActivityRecord>, StoreError>;

    /// Live activities overlapping `[from, to)` (Unix seconds), by start: what day summaries need.
    async fn activities_between(
        &self,
        user: &UserId,
        from: i64,
        to: i64,
    ) -> Result<Vec<ActivityRecord>, StoreError>;

    /// What day summaries need of the live activities overlapping `[from, to)` (Unix seconds), by
    /// start: when each started and ended, its observed offset and its distance. The same activities
    /// as `activities_between`, without reading whole documents.
    async fn workout_spans(&self, user: &UserId, from: i64, to: i64) -> Result<Vec<WorkoutSpan>, StoreError>;

    /// Trashed activities, most recently deleted first.
    async fn trash(&self, user: &UserId) -> Result<Vec<ActivityRecord>, StoreError>;

    /// Permanently removes activities trashed before `deleted_before`; returns how many.
    async fn purge_trash(&self, deleted_before: Timestamp) -> Result<u64, StoreError>;

    /// Hides `other` as a copy of `keep` (both live); `keep` takes `other`'s streams if it has none.
    async fn merge_activity(
        &self,
        user: &UserId,
        keep: &ActivityId,
        other: &ActivityId,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    /// Records that two activities are not the same workout, whatever their times say.
    async fn mark_distinct(&self, user: &UserId, a: &ActivityId, b: &ActivityId) -> Result<(), StoreError>;

    /// Pairs marked distinct, each as (lower id, higher id).
    async fn distinct_pairs(&self, user: &UserId) -> Result<Vec<(String, String)>, StoreError>;

    /// The activity's streams, if it has any.
    async fn streams(&self, user: &UserId, id: &ActivityId) -> Result<Option<Streams>, StoreError>;

    /// The routes of the live activities with streams that `query` matches, newest first.
    async fn routes(&self, user: &UserId, query: &RouteQuery) -> Result<Vec<StoredRoute>, StoreError>;
}
