//! `/api/v1/summaries/*`: per-local-day figures, read from rollups of the merged series.

mod figures;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use wearhouse_services::history::HistoryEntry;
use wearhouse_services::totals::TotalsRequest;
use wearhouse_services::{AuthenticatedUser, Period, Summaries};

pub use self::figures::{FigureColumns, Figures};
use crate::cached::cached;
use crate::examples;
use crate::extract::{Auth, Json, Query};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(daily))
        .routes(routes!(weekly))
        .routes(routes!(monthly))
        .routes(routes!(sleep))
        .routes(routes!(totals))
        .routes(routes!(history))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TotalsParams {
    /// A metric of the catalogue (`steps`, `distance`, `heart_rate` …), or with `group_by=activity_type`
    /// a workout figure: `distance`, `energy`, `duration`, `elevation_gain` or `count`.
    pub metric: String,
    /// day, week (from the user's first weekday), month or year.
    pub period: String,
    /// Any day in the period, `YYYY-MM-DD`.
    pub date: String,
    /// `activity_type`: workout figures per type.
    pub group_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotalsGroupView {
    #[serde(rename = "type")]
    pub activity_type: String,
    pub total: f64,
    /// Workouts of this type in the period.
    pub count: u32,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "metric": "distance", "unit": "m", "start": "2025-06-01", "end": "2025-06-30", "total": 96412.8,
    "groups": [
        {"type": "running", "total": 58230.5, "count": 7},
        {"type": "cycling", "total": 38182.3, "count": 2}
    ]
}))]
pub struct TotalsView {
    pub metric: String,
    pub unit: String,
    /// First and last local day of the period.
    pub start: String,
    pub end: String,
    /// Sum for amounts and workout figures, average for readings; null without data.
    pub total: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<TotalsGroupView>>,
}

