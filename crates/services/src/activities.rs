//! Activities (workouts): create one or a batch, read, edit as a JSON merge patch, soft-delete into the
//! trash, restore any revision, list with filters, and read streams.
//!
//! Edits keep every prior state as a revision. A PATCH is applied to the activity's editable JSON view
//! (RFC 7396 merge patch: absent keys stay, `null` clears) and the result is validated exactly like a
//! new activity, so there is one set of rules for both.

use std::sync::Arc;

use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use wearhouse_model::{
    parse_observed, ActivityFields, ActivityId, ActivityType, InvalidInput, Lap, StreamKey, StreamResolution,
    Streams, StrengthSet, TimeZoneName, UserId,
};
use wearhouse_store::{
    ActivityCursor, ActivityQuery, ActivityRecord, ActivityRevision, ActivitySort, Created, NewActivity,
    Store, StoreError,
};

use crate::samples::{source_descriptor, Rejection};
use crate::{Clock, FieldError, ServiceError, SourceInput};

/// The most activities one batch request may carry.
pub const MAX_BATCH: usize = 1_000;
/// How long a deleted activity stays restorable in the trash.
pub const TRASH_RETENTION: SignedDuration = SignedDuration::from_hours(30 * 24);
/// Two recordings of one workout start within this many seconds of each other.
const DUPLICATE_START_WINDOW_SECS: i64 = 60;
/// Activities scanned for duplicates (a decade of daily workouts, and more).
const MAX_SCANNED: u32 = 100_000;
/// How far ahead of the server's clock an activity may start.
const FUTURE_TOLERANCE: SignedDuration = SignedDuration::from_hours(24);
const MAX_EXTERNAL_ID: usize = 255;

/// The editable fields of an activity as the API names them: the body of a POST, and the document a
/// PATCH merges into. Also what GET returns for these fields, so a client can send back what it read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// An activity type of the catalogue (`running`, `trail_running`, `cycling`, `strength_training` …).
    #[serde(rename = "type")]
    #[schema(value_type = ActivityType)]
    pub activity_type: String,
    /// RFC 3339; a numeric offset is kept as the offset observed at the start.
    pub start: String,
    /// RFC 3339; or give `duration` instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Elapsed seconds, when `end` is not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moving_time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_heart_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_heart_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elevation_gain: Option<f64>,
    /// low, moderate or high.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<wearhouse_model::Intensity>)]
    pub intensity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpe: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// A note for the owner alone: never shown to anyone else, whatever the visibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 10000)]
    pub private_notes: Option<String>,
    /// The shoes, bike or other equipment used ("Pegasus 40"), by the name the athlete gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub gear: Option<String>,
    /// A ride or run to work or school; false when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commute: Option<bool>,
    /// private (the default), followers or public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<wearhouse_model::Visibility>)]
    pub visibility: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub laps: Vec<Lap>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<StrengthSet>,
}

/// A new activity: its fields plus what only creation sets.
#[derive(Debug, Clone, Default)]
pub struct NewActivityInput {
    pub fields: ActivityInput,
    pub source: Option<SourceInput>,
    pub external_id: Option<String>,
    pub streams: Option<Streams>,
}

/// What a batch did: created (or already present by external id) per accepted item, rejections by index.
#[derive(Debug, Clone)]
pub struct BatchOutcome {
    pub created: Vec<ActivityRecord>,
    pub existing: Vec<ActivityRecord>,
    pub rejected: Vec<Rejection>,
}

/// Raw list parameters as received; validated by [`ActivityService::list`].
#[derive(Debug, Clone, Default)]
pub struct ActivityListRequest {
    pub types: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub min_distance: Option<f64>,
    pub max_distance: Option<f64>,
    pub min_duration: Option<i64>,
    pub max_duration: Option<i64>,
    pub min_avg_hr: Option<f64>,
    pub max_avg_hr: Option<f64>,
    pub q: Option<String>,
    pub visibility: Option<String>,
    pub sort: Option<String>,
    pub cursor: Option<String>,
    pub limit: u32,
}

#[derive(Debug, Clone)]
pub struct ActivityPage {
    pub items: Vec<ActivityRecord>,
    pub next_cursor: Option<String>,
}

pub struct ActivityService {
    pub(crate) store: Store,
    clock: Arc<dyn Clock>,
}

