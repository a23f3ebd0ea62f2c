//! Administration of accounts: listing users, changing roles, (de)activating. The admin check for these
//! use cases lives here, not in the HTTP layer, so the CLI and API enforce the same rule.

use wearhouse_model::{Role, Roles, UserId};
use wearhouse_store::{AdminUserUpdate, StoreError, UserRecord};

use crate::accounts::{AccountService, AuthenticatedUser};
use crate::ServiceError;

pub const MAX_PAGE: u32 = 200;

impl AccountService {
    /// Refuses an actor without the admin role (`403 forbidden`).
    pub fn require_admin(actor: &AuthenticatedUser) -> Result<(), ServiceError> {
        if actor.has_role(Role::Admin) {
            Ok(())
        } else {
            Err(ServiceError::forbidden(
                "forbidden",
                "this action needs the admin role",
            ))
        }
    }

    /// One page of users in creation order, after the cursor, and whether more follow (one row more is
    /// read to know, so the last page does not promise another).
    pub async fn list_users(
        &self,
        actor: &AuthenticatedUser,
        after: Option<&UserId>,
        limit: u32,
    ) -> Result<(Vec<UserRecord>, bool), ServiceError> {
        Self::require_admin(actor)?;
        let limit = limit.clamp(1, MAX_PAGE);
        let mut users = self.store.accounts.list_users(after, limit + 1).await?;
        let more = users.len() > limit as usize;
        users.truncate(limit as usize);
        Ok((users, more))
    }

    /// Changes roles and/or the active flag. Refuses to leave the server without an active admin.
    /// Deactivating an account ends its sessions at once.
    pub async fn admin_update_user(
        &self,
        actor: &AuthenticatedUser,
        id: &UserId,
        roles: Option<Roles>,
        active: Option<bool>,
    ) -> Result<UserRecord, ServiceError> {
        Self::require_admin(actor)?;
        let target =
            self.store.accounts.user_by_id(id).await?.ok_or_else(|| {
                ServiceError::not_found("user_not_found", format!("no user with id '{id}'"))
            })?;
        let loses_admin = target.roles.is_admin()
            && target.active
            && (roles.as_ref().is_some_and(|r| !r.is_admin()) || active == Some(false));
        if loses_admin && self.store.accounts.count_active_admins().await? <= 1 {
            return Err(last_admin());
        }
        let now = self.clock.now();
        // The store re-checks the rule atomically with the change (two admins demoting each other at
        // once); the check above only gives the common case its answer without a write.
        let updated = self
            .store
            .accounts
            .admin_update(id, AdminUserUpdate { roles, active }, now)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { what: "last_admin" } => last_admin(),
                StoreError::NotFound => {
                    ServiceError::not_found("user_not_found", format!("no user with id '{id}'"))
                }
                other => other.into(),
            })?;
        if active == Some(false) {
            let ended = self.store.sessions.revoke_all_for_user(id, None, now).await?;
            self.forget_sessions(&ended).await;
        }
        Ok(self.remember(updated).await)
    }
}

fn last_admin() -> ServiceError {
    ServiceError::conflict("last_admin", "this change would leave no active administrator")
}