/// One total over a period, e.g. the distance covered this month (`metric=distance&period=month`), or
/// per activity type (`&group_by=activity_type`).
#[utoipa::path(get, path = "/summaries/totals", tag = "summaries", security(("bearer" = [])), params(TotalsParams),
    responses(
        (status = 200, body = TotalsView),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn totals(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<TotalsParams>,
) -> ApiResult<Response> {
    let key = format!(
        "totals{:?}",
        (
            &p.metric,
            &p.period,
            &p.date,
            &p.group_by,
            actor.user.first_weekday
        )
    );
    cached(&state, actor.id(), key, compute_totals(&state, &actor, &p)).await
}

async fn compute_totals(
    state: &AppState,
    actor: &AuthenticatedUser,
    p: &TotalsParams,
) -> ApiResult<Json<TotalsView>> {
    let request = TotalsRequest {
        metric: &p.metric,
        period: &p.period,
        date: &p.date,
        group_by: p.group_by.as_deref(),
    };
    let t = state
        .summaries
        .totals(actor.id(), actor.user.first_weekday, request)
        .await?;
    Ok(Json(TotalsView {
        metric: t.metric,
        unit: t.unit,
        start: t.start.to_string(),
        end: t.end.to_string(),
        total: t.total,
        groups: t.groups.map(|groups| {
            groups
                .into_iter()
                .map(|g| TotalsGroupView {
                    activity_type: g.activity_type.as_str().to_owned(),
                    total: g.total,
                    count: g.count,
                })
                .collect()
        }),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryParams {
    /// 1–100, default 15.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// One entry of the history: a sample or an activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntryView {
    /// `sample` or `activity`.
    pub kind: &'static str,
    /// RFC 3339 start (UTC).
    pub start: String,
    pub end: String,
    /// The sample's metric, or the activity's type.
    pub name: String,
    /// The sample's value in `unit`; for an activity, its distance in metres when it has one.
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub source_id: Option<i64>,
    /// The activity's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The latest entries across samples and activities, newest first.
#[utoipa::path(get, path = "/history", tag = "summaries", security(("bearer" = [])), params(HistoryParams),
    responses((status = 200, body = Vec<HistoryEntryView>, example = json!([
        {"kind": "sample", "start": "2025-06-14T06:00:00Z", "end": "2025-06-14T07:00:00Z", "name": "steps",
            "value": 1204.0, "unit": "count", "source_id": 3},
        {"kind": "activity", "start": "2025-06-14T04:50:00Z", "end": "2025-06-14T05:35:00Z", "name": "running",
            "value": 8200.0, "unit": "m", "source_id": 3, "id": examples::RUN_ID, "title": "Morning run along the Spree"},
        {"kind": "sample", "start": "2025-06-14T05:00:00Z", "end": "2025-06-14T05:00:00Z", "name": "resting_heart_rate",
            "value": 52.0, "unit": "count/min", "source_id": 3}
    ]))))]
async fn history(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<HistoryParams>,
) -> ApiResult<Json<Vec<HistoryEntryView>>> {
    let entries = state
        .summaries
        .history(actor.id(), crate::extract::page_limit(p.limit, 15, 100)?)
        .await?;
    let instant = |s: i64| {
        jiff::Timestamp::from_second(s)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    Ok(Json(
        entries
            .into_iter()
            .map(|e| match e {
                HistoryEntry::Sample(s) => HistoryEntryView {
                    kind: "sample",
                    start: instant(s.start),
                    end: instant(s.end),
                    name: s.metric.as_str().to_owned(),
                    value: Some(s.value),
                    unit: Some(s.metric.unit().symbol().to_owned()),
                    source_id: Some(s.source_id),
                    id: None,
                    title: None,
                },
                HistoryEntry::Activity(a) => HistoryEntryView {
                    kind: "activity",
                    start: a.fields.start.to_string(),
                    end: a.fields.end.to_string(),
                    name: a.fields.activity_type.as_str().to_owned(),
                    value: a.fields.distance,
                    unit: a.fields.distance.map(|_| "m".to_owned()),
                    source_id: a.source_id,
                    id: Some(a.id.to_string()),
                    title: a.fields.title.clone(),
                },
            })
            .collect(),
    ))
}

/// One sleep session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SleepSessionView {
    pub start: String,
    pub end: String,
    /// The local day the session counts for: the day it ends.
    pub date: String,
    /// Seconds.
    pub in_bed: f64,
    pub asleep: f64,
    pub awake: f64,
    /// Seconds per stage present (asleep, core, deep, rem, awake).
    pub stages: BTreeMap<String, f64>,
    /// Asleep ÷ in bed.
    pub efficiency: f64,
    /// Ids of the sources whose samples made the session.
    pub sources: Vec<u32>,
    /// With `hypnogram=true`: the night's stages in order, as merged across sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hypnogram: Option<Vec<StagePieceView>>,
}

/// A stretch of one stage in a night.
#[derive(Debug, Serialize, ToSchema)]
pub struct StagePieceView {
    /// RFC 3339 (UTC).
    pub start: String,
    pub end: String,
    pub stage: wearhouse_model::SleepStage,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SleepParams {
    /// First local day, `YYYY-MM-DD`.
    pub from: String,
    /// Last local day, inclusive (at most 366 days after `from`).
    pub to: String,
    /// `true` adds each night's stages in order (`hypnogram`).
    pub hypnogram: Option<bool>,
}

/// Sleep sessions ending on local days `from` to `to` (at most 366 days), built from `sleep` samples
/// merged across sources by priority. Samples less than an hour apart form one session; a session
/// belongs to the local day on which it ends.
#[utoipa::path(get, path = "/sleep", tag = "summaries", security(("bearer" = [])), params(SleepParams),
    responses(
        (status = 200, body = Vec<SleepSessionView>, example = json!([{
            "start": "2025-06-13T21:08:00Z", "end": "2025-06-14T04:41:00Z", "date": "2025-06-14",
            "in_bed": 27180.0, "asleep": 25260.0, "awake": 1920.0,
            "stages": {"awake": 1920.0, "core": 13140.0, "deep": 4380.0, "rem": 7740.0},
            "efficiency": 0.929, "sources": [3],
            "hypnogram": [
                {"start": "2025-06-13T21:08:00Z", "end": "2025-06-13T22:40:00Z", "stage": "core"},
                {"start": "2025-06-13T22:40:00Z", "end": "2025-06-14T00:53:00Z", "stage": "deep"},
                {"start": "2025-06-14T00:53:00Z", "end": "2025-06-14T01:25:00Z", "stage": "awake"},
                {"start": "2025-06-14T01:25:00Z", "end": "2025-06-14T04:41:00Z", "stage": "rem"}
            ]
        }])),
        (status = 422, description = "`validation_failed`: bad date or range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn sleep(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<SleepParams>,
) -> ApiResult<Response> {
    let key = format!("sleep{:?}", (&p.from, &p.to, p.hypnogram));
    cached(&state, actor.id(), key, compute_sleep(&state, &actor, &p)).await
}

async fn compute_sleep(
    state: &AppState,
    actor: &AuthenticatedUser,
    p: &SleepParams,
) -> ApiResult<Json<Vec<SleepSessionView>>> {
    let hypnogram = p.hypnogram.unwrap_or(false);
    let sessions = state.summaries.sleep_sessions(actor.id(), &p.from, &p.to).await?;
    let instant = |s: i64| {
        jiff::Timestamp::from_second(s)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    Ok(Json(
        sessions
            .into_iter()
            .map(|s| SleepSessionView {
                start: instant(s.start),
                end: instant(s.end),
                date: s.date.to_string(),
                in_bed: s.in_bed,
                asleep: s.asleep,
                awake: s.awake,
                stages: s
                    .stages
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), *v))
                    .collect(),
                efficiency: s.efficiency,
                sources: s.sources,
                hypnogram: hypnogram.then(|| {
                    s.hypnogram
                        .iter()
                        .map(|p| StagePieceView {
                            start: instant(p.start),
                            end: instant(p.end),
                            stage: p.stage,
                        })
                        .collect()
                }),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DailyParams {
    /// First local day, `YYYY-MM-DD`.
    pub from: String,
    /// Last local day, inclusive (at most 1,000 days after `from`).
    pub to: String,
}

/// Daily figures as columns: every local day from `from` to `to` is listed, and the i-th entry of each
/// figure's column is the i-th day's (`from` plus i days). The dates are not repeated: a year of them
/// would be 5 KB more.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "from": "2025-06-01",
    "to": "2025-06-03",
    "figures": {
        "steps": [9412, 12030, null],
        "distance": [7012.4, 9120.8, null],
        "active_energy": [512.3, 688.1, null],
        "heart_rate_avg": [68.2, 71.5, null],
        "heart_rate_min": [48, 51, null],
        "heart_rate_max": [151, 172, null],
        "sleep_asleep": [26520, 27960, null],
        "workout_count": [null, 1, null],
        "workout_distance": [null, 10012.3, null]
    }
}))]
pub struct DailySummariesView {
    /// First local day, `YYYY-MM-DD`.
    pub from: String,
    /// Last local day, inclusive.
    pub to: String,
    #[schema(value_type = FigureColumns)]
    pub figures: Figures,
}

/// Weekly or monthly figures as columns: the i-th entry of each figure's column belongs to the period
/// from `start[i]` to `end[i]`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "start": ["2025-05-01", "2025-06-01"],
    "end": ["2025-05-31", "2025-06-30"],
    "figures": {
        "steps": [301223, 287004],
        "distance": [228733.1, 219874.5],
        "heart_rate_avg": [69.4, 70.1]
    }
}))]
pub struct PeriodSummariesView {
    /// First local day of each period, `YYYY-MM-DD`.
    pub start: Vec<String>,
    /// Last local day of each period, inclusive.
    pub end: Vec<String>,
    #[schema(value_type = FigureColumns)]
    pub figures: Figures,
}

/// A summary view as a JSON response, its figures written by `Figures::write_json` (see there
/// why); the same bytes as serializing the view (a test holds them equal).
fn json_response(head: &[(&str, &dyn erased::Json)], figures: &Figures) -> Response {
    let mut out = Vec::with_capacity(figures.size_hint() + 1024);
    out.push(b'{');
    for (name, value) in head {
        out.extend_from_slice(b"\"");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
        value.write(&mut out);
        out.push(b',');
    }
    out.extend_from_slice(b"\"figures\":");
    figures.write_json(&mut out);
    out.push(b'}');
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        out,
    )
        .into_response()
}