impl ActivityService {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// Creates one activity. Returns it and whether it is new (false: its external id already existed).
    pub async fn create(
        &self,
        user: &UserId,
        input: NewActivityInput,
    ) -> Result<(ActivityRecord, bool), ServiceError> {
        let now = self.clock.now();
        let item = self
            .prepare(user, input, now)
            .await
            .map_err(ServiceError::Invalid)?;
        let mut out = self
            .store
            .activities
            .create_activities(user, &[item], now)
            .await?;
        match out.pop() {
            Some(Created::New(r)) => Ok((r, true)),
            Some(Created::Existing(r)) => Ok((r, false)),
            None => Err(ServiceError::Internal("create returned nothing".into())),
        }
    }

    /// Creates up to [`MAX_BATCH`] activities: invalid items are reported by index, the valid ones
    /// commit together.
    pub async fn create_batch(
        &self,
        user: &UserId,
        inputs: Vec<NewActivityInput>,
    ) -> Result<BatchOutcome, ServiceError> {
        if inputs.len() > MAX_BATCH {
            return Err(ServiceError::TooLarge {
                detail: format!(
                    "at most {MAX_BATCH} activities per batch; this one has {}",
                    inputs.len()
                ),
            });
        }
        let now = self.clock.now();
        let mut items = Vec::with_capacity(inputs.len());
        let mut rejected = Vec::new();
        for (index, input) in inputs.into_iter().enumerate() {
            match self.prepare(user, input, now).await {
                Ok(item) => items.push(item),
                Err(errors) => rejected.extend(errors.into_iter().map(|e| Rejection {
                    index,
                    code: e.code,
                    detail: format!("{}: {}", e.field, e.detail),
                })),
            }
        }
        let mut outcome = BatchOutcome {
            created: Vec::new(),
            existing: Vec::new(),
            rejected,
        };
        if items.is_empty() {
            return Ok(outcome);
        }
        for created in self.store.activities.create_activities(user, &items, now).await? {
            match created {
                Created::New(r) => outcome.created.push(r),
                Created::Existing(r) => outcome.existing.push(r),
            }
        }
        Ok(outcome)
    }

    pub async fn get(&self, user: &UserId, id: &str) -> Result<ActivityRecord, ServiceError> {
        let id = parse_id(id)?;
        self.store
            .activities
            .activity(user, &id, false)
            .await
            .map_err(not_found)
    }

    /// Applies a JSON merge patch to the activity's editable fields. Retries when another edit lands
    /// between reading and writing, so concurrent patches of different fields both survive.
    pub async fn patch(
        &self,
        user: &UserId,
        id: &str,
        patch: serde_json::Map<String, serde_json::Value>,
    ) -> Result<ActivityRecord, ServiceError> {
        let id = parse_id(id)?;
        for _ in 0..5 {
            let current = self
                .store
                .activities
                .activity(user, &id, false)
                .await
                .map_err(not_found)?;
            let mut document = serde_json::to_value(editable_view(&current.fields))
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            // `end` and `duration` say the same thing: the one the patch names wins.
            if let serde_json::Value::Object(map) = &mut document {
                if patch.contains_key("duration") && !patch.contains_key("end") {
                    map.remove("end");
                } else {
                    map.remove("duration");
                }
            }
            merge_patch(&mut document, serde_json::Value::Object(patch.clone()));
            let input: ActivityInput = serde_json::from_value(document).map_err(|e| {
                ServiceError::invalid("body", InvalidInput::new("invalid_patch", e.to_string()))
            })?;
            let fields = validate_fields(&input, self.clock.now()).map_err(ServiceError::Invalid)?;
            if fields == current.fields {
                return Ok(current);
            }
            let now = self.clock.now();
            match self
                .store
                .activities
                .update_activity(user, &id, current.revision, &fields, now)
                .await
            {
                Err(StoreError::Conflict { .. }) => continue,
                other => return other.map_err(not_found),
            }
        }
        Err(ServiceError::conflict(
            "edit_conflict",
            "the activity kept changing while this edit was applied; try again",
        ))
    }

    /// Moves the activity to the trash (restorable for 30 days).
    pub async fn delete(&self, user: &UserId, id: &str) -> Result<ActivityRecord, ServiceError> {
        let id = parse_id(id)?;
        let now = self.clock.now();
        self.store
            .activities
            .delete_activity(user, &id, now)
            .await
            .map_err(not_found)
    }

