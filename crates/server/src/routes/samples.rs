//! `/api/v1/samples` and `/api/v1/sources`: batch ingestion of health samples and listing them.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use wearhouse_model::{DeviceKind, Metric, MetricKind, Provider, RawValue};
use wearhouse_services::samples::MAX_BATCH;
use wearhouse_services::series::{Resolution, SeriesRequest};
use wearhouse_services::{AuthenticatedUser, SampleInput, SampleListRequest, SourceInput};
use wearhouse_store::{SourceRecord, StoredSample};

use crate::cached::cached;
use crate::examples;
use crate::extract::{body_rejection, parse_json, Auth, Json, Query};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

/// A full batch of 50,000 samples as JSON is about 6–15 MB. The limit leaves room for verbose clients
/// but bounds what one request can make the server allocate while parsing (items are counted after).
const SAMPLES_BODY_LIMIT: usize = 24 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ingest, list_samples).layer(DefaultBodyLimit::max(SAMPLES_BODY_LIMIT)))
        .routes(routes!(sources))
        .routes(routes!(get_priority, put_priority))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Ana's Forerunner 265", "kind": "watch", "provider": "garmin", "model": "Forerunner 265", "app": "Garmin Connect"}))]
pub struct SourceBody {
    /// Shown to the user, e.g. "Ana's Apple Watch".
    pub name: String,
    /// watch, ring, band, chest_strap, bike_computer, scale, blood_pressure_monitor, glucometer, phone,
    /// app, manual, other. Decides the default priority when sources overlap.
    #[schema(value_type = Option<DeviceKind>)]
    pub kind: Option<String>,
    #[schema(value_type = Option<Provider>)]
    pub provider: Option<String>,
    pub model: Option<String>,
    pub app: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleBody {
    /// A metric of the catalogue (`steps`, `heart_rate`, `sleep` …).
    #[schema(value_type = Metric)]
    pub metric: String,
    /// A number, or for `sleep` a stage name (in_bed, asleep, awake, core/light, deep, rem).
    pub value: RawValue,
    /// Any unit of the metric's kind (`km`, `mi`, `lb`, `kJ`, `mg/dL`, `degF` …); the metric's canonical unit
    /// when omitted.
    pub unit: Option<String>,
    /// RFC 3339 with offset. A numeric offset is kept as the offset observed at measurement and decides
    /// the local day; `Z` means the local offset is unknown and the user's time zone decides.
    pub start: String,
    /// Required for interval metrics (steps, energy, sleep …); instantaneous ones may omit it.
    pub end: Option<String>,
    /// Where the sample comes from; "API" (kind app) when omitted.
    pub source: Option<SourceBody>,
    /// The client's own id: a second sample with the same id from the same source is a duplicate.
    pub external_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "samples": [
        {"metric": "steps", "value": 1204, "start": "2025-06-14T08:00:00+02:00", "end": "2025-06-14T09:00:00+02:00",
            "source": {"name": "Ana's Forerunner 265", "kind": "watch", "provider": "garmin"},
            "external_id": "garmin-steps-2025-06-14T08"},
        {"metric": "resting_heart_rate", "value": 52, "unit": "bpm", "start": "2025-06-14T07:00:00+02:00",
            "source": {"name": "Ana's Forerunner 265", "kind": "watch", "provider": "garmin"}},
        {"metric": "body_mass", "value": 61.4, "unit": "kg", "start": "2025-06-14T07:05:00+02:00",
            "source": {"name": "Withings Body+", "kind": "scale", "provider": "withings"}},
        {"metric": "sleep", "value": "deep", "start": "2025-06-14T01:12:00+02:00", "end": "2025-06-14T02:03:00+02:00"}
    ]
}))]
pub struct SampleBatch {
    /// At most 50,000 samples.
    pub samples: Vec<SampleBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RejectionView {
    /// Position of the item in the batch (0-based).
    pub index: usize,
    /// `unknown_metric`, `bad_unit`, `bad_value`, `bad_category`, `implausible_value`, `invalid_time`,
    /// `missing_end`, `end_before_start`, `interval_too_long`, `in_future`, `invalid_source`, …
    pub code: String,
    pub detail: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"accepted": 1287, "duplicates": 14, "rejected": [{"index": 412, "code": "implausible_value", "detail": "heart_rate: 412 count/min is outside 20 to 260"}]}))]
pub struct IngestResponse {
    /// Samples newly stored.
    pub accepted: u64,
    /// Valid samples that were already stored (same source, metric, start and end, or same external id).
    pub duplicates: u64,
    pub rejected: Vec<RejectionView>,
}

