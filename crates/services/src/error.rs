//! The services' error type: what went wrong in terms a client can act on. The HTTP layer maps each
//! variant to a status and problem document in one place; `code` strings are stable API.

use wearhouse_model::InvalidInput;
use wearhouse_store::StoreError;

/// One rejected field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub detail: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, invalid: InvalidInput) -> Self {
        Self {
            field: field.into(),
            code: invalid.code,
            detail: invalid.detail,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// One or more fields failed validation.
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    /// The request clashes with existing state (taken username, MFA already on, last admin …).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// Missing, wrong or expired credentials.
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// Authenticated but not allowed.
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    #[error("{detail}")]
    NotFound { code: &'static str, detail: String },
    /// The payload's content is of a type we do not take (sniffed, not declared).
    #[error("{detail}")]
    UnsupportedMedia { detail: String },
    #[error("{detail}")]
    TooLarge { detail: String },
    /// Too many failed logins on one account: try again after `retry_after_secs`.
    #[error("too many failed logins for this account; retry in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// Storage failed; details are logged, never shown.
    #[error("storage failure")]
    Store(#[from] StoreError),
    /// A bug or an environment failure (thread pool gone, hashing failed); logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    /// The error with its causes, for logs: `Display` keeps storage details out of responses, a log
    /// line needs them.
    pub fn with_causes(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            text.push_str(": ");
            text.push_str(&c.to_string());
            cause = c.source();
        }
        text
    }

    /// The stable code of a credential, permission or lookup failure (what a live stream's close
    /// reason carries); `None` for the others.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Self::Conflict { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Forbidden { code, .. }
            | Self::NotFound { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn invalid(field: &str, invalid: InvalidInput) -> Self {
        Self::Invalid(vec![FieldError::new(field, invalid)])
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Unauthorized {
            code,
            detail: detail.into(),
        }
    }

    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            detail: detail.into(),
        }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }

    pub fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            detail: detail.into(),
        }
    }
}
