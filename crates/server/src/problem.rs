//! RFC 9457 problem documents and the one mapping from every error the API can return to a response.
//! Each `code` is stable API: clients branch on it, so codes are never renamed.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use wearhouse_services::{FieldError, ServiceError};
use wearhouse_store::StoreError;

/// An `application/problem+json` body.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!(crate::examples::problem()))]
pub struct Problem {
    /// A URI naming the problem type: `urn:wearhouse:problem:{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code (`invalid_credentials`, `mfa_required`, `validation_failed` …).
    pub code: String,
    /// One entry per rejected field, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// Sent as `Retry-After` (seconds), not in the body.
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field's path in the request (`password`, `samples[3].unit`).
    pub field: String,
    pub code: String,
    pub detail: String,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:wearhouse:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// Sends `Retry-After: seconds` with the problem.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn with_fields(mut self, fields: Vec<ProblemField>) -> Self {
        self.errors = fields;
        self
    }

    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Every error a handler can return. `?` converts service errors; the response is built here only.
/// Boxed: errors travel through `Result`s on every path, and the happy path should stay small.
#[derive(Debug)]
pub struct ApiError(pub Box<Problem>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        Self(Box::new(problem))
    }
}

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        let problem = match err {
            // 422: the request was well-formed JSON but its values break the rules.
            ServiceError::Invalid(fields) => {
                let summary = fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.detail))
                    .collect::<Vec<_>>();
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    summary.join("; "),
                )
                .with_fields(fields.into_iter().map(ProblemField::from).collect())
            }
            // 409: clashes with existing state.
            ServiceError::Conflict { code, detail } => Problem::new(StatusCode::CONFLICT, code, detail),
            // 401: the client must (re-)authenticate.
            ServiceError::Unauthorized { code, detail } => {
                Problem::new(StatusCode::UNAUTHORIZED, code, detail)
            }
            // 403: authenticated, not allowed.
            ServiceError::Forbidden { code, detail } => Problem::new(StatusCode::FORBIDDEN, code, detail),
            ServiceError::NotFound { code, detail } => Problem::new(StatusCode::NOT_FOUND, code, detail),
            ServiceError::UnsupportedMedia { detail } => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                detail,
            ),
            ServiceError::TooLarge { detail } => {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", detail)
            }
            // 429: too many failed logins on one account; the delay is in `Retry-After`.
            ServiceError::Throttled { retry_after_secs } => {
                let mut problem = Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "login_throttled",
                    format!("too many failed logins for this account; retry in {retry_after_secs} s"),
                );
                problem.retry_after = Some(retry_after_secs);
                problem
            }
            // 404/409 from storage: the record went away, or a rule was broken, between a handler's
            // reads and its write (a concurrent request won). A race, not a bug.
            ServiceError::Store(StoreError::NotFound) => Problem::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "the resource no longer exists",
            ),
            ServiceError::Store(StoreError::Conflict { what }) => Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("{what} was changed by a concurrent request; retry"),
            ),
            // 503: the database is down or overloaded; retrying later may work. Details go to the log only.
            ServiceError::Store(e @ (StoreError::Database(_) | StoreError::Native(_))) => {
                tracing::error!(error = %e, "database error");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "storage is unavailable; retry later",
                )
            }
            // 500: a bug. Logged in full, shown as nothing more than that.
            ServiceError::Store(e) => internal(&e),
            ServiceError::Internal(message) => internal(&message),
        };
        Self(Box::new(problem))
    }
}

fn internal(err: &dyn std::fmt::Display) -> Problem {
    tracing::error!(error = %err, "internal error");
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "an internal error occurred",
    )
}

impl From<FieldError> for ProblemField {
    fn from(f: FieldError) -> Self {
        Self {
            field: f.field,
            code: f.code.to_owned(),
            detail: f.detail,
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_races_are_client_errors_not_500() {
        let not_found = ApiError::from(ServiceError::Store(StoreError::NotFound));
        assert_eq!(
            (not_found.0.status, not_found.0.code.as_str()),
            (404, "not_found")
        );
        let conflict = ApiError::from(ServiceError::Store(StoreError::Conflict { what: "record" }));
        assert_eq!((conflict.0.status, conflict.0.code.as_str()), (409, "conflict"));
    }

    #[test]
    fn throttled_logins_say_when_to_retry() {
        let response = ApiError::from(ServiceError::Throttled { retry_after_secs: 8 }).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "8");
    }
}