impl From<SampleBody> for SampleInput {
    fn from(b: SampleBody) -> Self {
        SampleInput {
            metric: b.metric,
            value: b.value,
            unit: b.unit,
            start: b.start,
            end: b.end,
            source: b.source.map(|s| SourceInput {
                name: s.name,
                kind: s.kind,
                provider: s.provider,
                model: s.model,
                app: s.app,
            }),
            external_id: b.external_id,
        }
    }
}

/// Store a batch of samples. Each item is validated on its own: valid items are stored together
/// (atomically), invalid ones are listed with their index and reason. Idempotent: sending the same
/// batch again stores nothing new. Send `application/json` (`{"samples": [...]}`),
/// `application/x-ndjson` (one sample object per line) or `text/csv` (header row with columns metric,
/// value, unit, start, end, source, source_kind, source_provider, source_model, external_id).
#[utoipa::path(post, path = "/samples", tag = "samples", security(("bearer" = [])), request_body = SampleBatch,
    responses(
        (status = 200, body = IngestResponse),
        (status = 400, description = "`malformed_json` or `malformed_csv`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: more than 50,000 samples or 24 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn ingest(
    State(state): State<AppState>,
    Auth(actor): Auth,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<IngestResponse>> {
    let body = body.map_err(body_rejection)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let items: Vec<SampleBody> = if content_type.starts_with("application/json") {
        parse_json::<SampleBatch>(&body)?.samples
    } else if content_type.starts_with("application/x-ndjson")
        || content_type.starts_with("application/jsonl")
    {
        parse_ndjson(&body)?
    } else if content_type.starts_with("text/csv") {
        parse_csv(&body)?
    } else {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send application/json ({\"samples\": [...]}), application/x-ndjson or text/csv",
        )
        .into());
    };
    if items.len() > MAX_BATCH {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_samples",
            format!("at most {MAX_BATCH} samples per request; split the batch"),
        )
        .into());
    }
    let outcome = state
        .samples
        .ingest(actor.id(), items.into_iter().map(SampleInput::from).collect())
        .await?;
    Ok(Json(IngestResponse {
        accepted: outcome.accepted,
        duplicates: outcome.duplicates,
        rejected: outcome
            .rejected
            .into_iter()
            .map(|r| RejectionView {
                index: r.index,
                code: r.code.to_owned(),
                detail: r.detail,
            })
            .collect(),
    }))
}

/// The columns a CSV upload may have (header row required; only `metric`, `value` and `start` are
/// mandatory). Empty cells count as absent.
const CSV_COLUMNS: [&str; 10] = [
    "metric",
    "value",
    "unit",
    "start",
    "end",
    "source",
    "source_kind",
    "source_provider",
    "source_model",
    "external_id",
];

/// CSV with a header row naming columns from [`CSV_COLUMNS`] in any order. A value that parses as a
/// number is a number, otherwise text (sleep stages). A malformed file fails the request, naming the line.
fn parse_csv(body: &[u8]) -> Result<Vec<SampleBody>, ApiError> {
    let bad = |detail: String| ApiError::from(Problem::new(StatusCode::BAD_REQUEST, "malformed_csv", detail));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| bad(format!("header row: {e}")))?
        .clone();
    let mut index = std::collections::HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        if !CSV_COLUMNS.contains(&name) {
            return Err(bad(format!(
                "unknown column '{name}'; known columns: {}",
                CSV_COLUMNS.join(", ")
            )));
        }
        index.insert(name, i);
    }
    for required in ["metric", "value", "start"] {
        if !index.contains_key(required) {
            return Err(bad(format!("the header row needs a '{required}' column")));
        }
    }
    let mut items = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(format!("line {}: {e}", n + 2)))?;
        let cell = |name: &str| {
            index
                .get(name)
                .and_then(|i| record.get(*i))
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let value = cell("value").unwrap_or_default();
        let source = cell("source").map(|name| SourceBody {
            name,
            kind: cell("source_kind"),
            provider: cell("source_provider"),
            model: cell("source_model"),
            app: None,
        });
        items.push(SampleBody {
            metric: cell("metric").unwrap_or_default(),
            value: value
                .parse::<f64>()
                .map(RawValue::Number)
                .unwrap_or(RawValue::Text(value)),
            unit: cell("unit"),
            start: cell("start").unwrap_or_default(),
            end: cell("end"),
            source,
            external_id: cell("external_id"),
        });
    }
    Ok(items)
}

