//! `/api/v1/imports`: upload an export or activity file; it is imported in the background.

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path as UrlPath, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use wearhouse_services::imports::hex;
use wearhouse_services::Upload;
use wearhouse_store::ImportRecord;

use crate::examples;
use crate::extract::{Auth, Json};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

/// The largest upload accepted (a decade of Apple Health export, zipped, is well under 1 GB).
const MAX_UPLOAD: u64 = 4 * 1024 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // Uploads (raw or multipart) have their own 4 GB limit, enforced as they are written to disk;
        // the general body limit, meant for JSON, must not cut them off.
        .routes(routes!(upload, list_imports).layer(DefaultBodyLimit::disable()))
        .routes(routes!(status))
        .routes(routes!(raw_types))
        .routes(routes!(raw_records))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RawTypeView {
    #[serde(rename = "type")]
    pub record_type: String,
    pub count: i64,
}

/// Types of records imports kept raw because the metric catalogue does not map them (e.g. HealthKit's
/// dietary values), with how many of each.
#[utoipa::path(get, path = "/raw-records/types", tag = "imports", security(("bearer" = [])),
    responses((status = 200, body = Vec<RawTypeView>, example = json!([
        {"type": "HKQuantityTypeIdentifierDietaryWater", "count": 2460},
        {"type": "HKQuantityTypeIdentifierDietaryCaffeine", "count": 812}
    ]))))]
async fn raw_types(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<RawTypeView>>> {
    let types = state.imports.raw_types(actor.id()).await?;
    Ok(Json(
        types
            .into_iter()
            .map(|(record_type, count)| RawTypeView { record_type, count })
            .collect(),
    ))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct RawParams {
    /// The record type, as `GET /raw-records/types` lists it.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub record_type: String,
    /// Records starting at or after this RFC 3339 instant (1900–2099).
    #[param(
        pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|-(0[0-9]|1[01]):[0-5][0-9]|-12:00|\\+(0[0-9]|1[0-3]):[0-5][0-9]|\\+14:00)$"
    )]
    pub from: Option<String>,
    /// Records starting before this RFC 3339 instant.
    #[param(
        pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|-(0[0-9]|1[01]):[0-5][0-9]|-12:00|\\+(0[0-9]|1[0-3]):[0-5][0-9]|\\+14:00)$"
    )]
    pub to: Option<String>,
    pub cursor: Option<String>,
    /// 1–10,000, default 1,000.
    #[param(minimum = 1, maximum = 10_000)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RawRecordView {
    #[serde(rename = "type")]
    pub record_type: String,
    pub start: String,
    pub end: String,
    /// As the file wrote it.
    pub value: String,
    pub unit: String,
    pub source: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {"type": "HKQuantityTypeIdentifierDietaryCaffeine", "start": "2025-06-13T06:45:00Z", "end": "2025-06-13T06:45:00Z",
            "value": "95", "unit": "mg", "source": "Ana's iPhone"},
        {"type": "HKQuantityTypeIdentifierDietaryCaffeine", "start": "2025-06-13T13:20:00Z", "end": "2025-06-13T13:20:00Z",
            "value": "63", "unit": "mg", "source": "Ana's iPhone"}
    ],
    "next_cursor": null
}))]
pub struct RawPageView {
    pub items: Vec<RawRecordView>,
    pub next_cursor: Option<String>,
}

/// Raw records of one type, oldest first, with cursor pagination.
#[utoipa::path(get, path = "/raw-records", tag = "imports", security(("bearer" = [])), params(RawParams),
    responses((status = 200, body = RawPageView)))]