    /// Sets the activity to an earlier revision (the latest when none is named) and takes it out of the
    /// trash.
    pub async fn restore(
        &self,
        user: &UserId,
        id: &str,
        revision: Option<i64>,
    ) -> Result<ActivityRecord, ServiceError> {
        let id = parse_id(id)?;
        let current = self
            .store
            .activities
            .activity(user, &id, true)
            .await
            .map_err(not_found)?;
        let revision = revision.unwrap_or(current.revision);
        let now = self.clock.now();
        for _ in 0..5 {
            match self
                .store
                .activities
                .restore_activity(user, &id, revision, now)
                .await
            {
                Err(StoreError::Conflict { .. }) => continue,
                Err(StoreError::NotFound) => {
                    return Err(ServiceError::not_found(
                        "revision_not_found",
                        format!("activity {id} has no revision {revision}"),
                    ))
                }
                other => return other.map_err(ServiceError::from),
            }
        }
        Err(ServiceError::conflict(
            "edit_conflict",
            "the activity kept changing; try again",
        ))
    }

    pub async fn revisions(&self, user: &UserId, id: &str) -> Result<Vec<ActivityRevision>, ServiceError> {
        let id = parse_id(id)?;
        self.store
            .activities
            .revisions(user, &id)
            .await
            .map_err(not_found)
    }

    /// Trashed activities still restorable, most recently deleted first.
    pub async fn trash(&self, user: &UserId) -> Result<Vec<ActivityRecord>, ServiceError> {
        let cutoff = self.clock.now() - TRASH_RETENTION;
        let mut items = self.store.activities.trash(user).await?;
        items.retain(|r| r.deleted_at.is_some_and(|d| d >= cutoff));
        Ok(items)
    }

    /// Removes activities trashed longer than the retention, and idempotency keys older than a day.
    pub async fn purge(&self) -> Result<u64, ServiceError> {
        let now = self.clock.now();
        self.store
            .idempotency
            .expire_keys(now - SignedDuration::from_hours(24))
            .await?;
        Ok(self.store.activities.purge_trash(now - TRASH_RETENTION).await?)
    }