/// One JSON object per non-empty line; an unparsable line fails the request and is named.
fn parse_ndjson(body: &[u8]) -> Result<Vec<SampleBody>, ApiError> {
    let mut items = Vec::new();
    for (number, line) in body.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let item = parse_json::<SampleBody>(line).map_err(|e| {
            let mut problem = *e.0;
            problem.detail = format!("line {}: {}", number + 1, problem.detail);
            ApiError::from(problem)
        })?;
        items.push(item);
    }
    Ok(items)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// The metric to list.
    #[param(value_type = wearhouse_model::Metric)]
    pub metric: String,
    /// Samples starting at or after this RFC 3339 instant (1900–2099).
    #[param(
        pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|-(0[0-9]|1[01]):[0-5][0-9]|-12:00|\\+(0[0-9]|1[0-3]):[0-5][0-9]|\\+14:00)$"
    )]
    pub from: Option<String>,
    /// Samples starting before this RFC 3339 instant.
    #[param(
        pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|-(0[0-9]|1[01]):[0-5][0-9]|-12:00|\\+(0[0-9]|1[0-3]):[0-5][0-9]|\\+14:00)$"
    )]
    pub to: Option<String>,
    /// Only this source (an id from `GET /api/v1/sources`).
    pub source: Option<i64>,
    /// `raw` (the default) lists samples as stored, every source's. `minute`, `hour` and `day` give buckets
    /// (sum for amounts; average, minimum and maximum for readings); `day` buckets are local days.
    #[param(pattern = "^(raw|minute|hour|day)$")]
    pub resolution: Option<String>,
    /// For buckets: `true` (the default) merges sources by priority, each moment from the best source with
    /// data; `false` gives every source's own buckets side by side.
    pub merge: Option<bool>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–10,000, default 1,000.
    #[param(minimum = 1, maximum = 10_000)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SampleView {
    #[schema(value_type = Metric)]
    pub metric: &'static str,
    /// In `unit`, the metric's canonical unit; for `sleep`, the stage code (see `SleepStage`).
    pub value: f64,
    pub unit: String,
    /// RFC 3339, with the observed offset when known (else UTC, `Z`); for a floating sample, its
    /// wall-clock time with the offset the user's time-zone history gives it.
    pub start: String,
    pub end: String,
    /// Read from a file that gave only wall-clock times (Fitbit's sleep, weights and daily values,
    /// Google Fit's daily rows): its instants follow the user's time-zone history, and move to the
    /// same local times when the history is corrected.
    pub floating: bool,
    pub source_id: i64,
    pub external_id: Option<String>,
    pub ingested_at: String,
}

/// A bucket of a series.
#[derive(Debug, Serialize, ToSchema)]
pub struct BucketView {
    /// RFC 3339 (UTC).
    pub start: String,
    pub end: String,
    /// The local date, for `resolution=day`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The sum (amounts) or the average (readings), in the metric's canonical unit.
    pub value: f64,
    pub min: f64,
    pub max: f64,
    /// Readings (or merged pieces of amounts) in the bucket.
    pub count: i64,
    /// Ids of the sources the merged value came from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<i64>,
    /// The source of an unmerged bucket (`merge=false` or `source=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BucketListView {
    #[schema(value_type = Metric)]
    pub metric: &'static str,
    pub unit: String,
    pub resolution: String,
    pub buckets: Vec<BucketView>,
}

/// Raw samples a page at a time, or a bucketed series.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
#[schema(example = json!({
    "items": [
        {"metric": "heart_rate", "value": 52.0, "unit": "count/min", "start": "2025-06-14T06:31:00+02:00",
            "end": "2025-06-14T06:31:00+02:00", "floating": false, "source_id": 3, "external_id": null, "ingested_at": "2025-06-14T05:52:09.871305Z"},
        {"metric": "heart_rate", "value": 55.0, "unit": "count/min", "start": "2025-06-14T06:36:00+02:00",
            "end": "2025-06-14T06:36:00+02:00", "floating": false, "source_id": 3, "external_id": null, "ingested_at": "2025-06-14T05:52:09.871305Z"}
    ],
    "next_cursor": "1749875760.3.1749875760"
}))]
pub enum SampleListView {
    Raw(SamplePageView),
    Buckets(BucketListView),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SamplePageView {
    pub items: Vec<SampleView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// RFC 3339 instants of whole UTC seconds, exactly as `Timestamp`'s `Display` writes them (empty when
/// out of its range), each day's date formatted once: an hourly month writes 1,440 instants, and
/// jiff's printer per instant was a tenth of the request.
#[derive(Default)]
struct UtcInstants {
    /// The day (since 1970) `date` was formatted for, and its `YYYY-MM-DD`.
    day: Option<i64>,
    date: String,
}

impl UtcInstants {
    fn format(&mut self, unix_seconds: i64) -> String {
        let Ok(instant) = Timestamp::from_second(unix_seconds) else {
            return String::new();
        };
        let day = unix_seconds.div_euclid(86_400);
        if self.day != Some(day) {
            let midnight = instant - jiff::SignedDuration::from_secs(unix_seconds.rem_euclid(86_400));
            let text = midnight.to_string();
            self.date = text
                .split_once('T')
                .map_or(text.clone(), |(date, _)| date.to_owned());
            self.day = Some(day);
        }
        let second = unix_seconds.rem_euclid(86_400);
        let mut out = String::with_capacity(self.date.len() + 10);
        out.push_str(&self.date);
        out.push('T');
        for (i, part) in [second / 3600, second / 60 % 60, second % 60]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                out.push(':');
            }
            // Each part is below 60: two digits.
            out.push(char::from(b'0' + (part / 10) as u8));
            out.push(char::from(b'0' + (part % 10) as u8));
        }
        out.push('Z');
        out
    }
}

