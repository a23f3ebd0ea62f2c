//! When a live connection's credentials end: the token expires, or the session, the account or the
//! tokens it was issued under are ended (a logout here or in another process, a password change, a
//! deactivation). Checked whenever this process drops a user or session from its caches, and every
//! [`RECHECK`] for what another process changed without telling this one (no Redis).

use std::sync::Arc;
use std::time::Duration;

use wearhouse_services::{AccountService, AuthenticatedUser};

/// How often a connection re-checks its credentials without being told of a change.
const RECHECK: Duration = Duration::from_secs(15);

/// Resolves, with the problem code to close with, once `actor`'s credentials no longer hold.
pub async fn session_ended(accounts: Arc<AccountService>, actor: AuthenticatedUser) -> &'static str {
    let mut invalidations = accounts.watch_invalidations();
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK);
    let expires_in = actor.expires_at - accounts.clock().now().as_second();
    let expiry = tokio::time::sleep(Duration::from_secs(expires_in.max(0) as u64));
    tokio::pin!(expiry);
    loop {
        tokio::select! {
            () = &mut expiry => return "token_expired",
            changed = invalidations.changed() => {
                if changed.is_err() {
                    // The account service is gone: the process is stopping.
                    return "server_stopping";
                }
            }
            _ = recheck.tick() => {}
        }
        match accounts.still_authenticated(&actor).await {
            Ok(()) => {}
            Err(e) => match e.code() {
                Some(code) => return code,
                // A storage failure says nothing about the session: keep the connection, check again.
                None => tracing::warn!(error = %e.with_causes(), "cannot re-check a live stream's session"),
            },
        }
    }
}
