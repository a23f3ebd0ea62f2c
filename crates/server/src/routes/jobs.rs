//! `/api/v1/admin/jobs`: the background job queue, for administrators.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wearhouse_store::{JobRecord, JobState};

use crate::extract::{Admin, Json, Query};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_jobs))
        .routes(routes!(retry_job))
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobStateView {
    Queued,
    Running,
    Done,
    Dead,
}

impl From<JobState> for JobStateView {
    fn from(s: JobState) -> Self {
        match s {
            JobState::Queued => JobStateView::Queued,
            JobState::Running => JobStateView::Running,
            JobState::Done => JobStateView::Done,
            JobState::Dead => JobStateView::Dead,
        }
    }
}

impl From<JobStateView> for JobState {
    fn from(s: JobStateView) -> Self {
        match s {
            JobStateView::Queued => JobState::Queued,
            JobStateView::Running => JobState::Running,
            JobStateView::Done => JobState::Done,
            JobStateView::Dead => JobState::Dead,
        }
    }
}

/// One background job.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!(job_example()))]
pub struct JobView {
    pub id: i64,
    /// What runs it: `imports.run`, `rollups.recompute`, `maintenance.purge`, `noop`.
    pub kind: String,
    /// The job's input.
    pub payload: serde_json::Value,
    /// At most one queued-or-running job per key.
    pub unique_key: Option<String>,
    /// Higher runs first.
    pub priority: i32,
    pub state: JobStateView,
    /// Runs started so far.
    pub attempts: i32,
    /// Failures after which it is dead.
    pub max_attempts: i32,
    /// Not run before this instant (the next retry, when it failed).
    #[schema(format = DateTime)]
    pub run_at: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub started_at: Option<String>,
    #[schema(format = DateTime)]
    pub finished_at: Option<String>,
    /// The worker running it (`host:pid:id`).
    pub lease_owner: Option<String>,
    /// When the worker's lease ends unless renewed.
    #[schema(format = DateTime)]
    pub lease_until: Option<String>,
    /// Why its last run failed.
    pub last_error: Option<String>,
}

fn job_example() -> serde_json::Value {
    serde_json::json!({
        "id": 4211, "kind": "imports.run", "payload": {"import": "imp_0192f4c1a7b37c3e9d2a5b8e6f1c0d94"},
        "unique_key": "import:imp_0192f4c1a7b37c3e9d2a5b8e6f1c0d94", "priority": 0, "state": "dead",
        "attempts": 5, "max_attempts": 5, "run_at": "2026-03-29T09:14:02Z", "created_at": "2026-03-29T09:00:00Z",
        "started_at": "2026-03-29T09:13:58Z", "finished_at": "2026-03-29T09:14:02Z", "lease_owner": null,
        "lease_until": null, "last_error": "database error: connection refused"
    })
}

impl From<&JobRecord> for JobView {
    fn from(j: &JobRecord) -> Self {
        JobView {
            id: j.id,
            kind: j.kind.clone(),
            payload: serde_json::from_str(&j.payload).unwrap_or(serde_json::Value::Null),
            unique_key: j.unique_key.clone(),
            priority: j.priority,
            state: j.state.into(),
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: j.run_at.to_string(),
            created_at: j.created_at.to_string(),
            started_at: j.started_at.map(|t| t.to_string()),
            finished_at: j.finished_at.map(|t| t.to_string()),
            lease_owner: j.lease_owner.clone(),
            lease_until: j.lease_until.map(|t| t.to_string()),
            last_error: j.last_error.clone(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct JobListParams {
    /// Only jobs in this state.
    pub state: Option<JobStateView>,
    /// `next_cursor` of the previous page.
    #[param(minimum = 1)]
    pub cursor: Option<i64>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [job_example()], "next_cursor": 4211}))]
pub struct JobPage {
    pub items: Vec<JobView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<i64>,
}

/// Background jobs, newest first.
#[utoipa::path(get, path = "/admin/jobs", tag = "admin", security(("bearer" = [])), params(JobListParams),
    responses(
        (status = 200, body = JobPage),
        (status = 403, description = "`forbidden`: not an admin", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_jobs(
    State(state): State<AppState>,
    Admin(_admin): Admin,
    Query(params): Query<JobListParams>,
) -> ApiResult<Json<JobPage>> {
    let limit = crate::extract::page_limit(params.limit, 50, 200)?;
    if params.cursor.is_some_and(|c| c < 1) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
            "the cursor is not valid",
        )
        .into());
    }
    let (jobs, more) = state
        .jobs
        .list(params.state.map(JobState::from), params.cursor, limit)
        .await?;
    let next_cursor = more.then(|| jobs.last().map(|j| j.id)).flatten();
    Ok(Json(JobPage {
        items: jobs.iter().map(JobView::from).collect(),
        next_cursor,
    }))
}

/// Queue a dead job again, its attempts reset.
#[utoipa::path(post, path = "/admin/jobs/{id}/retry", tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Job id", minimum = 1)),
    responses(
        (status = 200, body = JobView),
        (status = 403, description = "`forbidden`: not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`job_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`job_not_dead`: only dead jobs are retried; `job_key_taken`: a job with its key is queued or running", body = Problem, content_type = "application/problem+json"),
    ))]
async fn retry_job(
    State(state): State<AppState>,
    Admin(_admin): Admin,
    Path(id): Path<String>,
) -> ApiResult<Json<JobView>> {
    let id: i64 = id
        .parse()
        .ok()
        .filter(|id| *id >= 1)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "job_not_found", format!("no job '{id}'")))?;
    let job = state.jobs.retry(id).await?;
    Ok(Json(JobView::from(&job)))
}
