//! What can go wrong in storage, in domain terms. Driver details stay in the source chain for logs.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was violated; `what` names the field that clashed (`username`, `email`, …).
    #[error("{what} already exists")]
    Conflict { what: &'static str },
    /// The record addressed does not exist (or is not visible to the caller).
    #[error("not found")]
    NotFound,
    /// A stored value no longer parses as its domain type: a bug or manual tampering, never user input.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database could not be opened or migrated.
    #[error("cannot open the database: {0}")]
    Open(String),
    /// The database failed or is unreachable.
    #[error("database error")]
    Database(#[source] sqlx::Error),
    /// The database failed on a native SQLite connection (the bulk sample paths).
    #[error("database error: {0}")]
    Native(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                // SQLite names the column ("users.email"), PostgreSQL the constraint ("users_email_key").
                let text = format!("{} {}", db.message(), db.constraint().unwrap_or_default());
                let what = if text.contains("username") {
                    "username"
                } else if text.contains("email") {
                    "email"
                } else {
                    "record"
                };
                return StoreError::Conflict { what };
            }
        }
        if matches!(err, sqlx::Error::RowNotFound) {
            return StoreError::NotFound;
        }
        StoreError::Database(err)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Native(err.to_string())
    }
}
