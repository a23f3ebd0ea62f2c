//! `/api/v1/activities` and `/api/v1/trash`: workouts, their revisions, streams and the trash.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use wearhouse_model::Streams;
use wearhouse_services::activities::{editable_view, MAX_BATCH, TRASH_RETENTION};
use wearhouse_services::{ActivityInput, ActivityListRequest, NewActivityInput, SourceInput};
use wearhouse_store::{ActivityRecord, ActivityRevision};

use crate::examples;
use crate::extract::{body_rejection, parse_json, require_json, Auth, Json, Query};
use crate::idempotency::idempotent;
use crate::problem::{ApiError, ApiResult, Problem, ProblemField};
use crate::routes::samples::{RejectionView, SourceBody};
use crate::state::AppState;

/// A batch of 1,000 activities with streams can be large; single activities with a long track too.
const ACTIVITIES_BODY_LIMIT: usize = 64 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list_activities).layer(DefaultBodyLimit::max(ACTIVITIES_BODY_LIMIT)))
        .routes(routes!(create_batch).layer(DefaultBodyLimit::max(ACTIVITIES_BODY_LIMIT)))
        .routes(routes!(get_one, patch_one, delete_one))
        .routes(routes!(revisions))
        .routes(routes!(restore))
        .routes(routes!(streams))
        .routes(routes!(trash))
        .routes(routes!(duplicates))
        .routes(routes!(merge))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"first": examples::activity_view(), "second": examples::activity_copy_view()}))]
pub struct DuplicatePair {
    /// The earlier-starting activity.
    pub first: ActivityView,
    pub second: ActivityView,
}

/// Activities that look like the same workout recorded twice (say a Garmin FIT and the Apple Health copy
/// of it): types of the same family, starts within 60 s, overlapping times. Resolve each pair with
/// `POST /activities/{id}/merge`.
#[utoipa::path(get, path = "/activities/duplicates", tag = "activities", security(("bearer" = [])),
    responses((status = 200, body = Vec<DuplicatePair>,
        example = json!([{"first": examples::activity_view(), "second": examples::activity_copy_view()}]))))]
async fn duplicates(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<DuplicatePair>>> {
    let pairs = state.activities.duplicates(actor.id()).await?;
    Ok(Json(
        pairs
            .iter()
            .map(|(a, b)| DuplicatePair {
                first: view(a),
                second: view(b),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"other": examples::RUN_COPY_ID, "keep_both": false}))]
pub struct MergeBody {
    /// The other recording of the same workout; it is hidden and this activity kept.
    pub other: String,
    /// `true`: they are two workouts after all; keep both and stop suggesting the pair.
    #[serde(default)]
    pub keep_both: bool,
}

/// Merge another recording of the same workout into this one: the other is hidden from lists and
/// summaries (counted once), this one keeps its own recorded totals, fills the fields it lacks from the
/// other and takes its streams if it has none. With `keep_both`, both stay.
#[utoipa::path(post, path = "/activities/{id}/merge", tag = "activities", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = MergeBody,
    responses(
        (status = 200, description = "The kept activity", body = ActivityView),
        (status = 404, description = "`activity_not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn merge(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
    Json(body): Json<MergeBody>,
) -> ApiResult<Json<ActivityView>> {
    let kept = state
        .activities
        .merge(actor.id(), &id, &body.other, body.keep_both)
        .await?;
    Ok(Json(view(&kept)))
}

/// A new activity.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!(examples::activity_body()))]
pub struct ActivityBody {
    #[serde(flatten)]
    pub fields: ActivityInput,
    /// The device or app that recorded it; "API" when omitted.
    #[serde(default)]
    pub source: Option<SourceBody>,
    /// The client's id for it: creating a second activity with the same external id returns the first.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Time-aligned arrays: `time` (seconds from the start) and any of lat, lon, altitude, heart_rate,
    /// cadence, power, speed, distance, temperature (null where the device had no value).
    #[serde(default)]
    pub streams: Option<Streams>,
    /// Whatever else was sent: refused (serde's `deny_unknown_fields` does not work through `flatten`).
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: std::collections::BTreeMap<String, serde_json::Value>,
}

impl ActivityBody {
    fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        let body: ActivityBody = parse_json(bytes)?;
        body.check_known()?;
        Ok(body)
    }

    fn check_known(&self) -> Result<(), ApiError> {
        match self.unknown.keys().next() {
            None => Ok(()),
            Some(field) => Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                format!("unknown field `{field}`"),
            )
            .with_fields(vec![ProblemField {
                field: field.clone(),
                code: "unknown_field".into(),
                detail: format!("unknown field `{field}`"),
            }])
            .into()),
        }
    }
}