mod erased {
    /// A value of a view's head (dates), written with serde_json.
    pub trait Json {
        fn write(&self, out: &mut Vec<u8>);
    }

    impl<T: serde::Serialize> Json for T {
        fn write(&self, out: &mut Vec<u8>) {
            // Strings and lists of strings: serializing into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, self);
        }
    }
}

impl IntoResponse for DailySummariesView {
    fn into_response(self) -> Response {
        json_response(&[("from", &self.from), ("to", &self.to)], &self.figures)
    }
}

impl IntoResponse for PeriodSummariesView {
    fn into_response(self) -> Response {
        json_response(&[("start", &self.start), ("end", &self.end)], &self.figures)
    }
}

impl DailySummariesView {
    fn of(days: Summaries) -> Self {
        let date = |d: Option<&(jiff::civil::Date, jiff::civil::Date)>| {
            d.map(|d| d.0.to_string()).unwrap_or_default()
        };
        DailySummariesView {
            from: date(days.periods.first()),
            to: date(days.periods.last()),
            figures: Figures(days),
        }
    }
}

impl PeriodSummariesView {
    fn of(periods: Summaries) -> Self {
        PeriodSummariesView {
            start: periods.periods.iter().map(|p| p.0.to_string()).collect(),
            end: periods.periods.iter().map(|p| p.1.to_string()).collect(),
            figures: Figures(periods),
        }
    }
}

