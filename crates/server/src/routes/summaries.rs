//! `/api/v1/summaries/*`: per-local-day figures, read from rollups of the merged series.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use wearhouse_analytics::DayFigures;
use wearhouse_model::{Metric, MetricKind};
use wearhouse_services::history::HistoryEntry;
use wearhouse_services::summaries::WorkoutFigures;
use wearhouse_services::totals::TotalsRequest;
use wearhouse_services::{DaySummary, Period, PeriodSummary};
use wearhouse_store::SleepRollup;

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
    responses((status = 200, body = Vec<HistoryEntryView>)))]
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
}

/// Sleep sessions ending on local days `from` to `to` (at most 366 days), built from `sleep` samples
/// merged across sources by priority. Samples less than an hour apart form one session; a session
/// belongs to the local day on which it ends.
#[utoipa::path(get, path = "/sleep", tag = "summaries", security(("bearer" = [])), params(DailyParams),
    responses(
        (status = 200, body = Vec<SleepSessionView>),
        (status = 422, description = "`validation_failed`: bad date or range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn sleep(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<DailyParams>,
) -> ApiResult<Json<Vec<SleepSessionView>>> {
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

/// Figures of a day, week or month. Totals for amounts (steps, distance, energy in kcal, minutes, mL);
/// averages, minima and maxima for readings. A figure is absent when nothing was recorded.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Figures {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<f64>,
    /// Metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_energy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basal_energy: Option<f64>,
    /// Active plus basal energy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_energy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub floors: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elevation_gain: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exercise_minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stand_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mindful_minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub water: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heart_rate_avg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heart_rate_min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heart_rate_max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resting_heart_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walking_heart_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hrv_sdnn: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hrv_rmssd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spo2: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub respiratory_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_mass: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vo2max: Option<f64>,
    /// Seconds asleep (any stage) in sessions ending that day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_asleep: Option<f64>,
    /// Seconds in bed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_in_bed: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_awake: Option<f64>,
    /// Seconds of light/core sleep.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_core: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_deep: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_rem: Option<f64>,
    /// Asleep with the stage unknown (older devices).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_unspecified: Option<f64>,
    /// Asleep ÷ in bed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_efficiency: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep_sessions: Option<i64>,
    /// Workouts started that day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workout_count: Option<u32>,
    /// Elapsed seconds of those workouts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workout_duration: Option<f64>,
    /// Metres covered in those workouts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workout_distance: Option<f64>,
}

impl Figures {
    fn with(mut self, sleep: Option<&SleepRollup>, workouts: Option<&WorkoutFigures>) -> Self {
        if let Some(s) = sleep {
            self.sleep_asleep = Some(s.asleep);
            self.sleep_in_bed = Some(s.in_bed);
            self.sleep_awake = Some(s.awake);
            self.sleep_core = Some(s.core);
            self.sleep_deep = Some(s.deep);
            self.sleep_rem = Some(s.rem);
            self.sleep_unspecified = Some(s.unspecified);
            self.sleep_efficiency = (s.in_bed > 0.0).then(|| (s.asleep / s.in_bed).min(1.0));
            self.sleep_sessions = Some(s.sessions);
        }
        if let Some(w) = workouts {
            self.workout_count = Some(w.count);
            self.workout_duration = Some(w.duration);
            self.workout_distance = Some(w.distance);
        }
        self
    }
}

/// One local day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DailySummaryView {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// One week or month (whole periods, first and last day inclusive).
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodSummaryView {
    pub start: String,
    pub end: String,
    #[serde(flatten)]
    pub figures: Figures,
}

impl From<&DaySummary> for DailySummaryView {
    fn from(day: &DaySummary) -> Self {
        DailySummaryView {
            date: day.date.to_string(),
            figures: Figures::from(&day.figures).with(day.sleep.as_ref(), day.workouts.as_ref()),
        }
    }
}

impl From<&PeriodSummary> for PeriodSummaryView {
    fn from(p: &PeriodSummary) -> Self {
        PeriodSummaryView {
            start: p.start.to_string(),
            end: p.end.to_string(),
            figures: Figures::from(&p.figures).with(p.sleep.as_ref(), p.workouts.as_ref()),
        }
    }
}

impl From<&BTreeMap<Metric, DayFigures>> for Figures {
    fn from(figures: &BTreeMap<Metric, DayFigures>) -> Self {
        // Amounts are the period's total; readings the period's average.
        let figure = |m: Metric| {
            figures.get(&m).map(|f| match m.kind() {
                MetricKind::Instantaneous => f.total / f.count.max(1) as f64,
                _ => f.total,
            })
        };
        let heart = figures.get(&Metric::HeartRate);
        let (active, basal) = (figure(Metric::ActiveEnergy), figure(Metric::BasalEnergy));
        Figures {
            steps: figure(Metric::Steps),
            distance: figure(Metric::Distance),
            active_energy: active,
            basal_energy: basal,
            total_energy: (active.is_some() || basal.is_some())
                .then(|| active.unwrap_or(0.0) + basal.unwrap_or(0.0)),
            floors: figure(Metric::Floors),
            elevation_gain: figure(Metric::ElevationGain),
            exercise_minutes: figure(Metric::ExerciseMinutes),
            stand_hours: figure(Metric::StandHours),
            mindful_minutes: figure(Metric::MindfulMinutes),
            water: figure(Metric::Water),
            heart_rate_avg: figure(Metric::HeartRate),
            heart_rate_min: heart.map(|f| f.minimum),
            heart_rate_max: heart.map(|f| f.maximum),
            resting_heart_rate: figure(Metric::RestingHeartRate),
            walking_heart_rate: figure(Metric::WalkingHeartRate),
            hrv_sdnn: figure(Metric::HrvSdnn),
            hrv_rmssd: figure(Metric::HrvRmssd),
            spo2: figure(Metric::Spo2),
            respiratory_rate: figure(Metric::RespiratoryRate),
            body_mass: figure(Metric::BodyMass),
            vo2max: figure(Metric::Vo2max),
            ..Figures::default()
        }
    }
}

/// Figures per local day from `from` to `to`, every day listed. Local days follow one rule: the offset
/// observed at measurement when the sample carried one, else the user's time zone at that instant
/// (DST-correct; a zone change in the profile applies from then on). Amounts that cross local midnight
/// are split in proportion to time. Where sources overlap, each moment counts once, from the
/// highest-priority source with data then (wearables before phones, apps and manual entries).
#[utoipa::path(get, path = "/summaries/daily", tag = "summaries", security(("bearer" = [])), params(DailyParams),
    responses(
        (status = 200, body = Vec<DailySummaryView>),
        (status = 422, description = "`validation_failed`: bad date or range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn daily(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<DailyParams>,
) -> ApiResult<Json<Vec<DailySummaryView>>> {
    let days = state.summaries.daily(actor.id(), &p.from, &p.to).await?;
    Ok(Json(days.iter().map(DailySummaryView::from).collect()))
}

/// Figures per week from `from` to `to`, weeks starting on the user's first weekday (profile
/// `first_weekday`). Whole weeks: the first starts on or before `from`.
#[utoipa::path(get, path = "/summaries/weekly", tag = "summaries", security(("bearer" = [])), params(DailyParams),
    responses(
        (status = 200, body = Vec<PeriodSummaryView>),
        (status = 422, description = "`validation_failed`: bad date or range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn weekly(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<DailyParams>,
) -> ApiResult<Json<Vec<PeriodSummaryView>>> {
    let period = Period::Week(actor.user.first_weekday);
    let weeks = state
        .summaries
        .periods(actor.id(), period, &p.from, &p.to)
        .await?;
    Ok(Json(weeks.iter().map(PeriodSummaryView::from).collect()))
}

/// Figures per calendar month from `from` to `to` (whole months).
#[utoipa::path(get, path = "/summaries/monthly", tag = "summaries", security(("bearer" = [])), params(DailyParams),
    responses(
        (status = 200, body = Vec<PeriodSummaryView>),
        (status = 422, description = "`validation_failed`: bad date or range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn monthly(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<DailyParams>,
) -> ApiResult<Json<Vec<PeriodSummaryView>>> {
    let months = state
        .summaries
        .periods(actor.id(), Period::Month, &p.from, &p.to)
        .await?;
    Ok(Json(months.iter().map(PeriodSummaryView::from).collect()))
}