fn rfc3339(unix_seconds: i64, offset_minutes: Option<i16>) -> String {
    let Ok(ts) = Timestamp::from_second(unix_seconds) else {
        return unix_seconds.to_string();
    };
    match offset_minutes.and_then(|m| Offset::from_seconds(i32::from(m) * 60).ok()) {
        Some(offset) => ts
            .to_zoned(TimeZone::fixed(offset))
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        None => ts.to_string(),
    }
}

impl From<&StoredSample> for SampleView {
    fn from(s: &StoredSample) -> Self {
        SampleView {
            metric: s.metric.as_str(),
            value: s.value,
            unit: s.metric.unit().symbol().to_owned(),
            start: rfc3339(s.start, s.offset_minutes),
            end: rfc3339(s.end, s.floating_end_offset.or(s.offset_minutes)),
            floating: s.floating_end_offset.is_some(),
            source_id: s.source_id,
            external_id: s.external_id.clone(),
            ingested_at: s.ingested_at.to_string(),
        }
    }
}

/// List samples of one metric. `resolution=raw` (the default): samples as stored, oldest first, with
/// cursor pagination that neither skips nor repeats items while new samples arrive. `minute`, `hour`,
/// `day`: buckets over `from`..`to` (at most 7, 366 and 1,000 days), of the merged series unless
/// `merge=false` or `source=` asks for sources' own.
#[utoipa::path(get, path = "/samples", tag = "samples", security(("bearer" = [])), params(ListParams),
    responses(
        (status = 200, body = SampleListView),
        (status = 400, description = "`unsupported_resolution`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: unknown metric, bad time, range or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_samples(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    let resolution = p.resolution.as_deref().unwrap_or("raw");
    if resolution != "raw" {
        let Some(bucketed) = Resolution::parse(resolution) else {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "unsupported_resolution",
                "resolution is raw, minute, hour or day",
            )
            .into());
        };
        let key = format!(
            "series{:?}",
            (&p.metric, &p.from, &p.to, p.source, resolution, p.merge)
        );
        return cached(&state, actor.id(), key, series(&state, &actor, &p, bucketed)).await;
    }
    let request = SampleListRequest {
        metric: &p.metric,
        from: p.from.as_deref(),
        to: p.to.as_deref(),
        source: p.source,
        cursor: p.cursor.as_deref(),
        limit: crate::extract::page_limit(p.limit, 1000, 10_000)?,
    };
    let page = state.samples.list(actor.id(), request).await?;
    Ok(Json(SampleListView::Raw(SamplePageView {
        items: page.items.iter().map(SampleView::from).collect(),
        next_cursor: page.next_cursor,
    }))
    .into_response())
}