    /// The activity's streams, limited to `keys` (all when empty) and thinned to `resolution`.
    pub async fn streams(
        &self,
        user: &UserId,
        id: &str,
        keys: Option<&str>,
        resolution: Option<&str>,
    ) -> Result<Streams, ServiceError> {
        let mut errors = Vec::new();
        let keys: Vec<StreamKey> = keys
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty() && *k != "time")
            .filter_map(|k| {
                k.parse()
                    .map_err(|e| errors.push(FieldError::new("keys", e)))
                    .ok()
            })
            .collect();
        let resolution = match resolution {
            None => StreamResolution::High,
            Some("low") => StreamResolution::Low,
            Some("medium") => StreamResolution::Medium,
            Some("high") => StreamResolution::High,
            Some(other) => {
                errors.push(FieldError::new(
                    "resolution",
                    InvalidInput::new(
                        "invalid_resolution",
                        format!("resolution is low, medium or high, not {other:?}"),
                    ),
                ));
                StreamResolution::High
            }
        };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let id = parse_id(id)?;
        let streams = self
            .store
            .activities
            .streams(user, &id)
            .await
            .map_err(not_found)?;
        let Some(mut streams) = streams else {
            return Err(ServiceError::not_found(
                "no_streams",
                format!("activity {id} has no streams"),
            ));
        };
        if !keys.is_empty() {
            streams = streams.select(&keys);
        }
        Ok(streams.downsample(resolution.max_points()))
    }

    pub async fn list(
        &self,
        user: &UserId,
        request: ActivityListRequest,
    ) -> Result<ActivityPage, ServiceError> {
        let mut errors = Vec::new();
        let types = request
            .types
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .filter_map(|t| {
                t.parse::<ActivityType>()
                    .map_err(|e| errors.push(FieldError::new("type", e)))
                    .ok()
            })
            .collect();
        let mut bound = |field: &str, raw: &Option<String>| {
            raw.as_deref().and_then(|raw| {
                parse_observed(raw)
                    .map(|t| t.instant.as_second())
                    .map_err(|e| errors.push(FieldError::new(field, e)))
                    .ok()
            })
        };
        let from = bound("from", &request.from);
        let to = bound("to", &request.to);
        let visibility = request.visibility.as_deref().and_then(|v| {
            v.parse()
                .map_err(|e| errors.push(FieldError::new("visibility", e)))
                .ok()
        });
        let sort = match request.sort.as_deref() {
            None | Some("-start") => ActivitySort::StartDesc,
            Some("start") => ActivitySort::StartAsc,
            Some("-distance") => ActivitySort::DistanceDesc,
            Some("-duration") => ActivitySort::DurationDesc,
            Some(other) => {
                errors.push(FieldError::new(
                    "sort",
                    InvalidInput::new(
                        "invalid_sort",
                        format!("sort is -start, start, -distance or -duration, not {other:?}"),
                    ),
                ));
                ActivitySort::StartDesc
            }
        };
        let after = request.cursor.as_deref().and_then(|raw| {
            parse_cursor(raw)
                .map_err(|e| errors.push(FieldError::new("cursor", e)))
                .ok()
        });
        for (field, value) in [
            ("min_distance", request.min_distance),
            ("max_distance", request.max_distance),
            ("min_avg_hr", request.min_avg_hr),
            ("max_avg_hr", request.max_avg_hr),
        ] {
            if value.is_some_and(|v| !v.is_finite()) {
                errors.push(FieldError::new(
                    field,
                    InvalidInput::new("invalid_number", format!("{field} must be a finite number")),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let limit = request.limit.clamp(1, 500);
        let query = ActivityQuery {
            types,
            from,
            to,
            min_distance: request.min_distance,
            max_distance: request.max_distance,
            min_duration: request.min_duration,
            max_duration: request.max_duration,
            min_avg_hr: request.min_avg_hr,
            max_avg_hr: request.max_avg_hr,
            text: request.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()),
            visibility,
            sort,
            after,
            limit,
        };
        let items = self.store.activities.list_activities(user, &query).await?;
        let next_cursor = (items.len() == limit as usize)
            .then(|| {
                items
                    .last()
                    .map(|r| format!("{}.{}", sort_key(sort, &r.fields), r.id))
            })
            .flatten();
        Ok(ActivityPage { items, next_cursor })
    }

    /// Pairs of live activities that look like the same workout recorded twice (say by a watch and by
    /// a phone app): activity types of the same family, starts within a minute, overlapping times. Pairs
    /// the user marked distinct are left out.
    pub async fn duplicates(
        &self,
        user: &UserId,
    ) -> Result<Vec<(ActivityRecord, ActivityRecord)>, ServiceError> {
        let query = ActivityQuery {
            sort: ActivitySort::StartAsc,
            limit: MAX_SCANNED,
            ..Default::default()
        };
        let all = self.store.activities.list_activities(user, &query).await?;
        let distinct: std::collections::HashSet<(String, String)> = self
            .store
            .activities
            .distinct_pairs(user)
            .await?
            .into_iter()
            .collect();
        let mut pairs = Vec::new();
        for (i, a) in all.iter().enumerate() {
            for b in all[i + 1..].iter() {
                let gap = b.fields.start.as_second() - a.fields.start.as_second();
                if gap > DUPLICATE_START_WINDOW_SECS {
                    break; // sorted by start: no later one can be close enough
                }
                let same_family = a.fields.activity_type.family() == b.fields.activity_type.family();
                let overlap = a.fields.start < b.fields.end && b.fields.start < a.fields.end;
                let key = if a.id.as_str() <= b.id.as_str() {
                    (a.id.to_string(), b.id.to_string())
                } else {
                    (b.id.to_string(), a.id.to_string())
                };
                if same_family && overlap && !distinct.contains(&key) {
                    pairs.push((a.clone(), b.clone()));
                }
            }
        }
        Ok(pairs)
    }

    /// Merges `other` into `id` (hidden from lists and summaries, counted once), or with `keep_both`
    /// records that they are two workouts. The kept activity fills fields it lacks from the other and
    /// takes its streams if it has none; its own (device-recorded) values are never overwritten.
    pub async fn merge(
        &self,
        user: &UserId,
        id: &str,
        other: &str,
        keep_both: bool,
    ) -> Result<ActivityRecord, ServiceError> {
        let (keep, other) = (parse_id(id)?, parse_id(other)?);
        if keep == other {
            return Err(ServiceError::invalid(
                "other",
                InvalidInput::new("same_activity", "an activity cannot be merged with itself"),
            ));
        }
        let copy = self
            .store
            .activities
            .activity(user, &other, false)
            .await
            .map_err(not_found)?;
        if keep_both {
            self.store
                .activities
                .activity(user, &keep, false)
                .await
                .map_err(not_found)?;
            self.store.activities.mark_distinct(user, &keep, &other).await?;
            return self
                .store
                .activities
                .activity(user, &keep, false)
                .await
                .map_err(not_found);
        }
        let now = self.clock.now();
        self.store
            .activities
            .merge_activity(user, &keep, &other, now)
            .await
            .map_err(not_found)?;
        for _ in 0..5 {
            let current = self
                .store
                .activities
                .activity(user, &keep, false)
                .await
                .map_err(not_found)?;
            let mut fields = current.fields.clone();
            let c = &copy.fields;
            fields.distance = fields.distance.or(c.distance);
            fields.energy = fields.energy.or(c.energy);
            fields.avg_heart_rate = fields.avg_heart_rate.or(c.avg_heart_rate);
            fields.max_heart_rate = fields.max_heart_rate.or(c.max_heart_rate);
            fields.elevation_gain = fields.elevation_gain.or(c.elevation_gain);
            fields.moving_time = fields.moving_time.or(c.moving_time);
            fields.title = fields.title.or_else(|| c.title.clone());
            fields.notes = fields.notes.or_else(|| c.notes.clone());
            fields.private_notes = fields.private_notes.or_else(|| c.private_notes.clone());
            fields.gear = fields.gear.or_else(|| c.gear.clone());
            fields.commute |= c.commute;
            fields.rpe = fields.rpe.or(c.rpe);
            if fields.laps.is_empty() {
                fields.laps = c.laps.clone();
            }
            if fields == current.fields || fields.validate().is_err() {
                return Ok(current);
            }
            match self
                .store
                .activities
                .update_activity(user, &keep, current.revision, &fields, now)
                .await
            {
                Err(StoreError::Conflict { .. }) => continue,
                other => return other.map_err(not_found),
            }
        }
        Err(ServiceError::conflict(
            "edit_conflict",
            "the activity kept changing; try again",
        ))
    }

    /// Validates an item and resolves its source; every problem found is returned.
    async fn prepare(
        &self,
        user: &UserId,
        input: NewActivityInput,
        now: Timestamp,
    ) -> Result<NewActivity, Vec<FieldError>> {
        let mut errors = Vec::new();
        let fields = validate_fields(&input.fields, now)
            .map_err(|e| errors.extend(e))
            .ok();
        let source = source_descriptor(input.source)
            .map_err(|e| errors.push(FieldError::new("source", e)))
            .ok();
        let external_id = input
            .external_id
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty());
        if external_id.as_ref().is_some_and(|id| id.len() > MAX_EXTERNAL_ID) {
            errors.push(FieldError::new(
                "external_id",
                InvalidInput::new("invalid_external_id", "external ids are at most 255 bytes"),
            ));
        }
        if let Some(streams) = &input.streams {
            if let Err(e) = streams.validate() {
                errors.push(FieldError::new("streams", e));
            } else if let (Some(f), Some(last)) = (&fields, streams.time.last()) {
                if *last > f.duration() as f64 + 1.0 {
                    errors.push(FieldError::new(
                        "streams",
                        InvalidInput::new("invalid_streams", "stream times run past the activity's end"),
                    ));
                }
            }
        }
        let (Some(fields), Some(source), true) = (fields, source, errors.is_empty()) else {
            return Err(errors);
        };
        let source_id = self
            .store
            .samples
            .ensure_source(user, &source, now)
            .await
            .map_err(|e| {
                vec![FieldError::new(
                    "source",
                    InvalidInput::new("source_failed", e.to_string()),
                )]
            })?;
        Ok(NewActivity {
            id: ActivityId::generate(),
            fields,
            source_id: Some(source_id),
            external_id,
            streams: input.streams.filter(|s| !s.is_empty()),
            import_id: None,
        })
    }
}

fn parse_id(raw: &str) -> Result<ActivityId, ServiceError> {
    ActivityId::parse(raw)
        .map_err(|_| ServiceError::not_found("activity_not_found", format!("no activity {raw}")))
}

fn not_found(e: StoreError) -> ServiceError {
    match e {
        StoreError::NotFound => ServiceError::not_found("activity_not_found", "no such activity"),
        other => other.into(),
    }
}

fn sort_key(sort: ActivitySort, fields: &ActivityFields) -> i64 {
    match sort {
        ActivitySort::StartAsc | ActivitySort::StartDesc => fields.start.as_second(),
        ActivitySort::DistanceDesc => (fields.distance.unwrap_or(-1.0) * 1000.0).round() as i64,
        ActivitySort::DurationDesc => fields.duration(),
    }
}

fn parse_cursor(raw: &str) -> Result<ActivityCursor, InvalidInput> {
    let invalid = || InvalidInput::new("invalid_cursor", "the cursor is not valid");
    let (key, id) = raw.split_once('.').ok_or_else(invalid)?;
    let id = ActivityId::parse(id).map_err(|_| invalid())?;
    Ok(ActivityCursor {
        key: key.parse().map_err(|_| invalid())?,
        id: id.to_string(),
    })
}

/// RFC 7396: objects merge key by key, `null` removes, anything else replaces.
fn merge_patch(target: &mut serde_json::Value, patch: serde_json::Value) {
    let serde_json::Value::Object(patch) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = serde_json::Value::Object(serde_json::Map::new());
    }
    if let serde_json::Value::Object(map) = target {
        for (key, value) in patch {
            if value.is_null() {
                map.remove(&key);
            } else {
                merge_patch(map.entry(key).or_insert(serde_json::Value::Null), value);
            }
        }
    }
}

