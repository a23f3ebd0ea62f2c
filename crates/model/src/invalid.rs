//! The one error every validated constructor returns: a stable machine code plus a human sentence.

/// Why a value was refused. `code` is stable and documented (clients branch on it); `detail` is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct InvalidInput {
    pub code: &'static str,
    pub detail: String,
}

impl InvalidInput {
    pub fn new(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
        }
    }
}