/// Buckets of one metric (`resolution` minute, hour or day).
async fn series(
    state: &AppState,
    actor: &AuthenticatedUser,
    p: &ListParams,
    bucketed: Resolution,
) -> ApiResult<Json<SampleListView>> {
    let resolution = p.resolution.as_deref().unwrap_or("raw");
    let request = SeriesRequest {
        metric: &p.metric,
        from: p.from.as_deref(),
        to: p.to.as_deref(),
        resolution: bucketed,
        source: p.source,
        merge: p.merge.unwrap_or(true),
    };
    let buckets = state.summaries.series(actor.id(), request).await?;
    let metric = p.metric.parse::<Metric>().ok();
    let mut instants = UtcInstants::default();
    let mut instant = |s: i64| instants.format(s);
    Ok(Json(SampleListView::Buckets(BucketListView {
        metric: metric.map(|m| m.as_str()).unwrap_or_default(),
        unit: metric.map(|m| m.unit().symbol().to_owned()).unwrap_or_default(),
        resolution: resolution.to_owned(),
        buckets: buckets
            .into_iter()
            .map(|b| BucketView {
                start: instant(b.start),
                end: instant(b.end),
                date: b.date.map(|d| d.to_string()),
                value: match metric.map(|m| m.kind()) {
                    Some(MetricKind::Instantaneous) => b.figures.total / b.figures.count.max(1) as f64,
                    _ => b.figures.total,
                },
                min: b.figures.minimum,
                max: b.figures.maximum,
                count: b.figures.count,
                sources: b.sources,
                source_id: b.source,
            })
            .collect(),
    })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceView {
    pub id: i64,
    pub provider: Provider,
    pub kind: DeviceKind,
    pub name: String,
    pub model: Option<String>,
    pub app: Option<String>,
    /// Default priority when sources overlap: lower wins (wearables before phones, apps and manual entries).
    pub default_rank: u32,
    /// Position in the user's explicit order (`PUT /api/v1/sources/priority`), if set.
    pub priority: Option<i64>,
    /// Effective rank used when sources overlap: lower wins; an explicit order comes first.
    pub rank: u32,
    /// The source gives totals over periods (days, quarters of an hour) of data its provider also gives
    /// finer, like Google Fit's daily rows beside its data points: merged figures count it only for what
    /// that finer data does not already account for.
    pub summary: bool,
    pub created_at: String,
}

impl From<&SourceRecord> for SourceView {
    fn from(s: &SourceRecord) -> Self {
        SourceView {
            id: s.id,
            provider: s.descriptor.provider,
            kind: s.descriptor.kind,
            name: s.descriptor.name.clone(),
            model: s.descriptor.model.clone(),
            app: s.descriptor.app.clone(),
            default_rank: s.descriptor.kind.default_rank(),
            priority: s.priority,
            rank: s.rank(),
            summary: s.descriptor.summary,
            created_at: s.created_at.to_string(),
        }
    }
}

/// The user's data sources.
#[utoipa::path(get, path = "/sources", tag = "samples", security(("bearer" = [])),
    responses((status = 200, body = Vec<SourceView>, example = json!(examples::sources()))))]
async fn sources(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<SourceView>>> {
    Ok(Json(
        state
            .samples
            .sources(actor.id())
            .await?
            .iter()
            .map(SourceView::from)
            .collect(),
    ))
}

/// The user's sources, highest priority first. Where sources overlap, each moment is taken from the
/// highest-priority source with data then.
#[utoipa::path(get, path = "/sources/priority", tag = "samples", security(("bearer" = [])),
    responses((status = 200, body = Vec<SourceView>, example = json!(examples::sources()))))]
async fn get_priority(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<SourceView>>> {
    Ok(Json(
        state
            .samples
            .source_priority(actor.id())
            .await?
            .iter()
            .map(SourceView::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"order": [3, 1]}))]
pub struct PriorityBody {
    /// Source ids, highest priority first. Sources not listed keep their default order after these.
    pub order: Vec<i64>,
}

/// Set the source priority. Summaries are recomputed with the new order in the background; summary
/// reads wait until that is done.
#[utoipa::path(put, path = "/sources/priority", tag = "samples", security(("bearer" = [])), request_body = PriorityBody,
    responses(
        (status = 200, body = Vec<SourceView>, example = json!(examples::sources())),
        (status = 422, description = "`validation_failed`: `unknown_source` or `duplicate_source`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn put_priority(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Json(body): Json<PriorityBody>,
) -> ApiResult<Json<Vec<SourceView>>> {
    let sources = state.samples.set_source_priority(actor.id(), &body.order).await?;
    Ok(Json(sources.iter().map(SourceView::from).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_instants_are_written_as_jiff_writes_them() {
        let mut instants = UtcInstants::default();
        let mut seconds: Vec<i64> = vec![
            0,
            -1,
            59,
            3_599,
            86_399,
            86_400,
            -86_401,
            1_717_200_000,
            253_402_300_799,
        ];
        seconds.extend((0..2_000).map(|h| 1_704_067_200 + h * 3_600 + (h % 7) * 61));
        seconds.extend((0..500).map(|k| -62_135_596_800 + k * 9_876_543));
        seconds.extend([i64::MAX, i64::MIN, 999_999_999_999]);
        for s in seconds {
            let expected = Timestamp::from_second(s)
                .map(|t| t.to_string())
                .unwrap_or_default();
            assert_eq!(instants.format(s), expected, "{s}");
        }
    }
}