/// How a stored instant is shown: with the observed offset when there was one, else in UTC (`Z`).
pub fn display_instant(instant: Timestamp, offset_minutes: Option<i16>) -> String {
    match offset_minutes.and_then(|m| Offset::from_seconds(i32::from(m) * 60).ok()) {
        Some(offset) => instant.display_with_offset(offset).to_string(),
        None => instant.to_string(),
    }
}

/// The API's editable view of stored fields; validating it gives the same fields back.
pub fn editable_view(fields: &ActivityFields) -> ActivityInput {
    let end_offset = fields.offset_minutes;
    ActivityInput {
        activity_type: fields.activity_type.as_str().to_owned(),
        start: display_instant(fields.start, fields.offset_minutes),
        end: Some(display_instant(fields.end, end_offset)),
        duration: Some(fields.duration() as f64),
        time_zone: fields.time_zone.clone(),
        moving_time: fields.moving_time,
        distance: fields.distance,
        energy: fields.energy,
        avg_heart_rate: fields.avg_heart_rate,
        max_heart_rate: fields.max_heart_rate,
        elevation_gain: fields.elevation_gain,
        intensity: fields.intensity.map(|i| i.as_str().to_owned()),
        rpe: fields.rpe,
        title: fields.title.clone(),
        notes: fields.notes.clone(),
        private_notes: fields.private_notes.clone(),
        gear: fields.gear.clone(),
        commute: Some(fields.commute),
        visibility: Some(fields.visibility.as_str().to_owned()),
        laps: fields.laps.clone(),
        sets: fields.sets.clone(),
    }
}