async fn raw_records(
    State(state): State<AppState>,
    Auth(actor): Auth,
    crate::extract::Query(p): crate::extract::Query<RawParams>,
) -> ApiResult<Json<RawPageView>> {
    let page = state
        .imports
        .raw_records(
            actor.id(),
            &p.record_type,
            p.from.as_deref(),
            p.to.as_deref(),
            p.cursor.as_deref(),
            crate::extract::page_limit(p.limit, 1000, 10_000)?,
        )
        .await?;
    let instant = |s: i64| {
        jiff::Timestamp::from_second(s)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    Ok(Json(RawPageView {
        items: page
            .items
            .into_iter()
            .map(|r| RawRecordView {
                record_type: r.record_type,
                start: instant(r.start),
                end: instant(r.end),
                value: r.value,
                unit: r.unit,
                source: r.source_name,
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// What an import found besides what it stored. Empty maps and lists while it is queued.
#[derive(Debug, Default, Serialize, serde::Deserialize, ToSchema)]
#[serde(default)]
pub struct ImportReportView {
    /// Records not imported, by reason (`implausible_value:heart_rate`, `unmapped_type:HK…`).
    #[schema(required = true)]
    pub skipped: std::collections::BTreeMap<String, u64>,
    /// Records of types the catalogue does not map, kept as read (`GET /api/v1/raw-records`), by type.
    #[schema(required = true)]
    pub raw: std::collections::BTreeMap<String, u64>,
    /// Every warning's count, by code.
    #[schema(required = true)]
    pub warning_counts: std::collections::BTreeMap<String, u64>,
    /// The first 200 warnings, each with where it arose.
    #[schema(required = true)]
    pub warnings: Vec<ImportWarningView>,
    /// The error that failed the import.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ImportWarningView>,
    /// Rows a failed import had stored and that were removed again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolled_back: Option<u64>,
    /// The earlier import of the same file, read by older readers, that this one replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded: Option<SupersededView>,
}

#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ImportWarningView {
    /// Stable code (`entry_too_large`, `bad_timestamp` …).
    pub code: String,
    pub detail: String,
    /// Where in the file: an entry, a line, a record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct SupersededView {
    /// The id of the earlier import.
    pub import: String,
    /// Rows only the earlier reading had stored, removed with it.
    pub removed: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!(examples::import_view()))]
pub struct ImportView {
    pub id: String,
    /// queued, running, done or failed.
    pub status: String,
    /// Detected from the content: apple_health, zip, fit, gpx or tcx.
    pub format: String,
    pub file_name: Option<String>,
    pub status_url: String,
    pub bytes_total: i64,
    pub bytes_read: i64,
    pub records_read: i64,
    /// Samples newly stored.
    pub imported: i64,
    /// Activities newly stored.
    pub activities: i64,
    /// Records that were already stored.
    pub duplicates: i64,
    /// Records skipped, by reason; warnings (first 200, with location) and their counts; the error that
    /// failed the import, if one did; and, for a file read again because a newer release reads it
    /// differently, `superseded`: the earlier import it replaced and how many of that import's rows (what
    /// only the old reading had) went with it.
    pub report: ImportReportView,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

impl From<&ImportRecord> for ImportView {
    fn from(r: &ImportRecord) -> Self {
        Self {
            id: r.id.clone(),
            status: r.status.as_str().to_owned(),
            format: r.format.clone(),
            file_name: r.file_name.clone(),
            status_url: format!("/api/v1/imports/{}", r.id),
            bytes_total: r.bytes_total,
            bytes_read: r.progress.bytes_read,
            records_read: r.progress.records_read,
            imported: r.progress.imported,
            activities: r.progress.activities,
            duplicates: r.progress.duplicates,
            // Stored as JSON by this server; a report it cannot read is shown empty rather than failing the view.
            report: serde_json::from_str(&r.report).unwrap_or_default(),
            created_at: r.created_at.to_string(),
            started_at: r.started_at.map(|t| t.to_string()),
            finished_at: r.finished_at.map(|t| t.to_string()),
        }
    }
}

fn too_large() -> ApiError {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "uploads are at most 4 GB",
    )
    .into()
}

fn broken(e: impl std::fmt::Display) -> ApiError {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "unreadable_body",
        format!("the upload broke off: {e}"),
    )
    .into()
}

fn stalled(idle: Duration) -> ApiError {
    Problem::new(
        StatusCode::REQUEST_TIMEOUT,
        "upload_stalled",
        format!(
            "the upload sent nothing for {} s and was ended; send it again",
            idle.as_secs()
        ),
    )
    .into()
}

fn no_space(free: u64, needed: u64) -> ApiError {
    const MB: u64 = 1024 * 1024;
    Problem::new(
        StatusCode::INSUFFICIENT_STORAGE,
        "insufficient_storage",
        format!(
            "the server has {} MB free and needs {} MB for this upload; try again later or ask the administrator",
            free / MB,
            needed.div_ceil(MB)
        ),
    )
    .into()
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::from(wearhouse_services::ServiceError::Internal(e.to_string()))
}

/// How often, in bytes received, an upload checks that the disk keeps its reserve.
const SPACE_CHECK_EVERY: u64 = 64 * 1024 * 1024;

/// Writes chunks to `path`, hashing as they pass; never holds more than one chunk in memory. Ends the
/// upload when the disk's free space falls to the reserve.
struct Sink<'a> {
    file: tokio::fs::File,
    hash: Sha256,
    size: u64,
    state: &'a AppState,
    next_space_check: u64,
}

impl<'a> Sink<'a> {
    async fn create(path: &Path, state: &'a AppState) -> Result<Self, ApiError> {
        let file = tokio::fs::File::create(path).await.map_err(internal)?;
        Ok(Self {
            file,
            hash: Sha256::new(),
            size: 0,
            state,
            next_space_check: SPACE_CHECK_EVERY,
        })
    }

    async fn write(&mut self, chunk: &[u8]) -> Result<(), ApiError> {
        self.size += chunk.len() as u64;
        if self.size > MAX_UPLOAD {
            return Err(too_large());
        }
        if self.size >= self.next_space_check {
            self.next_space_check = self.size + SPACE_CHECK_EVERY;
            let reserve = self.state.settings.uploads.min_free_bytes;
            let free = self.state.imports.free_space().await?;
            if free < reserve.saturating_add(chunk.len() as u64) {
                return Err(no_space(free, reserve + chunk.len() as u64));
            }
        }
        self.hash.update(chunk);
        self.file.write_all(chunk).await.map_err(internal)
    }

    async fn finish(mut self) -> Result<(String, u64), ApiError> {
        self.file.flush().await.map_err(internal)?;
        Ok((hex(&self.hash.finalize()), self.size))
    }
}

/// The next piece of an upload, or an end to it when the client has sent nothing for `idle`.
async fn within<T>(idle: Duration, next: impl Future<Output = T>) -> Result<T, ApiError> {
    tokio::time::timeout(idle, next).await.map_err(|_| stalled(idle))
}

/// Refuses an upload the disk has no room for: its declared length (if any) plus the reserve.
async fn check_space(state: &AppState, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    if declared > MAX_UPLOAD {
        return Err(too_large());
    }
    let needed = declared.saturating_add(state.settings.uploads.min_free_bytes);
    let free = state.imports.free_space().await?;
    if free < needed {
        return Err(no_space(free, needed));
    }
    Ok(())
}

/// The multipart form of `POST /imports`, as documented (the handler streams it; nothing builds this).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// The file, sent with its file name. The first field carrying a file name is imported, whatever
    /// the field is called.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// Streams the request body (raw, or the first file of a multipart form) to `path`.
async fn receive(
    state: &AppState,
    req: Request,
    path: &Path,
) -> Result<(Option<String>, String, u64), ApiError> {
    let idle = state.settings.uploads.idle_timeout;
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    let mut sink = Sink::create(path, state).await?;
    if is_multipart {
        let mut form = Multipart::from_request(req, &()).await.map_err(broken)?;
        loop {
            let Some(mut field) = within(idle, form.next_field()).await?.map_err(broken)? else {
                return Err(
                    Problem::new(StatusCode::BAD_REQUEST, "no_file", "the form has no file field").into(),
                );
            };
            let Some(name) = field.file_name().map(str::to_owned) else {
                continue;
            };
            while let Some(chunk) = within(idle, field.chunk()).await?.map_err(broken)? {
                sink.write(&chunk).await?;
            }
            let (sha, size) = sink.finish().await?;
            return Ok((Some(name), sha, size));
        }
    }
    let file_name = req
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut body: Body = req.into_body();
    while let Some(frame) = within(idle, body.frame()).await? {
        let frame = frame.map_err(broken)?;
        if let Some(data) = frame.data_ref() {
            sink.write(data).await?;
        }
    }
    let (sha, size) = sink.finish().await?;
    Ok((file_name, sha, size))
}

/// Upload a file to import: an Apple Health `export.zip` or `export.xml`, a FIT, GPX or TCX file, a
/// Strava bulk export (its ZIP: `activities.csv` joined to the `activities/` FIT, GPX and TCX files,
/// gzipped or not), a Withings account export (its ZIP of CSV files), Oura's JSON export, or a Fitbit or Google Fit
/// Takeout archive, as the raw body (name it with `X-File-Name`) or as a
/// `multipart/form-data` file field, up to 4 GB. These are recognised by their content. A file of a
/// Takeout uploaded on its own also needs the name the export gave it (`X-File-Name` or the
/// multipart file name): Fitbit's `steps-`, `distance-`, `altitude-`, `heart_rate-`,
/// `resting_heart_rate-`, `moderately_active_minutes-`, `very_active_minutes-`,
/// `lightly_active_minutes-`, `sedentary_minutes-`, `time_in_heart_rate_zones-`, `weight-`, `sleep-` and
/// `demographic_vo2_max-YYYY-MM-DD.json` and
/// `exercise-N.json`; Google Fit's `Daily activity metrics.csv`, per-day `YYYY-MM-DD.csv`, and the
/// `All Data` and `All Sessions` JSON files; Strava's `activities.csv` (its workouts without their
/// recordings); Withings' `weight.csv`, `bp.csv`, `height.csv`, `aggregates_steps.csv`,
/// `activities.csv`, `raw_…_hr.csv`, `raw_…_steps.csv` and `raw_…_sleep-state.csv`; a Garmin Connect
/// export's `UDSFile_….json`, `…_sleepData.json`, `…_summarizedActivities.json`,
/// `…_userBioMetrics.json` and `HydrationLogFile_….json`. WHOOP's CSV files
/// (`physiological_cycles.csv`, `sleeps.csv`, `workouts.csv`, `journal_entries.csv`) are recognised by
/// their English header under any name. Apple's `export_cda.xml` is not read (it repeats
/// `export.xml`); the refusal says so. An account streams at most two uploads at once, and an
/// upload that sends nothing for a minute is ended. The format is detected from the content. The file is
/// written to disk as it arrives and imported in the background: follow `status_url`. A file already
/// imported is not imported again (200 with the earlier import), unless an earlier release read it and
/// this one reads it differently: then it is read again (202), and the new import replaces the earlier
/// one's records (its report names it under `superseded`).
#[utoipa::path(post, path = "/imports", tag = "imports", security(("bearer" = [])),
    request_body(content(
        (Vec<u8> = "application/octet-stream"),
        (UploadForm = "multipart/form-data"),
    )),
    responses(
        (status = 202, description = "Queued", body = ImportView, example = json!(examples::queued_import_view())),
        (status = 200, description = "This file was imported before, by the readers of this release", body = ImportView),
        (status = 400, description = "`unreadable_body`: the upload broke off; `no_file`: a multipart form without a file field", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "`upload_stalled`: nothing arrived for the idle timeout (60 s by default)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: more than 4 GB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: not a format Wearhouse reads, or a Takeout file without the name its export gave it; the detail lists what is read", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_uploads`: this account's other uploads (2 by default) are still arriving; `Retry-After` says when to try again", body = Problem, content_type = "application/problem+json"),
        (status = 507, description = "`insufficient_storage`: the server's disk cannot take this upload and keep its reserve", body = Problem, content_type = "application/problem+json"),
    ))]
async fn upload(State(state): State<AppState>, Auth(actor): Auth, req: Request) -> ApiResult<Response> {
    let Some(_slot) = state.uploads.take(actor.id()) else {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_uploads",
            format!(
                "{} uploads of this account are still arriving; send this one when one of them has finished",
                state.uploads.per_user()
            ),
        )
        .with_retry_after(10)
        .into());
    };
    check_space(&state, req.headers()).await?;
    let path = state.imports.incoming_path().await?;
    let received = receive(&state, req, &path).await;
    let (file_name, sha256, size) = match received {
        Ok(r) => r,
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(e);
        }
    };
    let (record, new) = state
        .imports
        .submit(
            actor.id(),
            Upload {
                path,
                file_name,
                sha256,
                size,
            },
        )
        .await?;
    let status = if new { StatusCode::ACCEPTED } else { StatusCode::OK };
    Ok((status, Json(ImportView::from(&record))).into_response())
}

/// The user's imports, newest first (the last 100).
#[utoipa::path(get, path = "/imports", tag = "imports", security(("bearer" = [])),
    responses((status = 200, body = Vec<ImportView>, example = json!([examples::import_view()]))))]
async fn list_imports(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<ImportView>>> {
    let items = state.imports.list(actor.id()).await?;
    Ok(Json(items.iter().map(ImportView::from).collect()))
}

/// One import: status, progress (bytes and records), counts and report.
#[utoipa::path(get, path = "/imports/{id}", tag = "imports", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = ImportView),
        (status = 404, description = "`import_not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn status(
    State(state): State<AppState>,
    Auth(actor): Auth,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<Json<ImportView>> {
    Ok(Json(ImportView::from(&state.imports.get(actor.id(), &id).await?)))
}
