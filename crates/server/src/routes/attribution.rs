//! `GET /api/v1/samples/attribution`: where a day's figure comes from, source by source.

use axum::extract::State;
use axum::response::Response;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wearhouse_model::{Metric, MetricKind};
use wearhouse_services::attribution::{DayAttribution, Run, Treatment};
use wearhouse_services::AuthenticatedUser;

use crate::cached::cached;
use crate::extract::{Auth, Json, Query};
use crate::problem::{ApiResult, Problem};
use crate::routes::samples::SourceView;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(attribution))
}

#[derive(Debug, Deserialize)]
pub struct AttributionParams {
    pub metric: String,
    pub date: String,
}

/// Written by hand: `metric` is the catalogue without its categories (`sleep`, whose nights have their
/// own API), an enum no derive gives while keeping the parameter required.
impl IntoParams for AttributionParams {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::Type;
        use utoipa::openapi::{ObjectBuilder, Required};
        let metrics = Metric::ALL
            .iter()
            .filter(|m| m.kind() != MetricKind::Category)
            .map(|m| m.as_str());
        vec![
            ParameterBuilder::new()
                .name("metric")
                .parameter_in(ParameterIn::Query)
                .required(Required::True)
                .description(Some(
                    "An amount (`steps`, `distance`, `active_energy` …) or a reading (`heart_rate`, \
                     `body_mass` …); not `sleep`.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(metrics)),
                ))
                .build(),
            ParameterBuilder::new()
                .name("date")
                .parameter_in(ParameterIn::Query)
                .required(Required::True)
                .description(Some(
                    "The local day, `YYYY-MM-DD` (1900–2099), in the user's time zone of that day.",
                ))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String).pattern(
                    Some("^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
                )))
                .build(),
        ]
    }
}

/// How the merge treated samples.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TreatmentView {
    /// All of it counts toward the day's figure.
    Counted,
    /// Part of it counts; a source of higher priority covered the rest.
    PartlyCounted,
    /// None of it counts: a source of higher priority covered the same time.
    SetAside,
}

impl From<Treatment> for TreatmentView {
    fn from(t: Treatment) -> Self {
        match t {
            Treatment::Counted => TreatmentView::Counted,
            Treatment::PartlyCounted => TreatmentView::PartlyCounted,
            Treatment::SetAside => TreatmentView::SetAside,
        }
    }
}

/// Samples of one source, or all of a source's samples on the day.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    /// RFC 3339 (UTC). A run of readings spans its first to its last reading.
    pub start: String,
    pub end: String,
    #[schema(minimum = 1)]
    pub samples: u32,
    /// Amounts: what lies on the day (the share of an interval crossing midnight). Readings: their mean.
    pub value: f64,
    /// Amounts: the part of `value` the day's figure counts. Readings: the mean of those the merge kept;
    /// null when it kept none.
    pub counted: Option<f64>,
    /// Counted part, 0–1: of the amount, or of the readings.
    #[schema(minimum = 0, maximum = 1)]
    pub share: f64,
    pub treatment: TreatmentView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceAttributionView {
    pub source: SourceView,
    /// All the source's samples on the day together.
    pub total: RunView,
    /// The source's samples on the day by start, neighbours the merge treated alike as one run
    /// (touching intervals; readings a minute apart or less); at most 1,500 runs, denser data grouped.
    pub runs: Vec<RunView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "metric": "steps", "unit": "count", "date": "2025-06-14", "figure": 11840.0,
    "sources": [
        {
            "source": {"id": 3, "provider": "garmin", "kind": "watch", "name": "Ana's Forerunner 265",
                "model": "Forerunner 265", "app": "Garmin Connect", "default_rank": 1, "priority": null, "rank": 1,
                "summary": false, "created_at": "2025-01-20T17:41:09.330127Z"},
            "total": {"start": "2025-06-14T05:00:00Z", "end": "2025-06-14T20:00:00Z", "samples": 180,
                "value": 10900.0, "counted": 10900.0, "share": 1.0, "treatment": "counted"},
            "runs": [
                {"start": "2025-06-14T05:00:00Z", "end": "2025-06-14T20:00:00Z", "samples": 180,
                    "value": 10900.0, "counted": 10900.0, "share": 1.0, "treatment": "counted"}
            ]
        },
        {
            "source": {"id": 1, "provider": "apple_health", "kind": "phone", "name": "Ana's iPhone",
                "model": "iPhone15,2", "app": "Health", "default_rank": 3, "priority": null, "rank": 3,
                "summary": false, "created_at": "2024-11-03T19:40:52.611483Z"},
            "total": {"start": "2025-06-14T06:10:00Z", "end": "2025-06-14T21:30:00Z", "samples": 41,
                "value": 10210.0, "counted": 940.0, "share": 0.092, "treatment": "partly_counted"},
            "runs": [
                {"start": "2025-06-14T06:10:00Z", "end": "2025-06-14T19:55:00Z", "samples": 38,
                    "value": 9270.0, "counted": 0.0, "share": 0.0, "treatment": "set_aside"},
                {"start": "2025-06-14T20:00:00Z", "end": "2025-06-14T21:30:00Z", "samples": 3,
                    "value": 940.0, "counted": 940.0, "share": 1.0, "treatment": "counted"}
            ]
        }
    ]
}))]
pub struct AttributionView {
    #[schema(value_type = Metric)]
    pub metric: &'static str,
    pub unit: &'static str,
    pub date: String,
    /// The day's figure as `GET /summaries/daily` gives it: the counted total of an amount, the mean of
    /// the readings kept; null without data. Rounded to the metric's precision.
    pub figure: Option<f64>,
    /// Sources with samples on the day, highest priority first.
    pub sources: Vec<SourceAttributionView>,
}