/// Turns the API's fields into validated model fields, reporting every problem by field name.
pub fn validate_fields(input: &ActivityInput, now: Timestamp) -> Result<ActivityFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let activity_type = input
        .activity_type
        .parse::<ActivityType>()
        .map_err(|e| errors.push(FieldError::new("type", e)))
        .ok();
    let start = parse_observed(&input.start)
        .map_err(|e| errors.push(FieldError::new("start", e)))
        .ok();
    let end = match (&input.end, input.duration) {
        (Some(raw), _) => parse_observed(raw)
            .map(|e| e.instant)
            .map_err(|e| errors.push(FieldError::new("end", e)))
            .ok(),
        (None, Some(seconds)) if seconds.is_finite() && seconds > 0.0 && seconds < 1e9 => {
            start.and_then(|s| s.instant.checked_add(SignedDuration::from_secs_f64(seconds)).ok())
        }
        (None, _) => {
            errors.push(FieldError::new(
                "end",
                InvalidInput::new("missing_end", "give an end or a positive duration in seconds"),
            ));
            None
        }
    };
    let time_zone = input.time_zone.as_deref().and_then(|z| {
        TimeZoneName::parse(z)
            .map_err(|e| errors.push(FieldError::new("time_zone", e)))
            .ok()
    });
    let intensity = input.intensity.as_deref().and_then(|i| {
        i.parse()
            .map_err(|e| errors.push(FieldError::new("intensity", e)))
            .ok()
    });
    let visibility = input
        .visibility
        .as_deref()
        .map(|v| {
            v.parse()
                .map_err(|e| errors.push(FieldError::new("visibility", e)))
                .ok()
        })
        .unwrap_or(Some(Default::default()));
    let clean = |text: &Option<String>| {
        text.as_ref()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let (Some(activity_type), Some(start), Some(end), Some(visibility)) =
        (activity_type, start, end, visibility)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    // Without an observed offset, the zone (when given) says what the offset was at the start.
    let offset_minutes = start.offset_minutes.or_else(|| {
        let zone = TimeZone::get(time_zone.as_ref()?.as_str()).ok()?;
        i16::try_from(zone.to_offset(start.instant).seconds() / 60).ok()
    });
    let fields = ActivityFields {
        activity_type,
        start: start.instant,
        end,
        offset_minutes,
        time_zone: time_zone.map(|z| z.as_str().to_owned()),
        moving_time: input.moving_time,
        distance: input.distance,
        energy: input.energy,
        avg_heart_rate: input.avg_heart_rate,
        max_heart_rate: input.max_heart_rate,
        elevation_gain: input.elevation_gain,
        intensity,
        rpe: input.rpe,
        title: clean(&input.title),
        notes: clean(&input.notes),
        private_notes: clean(&input.private_notes),
        gear: clean(&input.gear),
        commute: input.commute.unwrap_or(false),
        visibility,
        laps: input.laps.clone(),
        sets: input.sets.clone(),
    };
    if let Err(e) = fields.validate() {
        let field = match e.code {
            "end_before_start" | "interval_too_long" => "end",
            "invalid_lap" | "too_many_laps" => "laps",
            "invalid_strength_set" | "too_many_sets" => "sets",
            "invalid_rpe" => "rpe",
            _ => "body",
        };
        return Err(vec![FieldError::new(field, e)]);
    }
    if fields.start.duration_since(now) > FUTURE_TOLERANCE {
        return Err(vec![FieldError::new(
            "start",
            InvalidInput::new("in_future", "the activity starts more than a day in the future"),
        )]);
    }
    Ok(fields)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-04-01T00:00:00Z".parse().unwrap()
    }

    fn run() -> ActivityInput {
        ActivityInput {
            activity_type: "running".into(),
            start: "2026-03-29T18:00:00+02:00".into(),
            end: Some("2026-03-29T18:45:00+02:00".into()),
            distance: Some(8200.0),
            ..Default::default()
        }
    }

    #[test]
    fn the_editable_view_round_trips_through_validation() {
        let mut input = run();
        input.title = Some("  Evening run ".into());
        input.intensity = Some("moderate".into());
        let fields = validate_fields(&input, now()).unwrap();
        assert_eq!(fields.offset_minutes, Some(120));
        assert_eq!(fields.title.as_deref(), Some("Evening run"));
        let again = validate_fields(&editable_view(&fields), now()).unwrap();
        assert_eq!(again, fields);
        assert_eq!(editable_view(&fields).start, "2026-03-29T18:00:00+02:00");
    }

    #[test]
    fn duration_and_zone_fill_in_end_and_offset() {
        let input = ActivityInput {
            start: "2026-03-29T16:00:00Z".into(),
            end: None,
            duration: Some(3600.0),
            time_zone: Some("Europe/Berlin".into()),
            ..run()
        };
        let fields = validate_fields(&input, now()).unwrap();
        assert_eq!(fields.duration(), 3600);
        assert_eq!(
            fields.offset_minutes,
            Some(120),
            "Berlin is on summer time on 29 March 16:00 UTC"
        );
    }

    #[test]
    fn every_invalid_field_is_reported() {
        let input = ActivityInput {
            activity_type: "underwater_chess".into(),
            start: "yesterday".into(),
            end: None,
            intensity: Some("extreme".into()),
            ..Default::default()
        };
        let errors = validate_fields(&input, now()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["type", "start", "end", "intensity"]);
        let backwards = ActivityInput {
            end: Some("2026-03-29T17:00:00+02:00".into()),
            ..run()
        };
        assert_eq!(
            validate_fields(&backwards, now()).unwrap_err()[0].code,
            "end_before_start"
        );
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = serde_json::json!({"title": "a", "notes": "b", "laps": [1]});
        merge_patch(
            &mut doc,
            serde_json::json!({"title": "c", "notes": null, "distance": 5}),
        );
        assert_eq!(doc, serde_json::json!({"title": "c", "laps": [1], "distance": 5}));
    }
}