/// Figures per local day from `from` to `to`, every day listed. Local days follow one rule: the offset
/// observed at measurement when the sample carried one, else the user's time zone at that instant
/// (DST-correct; a zone change in the profile applies from then on). Amounts that cross local midnight
/// are split in proportion to time. Where sources overlap, each moment counts once, from the
/// highest-priority source with data then (wearables before phones, apps and manual entries).
///
/// The answer is columnar (see `FigureColumns`): one array per figure, one entry per day, each figure
/// rounded to its precision (steps and counts whole; metres, kcal and beats per minute to 0.1; …).
/// A year of a watch and a phone is about 56 KB, 19 KB compressed (send `Accept-Encoding: gzip` or
/// `br`).
#[utoipa::path(get, path = "/summaries/daily", tag = "summaries", security(("bearer" = [])), params(DailyParams),
    responses(
        (status = 200, body = DailySummariesView),
        (status = 422, description = "`validation_failed`: bad date or range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn daily(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<DailyParams>,
) -> ApiResult<Response> {
    let key = format!("daily{:?}", (&p.from, &p.to));
    cached(&state, actor.id(), key, async {
        let days = state.summaries.daily(actor.id(), &p.from, &p.to).await?;
        Ok(DailySummariesView::of(days))
    })
    .await
}

/// Figures per week from `from` to `to`, weeks starting on the user's first weekday (profile
/// `first_weekday`). Whole weeks: the first starts on or before `from`.
#[utoipa::path(get, path = "/summaries/weekly", tag = "summaries", security(("bearer" = [])), params(DailyParams),
    responses(
        (status = 200, body = PeriodSummariesView, example = json!({
            "start": ["2025-06-02", "2025-06-09"],
            "end": ["2025-06-08", "2025-06-15"],
            "figures": {
                "steps": [68420, 71877],
                "distance": [51236.4, 54890.2],
                "resting_heart_rate": [52.4, 51.9],
                "workout_count": [4, 5],
                "workout_distance": [24310.5, 29602.8]
            }
        })),
        (status = 422, description = "`validation_failed`: bad date or range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn weekly(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<DailyParams>,
) -> ApiResult<Response> {
    let period = Period::Week(actor.user.first_weekday);
    let key = format!("weekly{:?}", (&p.from, &p.to, actor.user.first_weekday));
    cached(&state, actor.id(), key, async {
        let weeks = state
            .summaries
            .periods(actor.id(), period, &p.from, &p.to)
            .await?;
        Ok(PeriodSummariesView::of(weeks))
    })
    .await
}

/// Figures per calendar month from `from` to `to` (whole months).
#[utoipa::path(get, path = "/summaries/monthly", tag = "summaries", security(("bearer" = [])), params(DailyParams),
    responses(
        (status = 200, body = PeriodSummariesView),
        (status = 422, description = "`validation_failed`: bad date or range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn monthly(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<DailyParams>,
) -> ApiResult<Response> {
    let key = format!("monthly{:?}", (&p.from, &p.to));
    cached(&state, actor.id(), key, async {
        let months = state
            .summaries
            .periods(actor.id(), Period::Month, &p.from, &p.to)
            .await?;
        Ok(PeriodSummariesView::of(months))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use wearhouse_analytics::DayFigures;
    use wearhouse_model::Metric;

    async fn body(response: Response) -> Vec<u8> {
        use http_body_util::BodyExt;
        response.into_body().collect().await.unwrap().to_bytes().to_vec()
    }

    #[tokio::test]
    async fn views_are_written_as_serde_would_write_them() {
        let day: jiff::civil::Date = "2024-02-28".parse().unwrap();
        let days: Vec<_> = (0..3)
            .map(|i| {
                let d = day.checked_add(jiff::Span::new().days(i)).unwrap();
                (d, d)
            })
            .collect();
        let mut summaries = Summaries {
            periods: days,
            figures: Default::default(),
            sleep: vec![None; 3],
            workouts: vec![None; 3],
        };
        let figures = |total: f64| {
            Some(DayFigures {
                total,
                minimum: 1.0,
                maximum: 2.0,
                count: 3,
            })
        };
        summaries.figures.insert(
            Metric::Distance,
            vec![figures(35377.20000000004), None, figures(0.05)],
        );
        summaries
            .figures
            .insert(Metric::HeartRate, vec![None, figures(183.75), figures(1e20)]);
        let daily = DailySummariesView::of(summaries.clone());
        let expected = serde_json::to_vec(&daily).unwrap();
        assert_eq!(body(daily.into_response()).await, expected);
        let periods = PeriodSummariesView::of(summaries);
        let expected = serde_json::to_vec(&periods).unwrap();
        let response = periods.into_response();
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(body(response).await, expected);
    }
}