fn instant(unix_seconds: i64) -> String {
    Timestamp::from_second(unix_seconds)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn run_view(run: &Run, metric: Metric) -> RunView {
    let cumulative = metric.kind() == MetricKind::Cumulative;
    let treatment = run.treatment(cumulative);
    let (value, counted, share) = if cumulative {
        let share = if run.value > 0.0 {
            (run.counted / run.value).clamp(0.0, 1.0)
        } else if treatment == Treatment::SetAside {
            0.0
        } else {
            1.0
        };
        (run.value, Some(run.counted), share)
    } else {
        let (mean, counted) = run.means();
        let share = f64::from(run.counted_samples) / f64::from(run.samples.max(1));
        (mean, counted, share)
    };
    RunView {
        start: instant(run.start),
        end: instant(run.end),
        samples: run.samples,
        value: metric.round(value),
        counted: counted.map(|c| metric.round(c)),
        share: (share * 1000.0).round() / 1000.0,
        treatment: treatment.into(),
    }
}

fn view(day: &DayAttribution) -> AttributionView {
    AttributionView {
        metric: day.metric.as_str(),
        unit: day.metric.unit().symbol(),
        date: day.date.to_string(),
        figure: day.figure().map(|f| day.metric.round(f)),
        sources: day
            .sources
            .iter()
            .map(|s| SourceAttributionView {
                source: SourceView::from(&s.source),
                total: run_view(&s.whole, day.metric),
                runs: s.runs.iter().map(|r| run_view(r, day.metric)).collect(),
            })
            .collect(),
    }
}

/// Where a day's figure comes from: each source's samples of the metric on the local day, on one
/// timeline, with the part the merge counted and the part it set aside because a source of higher
/// priority (`GET /sources/priority`) covered the same time. The counted parts add up to the day's
/// figure.
#[utoipa::path(get, path = "/samples/attribution", tag = "samples", security(("bearer" = [])),
    params(AttributionParams),
    responses(
        (status = 200, body = AttributionView),
        (status = 422, description = "`validation_failed`: unknown metric (`sleep` is `not_attributable`) or a bad date", body = Problem, content_type = "application/problem+json"),
    ))]
async fn attribution(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<AttributionParams>,
) -> ApiResult<Response> {
    let key = format!("attribution{:?}", (&p.metric, &p.date));
    cached(&state, actor.id(), key, compute(&state, &actor, &p)).await
}

async fn compute(
    state: &AppState,
    actor: &AuthenticatedUser,
    p: &AttributionParams,
) -> ApiResult<Json<AttributionView>> {
    let day = state
        .summaries
        .attribution(actor.id(), &p.metric, &p.date)
        .await?;
    Ok(Json(view(&day)))
}