impl From<ActivityBody> for NewActivityInput {
    fn from(b: ActivityBody) -> Self {
        NewActivityInput {
            fields: b.fields,
            source: b.source.map(|s| SourceInput {
                name: s.name,
                kind: s.kind,
                provider: s.provider,
                model: s.model,
                app: s.app,
            }),
            external_id: b.external_id,
            streams: b.streams,
        }
    }
}

/// An activity as stored.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!(examples::activity_view()))]
pub struct ActivityView {
    pub id: String,
    #[serde(flatten)]
    pub fields: ActivityInput,
    pub source_id: Option<i64>,
    pub external_id: Option<String>,
    /// Grows by one with every change; see `/activities/{id}/revisions`.
    pub revision: i64,
    /// Points in the stored streams; 0 when the activity has none.
    pub stream_points: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Set while the activity is in the trash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
    /// When a trashed activity will be removed for good.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purge_at: Option<String>,
    /// The activity this copy was merged into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
}

impl From<&ActivityRecord> for ActivityView {
    fn from(r: &ActivityRecord) -> Self {
        Self {
            id: r.id.to_string(),
            fields: editable_view(&r.fields),
            source_id: r.source_id,
            external_id: r.external_id.clone(),
            revision: r.revision,
            stream_points: r.stream_points,
            created_at: r.created_at.to_string(),
            updated_at: r.updated_at.to_string(),
            deleted_at: r.deleted_at.map(|d| d.to_string()),
            purge_at: r.deleted_at.map(|d| (d + TRASH_RETENTION).to_string()),
            merged_into: r.merged_into.as_ref().map(ToString::to_string),
        }
    }
}

fn view(record: &ActivityRecord) -> ActivityView {
    ActivityView::from(record)
}

/// Create an activity. Honours `Idempotency-Key`. An activity whose `external_id` already exists is
/// returned with 200 instead of being created again.
#[utoipa::path(post, path = "/activities", tag = "activities", security(("bearer" = [])), request_body = ActivityBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat a POST safely: the same key and body return the first response")),
    responses(
        (status = 201, body = ActivityView),
        (status = 200, description = "An activity with this external id already exists", body = ActivityView),
        (status = 422, description = "`invalid_fields`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: the body is not declared as JSON", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Err(e) = require_json(&headers) {
        return e.into_response();
    }
    let body = match body.map_err(body_rejection) {
        Ok(body) => body,
        Err(e) => return e.into_response(),
    };
    let run = async {
        let result: ApiResult<Response> = async {
            let input = ActivityBody::parse(&body)?;
            let (record, new) = state.activities.create(actor.id(), input.into()).await?;
            let status = if new { StatusCode::CREATED } else { StatusCode::OK };
            Ok((status, Json(view(&record))).into_response())
        }
        .await;
        result.unwrap_or_else(IntoResponse::into_response)
    };
    idempotent(&state, actor.id(), &headers, "POST /activities", &body, run).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"activities": [examples::activity_body(), examples::strength_body()]}))]
pub struct ActivityBatch {
    /// At most 1,000 activities.
    pub activities: Vec<ActivityBody>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "created": 1,
    "duplicates": 1,
    "rejected": [examples::rejection()],
    "activities": [
        {
            "id": "act_0197651a1e6070b6abc12759eeaa3e10", "type": "strength_training",
            "start": "2025-06-12T18:05:00+02:00", "end": "2025-06-12T18:57:00+02:00", "duration": 3120.0,
            "time_zone": "Europe/Berlin", "energy": 286.0, "avg_heart_rate": 112.0, "rpe": 7,
            "title": "Upper body", "visibility": "private",
            "sets": [
                {"exercise": "bench_press", "reps": 8, "weight": 52.5},
                {"exercise": "bench_press", "reps": 8, "weight": 52.5},
                {"exercise": "pull_up", "reps": 10},
                {"exercise": "plank", "duration": 90.0}
            ],
            "source_id": 4, "external_id": "gym-log-2025-06-12", "revision": 1, "stream_points": 0,
            "created_at": "2025-06-14T08:12:44.090215Z", "updated_at": "2025-06-14T08:12:44.090215Z"
        },
        examples::activity_view()
    ]
}))]
pub struct BatchResponse {
    /// Activities newly created.
    pub created: usize,
    /// Valid activities whose external id already existed.
    pub duplicates: usize,
    pub rejected: Vec<RejectionView>,
    /// The created activities, then the existing ones.
    pub activities: Vec<ActivityView>,
}

/// Create up to 1,000 activities. Each is validated on its own; the valid ones are stored together.
/// Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/activities/batch", tag = "activities", security(("bearer" = [])), request_body = ActivityBatch,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat a POST safely")),
    responses(
        (status = 200, body = BatchResponse),
        (status = 413, description = "`too_many_activities`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: the body is not declared as JSON", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_batch(
    State(state): State<AppState>,
    Auth(actor): Auth,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Err(e) = require_json(&headers) {
        return e.into_response();
    }
    let body = match body.map_err(body_rejection) {
        Ok(body) => body,
        Err(e) => return e.into_response(),
    };
    let run = async {
        let result: ApiResult<Response> = async {
            let batch: ActivityBatch = parse_json(&body)?;
            if batch.activities.len() > MAX_BATCH {
                return Err(ApiError::from(Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_many_activities",
                    format!("at most {MAX_BATCH} activities per batch; split it"),
                )));
            }
            batch.activities.iter().try_for_each(ActivityBody::check_known)?;
            let inputs = batch.activities.into_iter().map(NewActivityInput::from).collect();
            let outcome = state.activities.create_batch(actor.id(), inputs).await?;
            Ok(Json(BatchResponse {
                created: outcome.created.len(),
                duplicates: outcome.existing.len(),
                rejected: outcome
                    .rejected
                    .into_iter()
                    .map(|r| RejectionView {
                        index: r.index,
                        code: r.code.to_owned(),
                        detail: r.detail,
                    })
                    .collect(),
                activities: outcome
                    .created
                    .iter()
                    .chain(&outcome.existing)
                    .map(view)
                    .collect(),
            })
            .into_response())
        }
        .await;
        result.unwrap_or_else(IntoResponse::into_response)
    };
    idempotent(&state, actor.id(), &headers, "POST /activities/batch", &body, run).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Comma-separated activity types.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub activity_type: Option<String>,
    /// Activities starting at or after this instant (RFC 3339, 1900–2099).
    #[param(
        pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|-(0[0-9]|1[01]):[0-5][0-9]|-12:00|\\+(0[0-9]|1[0-3]):[0-5][0-9]|\\+14:00)$"
    )]
    pub from: Option<String>,
    /// Activities starting before this instant.
    #[param(
        pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|-(0[0-9]|1[01]):[0-5][0-9]|-12:00|\\+(0[0-9]|1[0-3]):[0-5][0-9]|\\+14:00)$"
    )]
    pub to: Option<String>,
    /// Metres.
    pub min_distance: Option<f64>,
    pub max_distance: Option<f64>,
    /// Elapsed seconds.
    pub min_duration: Option<i64>,
    pub max_duration: Option<i64>,
    pub min_avg_hr: Option<f64>,
    pub max_avg_hr: Option<f64>,
    /// Words to find in the title or notes (case-insensitive).
    pub q: Option<String>,
    #[param(pattern = "^(private|followers|public)$")]
    pub visibility: Option<String>,
    /// `-start` (newest first, the default), `start`, `-distance` or `-duration`.
    #[param(pattern = "^(-start|start|-distance|-duration)$")]
    pub sort: Option<String>,
    pub cursor: Option<String>,
    /// 1–500, default 50.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [examples::activity_view()],
    "next_cursor": format!("1749876600.{}", examples::RUN_ID)
}))]
pub struct ActivityList {
    pub items: Vec<ActivityView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// The user's activities, filtered and sorted, a page at a time.
#[utoipa::path(get, path = "/activities", tag = "activities", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = ActivityList)))]
async fn list_activities(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<ListParams>,
) -> ApiResult<Json<ActivityList>> {
    let page = state
        .activities
        .list(
            actor.id(),
            ActivityListRequest {
                types: p.activity_type,
                from: p.from,
                to: p.to,
                min_distance: p.min_distance,
                max_distance: p.max_distance,
                min_duration: p.min_duration,
                max_duration: p.max_duration,
                min_avg_hr: p.min_avg_hr,
                max_avg_hr: p.max_avg_hr,
                q: p.q,
                visibility: p.visibility,
                sort: p.sort,
                cursor: p.cursor,
                limit: crate::extract::page_limit(p.limit, 50, 500)?,
            },
        )
        .await?;
    Ok(Json(ActivityList {
        items: page.items.iter().map(view).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One activity.
#[utoipa::path(get, path = "/activities/{id}", tag = "activities", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = ActivityView),
        (status = 404, description = "`activity_not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_one(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ActivityView>> {
    Ok(Json(view(&state.activities.get(actor.id(), &id).await?)))
}

/// Edit an activity with a JSON merge patch (RFC 7396): fields present replace, `null` clears, absent
/// fields stay. The previous state is kept as a revision.
#[utoipa::path(patch, path = "/activities/{id}", tag = "activities", security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body(content = Object, description = "A JSON merge patch of the activity's editable fields",
        example = json!({"title": "Morning run, easy pace", "rpe": 5, "intensity": "low", "notes": null})),
    responses(
        (status = 200, body = ActivityView),
        (status = 404, description = "`activity_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_fields`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn patch_one(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
    Json(patch): Json<serde_json::Map<String, serde_json::Value>>,
) -> ApiResult<Json<ActivityView>> {
    Ok(Json(view(&state.activities.patch(actor.id(), &id, patch).await?)))
}

/// Move an activity to the trash. It can be restored for 30 days (`POST /activities/{id}/restore`).
#[utoipa::path(delete, path = "/activities/{id}", tag = "activities", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The activity as trashed", body = ActivityView,
            example = json!(examples::trashed_activity_view())),
        (status = 404, description = "`activity_not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn delete_one(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ActivityView>> {
    Ok(Json(view(&state.activities.delete(actor.id(), &id).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionView {
    pub revision: i64,
    /// create, update, delete, restore, or import (a newer or more complete reading of the activity's
    /// file replaced its recording).
    pub change: String,
    /// Whether the activity was in the trash after this change.
    pub deleted: bool,
    pub created_at: String,
    /// The activity's fields after this change.
    pub activity: ActivityInput,
}

impl From<&ActivityRevision> for RevisionView {
    fn from(r: &ActivityRevision) -> Self {
        Self {
            revision: r.revision,
            change: r.change.as_str().to_owned(),
            deleted: r.deleted,
            created_at: r.created_at.to_string(),
            activity: editable_view(&r.fields),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {"revision": 1, "change": "create", "deleted": false, "created_at": "2025-06-14T05:52:10.418263Z",
            "activity": examples::run_fields()},
        {"revision": 2, "change": "delete", "deleted": true, "created_at": "2025-06-14T09:03:27.551902Z",
            "activity": examples::run_fields()}
    ]
}))]
pub struct RevisionList {
    pub items: Vec<RevisionView>,
}

/// Every state the activity has had, oldest first (also for an activity in the trash).
#[utoipa::path(get, path = "/activities/{id}/revisions", tag = "activities", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = RevisionList)))]
async fn revisions(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<RevisionList>> {
    let items = state.activities.revisions(actor.id(), &id).await?;
    Ok(Json(RevisionList {
        items: items.iter().map(RevisionView::from).collect(),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 1}))]
pub struct RestoreBody {
    /// The revision whose fields to restore; the latest (undelete only) when omitted.
    #[schema(minimum = 1)]
    #[serde(default, deserialize_with = "whole_number")]
    pub revision: Option<i64>,
}

/// A whole number written either way JSON allows (`225` or `225.0`): JSON Schema's `integer` admits both.
fn whole_number<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<i64>, D::Error> {
    let Some(n) = Option::<serde_json::Number>::deserialize(de)? else {
        return Ok(None);
    };
    if let Some(whole) = n.as_i64() {
        return Ok(Some(whole));
    }
    match n.as_f64() {
        // The range check makes the cast exact: every whole f64 within i64's range converts as is.
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
        _ => Err(serde::de::Error::custom(format!("{n} is not a whole number"))),
    }
}

/// Restore an earlier revision, or take the activity out of the trash. Writes a new revision.
#[utoipa::path(post, path = "/activities/{id}/restore", tag = "activities", security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body(content = Option<RestoreBody>, description = "Optional: without a body (or with `null` or `{}`), a trashed activity is taken out of the trash", example = json!({"revision": 1})),
    responses(
        (status = 200, body = ActivityView),
        (status = 404, description = "`activity_not_found` or `revision_not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn restore(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ActivityView>> {
    let body = body.map_err(body_rejection)?;
    // No body, or JSON `null`, is the same as `{}`.
    let restore: RestoreBody = if body.iter().all(u8::is_ascii_whitespace) {
        RestoreBody::default()
    } else {
        parse_json::<Option<RestoreBody>>(&body)?.unwrap_or_default()
    };
    Ok(Json(view(
        &state
            .activities
            .restore(actor.id(), &id, restore.revision)
            .await?,
    )))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamParams {
    /// Comma-separated channels (lat, lon, altitude, heart_rate, cadence, power, speed, distance,
    /// temperature); all when omitted. `time` is always included.
    #[param(
        pattern = "^(time|lat|lon|altitude|heart_rate|cadence|power|speed|distance|temperature)(,(time|lat|lon|altitude|heart_rate|cadence|power|speed|distance|temperature))*$"
    )]
    pub keys: Option<String>,
    /// low (≤ 100 points), medium (≤ 1,000) or high (every point, the default).
    #[param(pattern = "^(low|medium|high)$")]
    pub resolution: Option<String>,
}

/// The activity's streams as time-aligned arrays.
#[utoipa::path(get, path = "/activities/{id}/streams", tag = "activities", security(("bearer" = [])),
    params(("id" = String, Path), StreamParams),
    responses(
        (status = 200, body = Streams, example = json!({
            "time": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
            "lat": [52.51631, 52.51634, 52.51637, null, 52.51643, 52.51646],
            "lon": [13.37768, 13.37772, 13.37777, null, 13.37786, 13.3779],
            "altitude": [34.2, 34.2, 34.4, null, 34.6, 34.6],
            "heart_rate": [96.0, 98.0, 101.0, 103.0, 104.0, 106.0],
            "cadence": [0.0, 152.0, 164.0, 168.0, 170.0, 170.0],
            "speed": [0.0, 2.1, 2.6, 2.9, 3.0, 3.0]
        })),
        (status = 404, description = "`activity_not_found` or `no_streams`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn streams(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
    Query(p): Query<StreamParams>,
) -> ApiResult<Json<Streams>> {
    Ok(Json(
        state
            .activities
            .streams(actor.id(), &id, p.keys.as_deref(), p.resolution.as_deref())
            .await?,
    ))
}

/// Activities in the trash, most recently deleted first, each with the time it will be purged.
#[utoipa::path(get, path = "/trash", tag = "activities", security(("bearer" = [])),
    responses((status = 200, body = ActivityList,
        example = json!({"items": [examples::trashed_activity_view()], "next_cursor": null}))))]
async fn trash(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<ActivityList>> {
    let items = state.activities.trash(actor.id()).await?;
    Ok(Json(ActivityList {
        items: items.iter().map(view).collect(),
        next_cursor: None,
    }))
}
