//! `/api/v1/me/mfa/totp`: enrolment, confirmation and removal of TOTP two-factor authentication.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::examples;
use crate::extract::{Auth, Json};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start, disable))
        .routes(routes!(confirm))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"secret": "JBSWY3DPK5XXE3DEEBZWK5TSMVZA2LTB", "otpauth_uri": "otpauth://totp/Wearhouse:ana?secret=JBSWY3DPK5XXE3DEEBZWK5TSMVZA2LTB&issuer=Wearhouse"}))]
pub struct TotpEnrolmentView {
    /// Base32 secret, for typing into an authenticator app.
    pub secret: String,
    /// `otpauth://` URI, for a QR code.
    pub otpauth_uri: String,
}

/// Start TOTP enrolment. MFA stays off until confirmed with a code.
#[utoipa::path(post, path = "/me/mfa/totp", tag = "mfa", security(("bearer" = [])),
    responses(
        (status = 201, body = TotpEnrolmentView),
        (status = 409, description = "`mfa_already_enabled`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn start(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<(StatusCode, Json<TotpEnrolmentView>)> {
    let e = state.accounts.start_totp(&actor).await?;
    Ok((
        StatusCode::CREATED,
        Json(TotpEnrolmentView {
            secret: e.secret,
            otpauth_uri: e.otpauth_uri,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "492817"}))]
pub struct CodeBody {
    /// The current 6-digit code.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"recovery_codes": ["k7rmq-2xwhd", "p3tzn-8gvca", "w9ejb-4ksyf", "h2nqv-7mdrt", "c5xga-3wpzk", "t8fhu-6bnqe", "r4ymd-9cjxs", "g6vpw-2tkha", "z3qsn-5ermb", "e7kdj-4ufyc"]}))]
pub struct RecoveryCodes {
    /// Ten one-time codes, each usable once instead of a TOTP code. Shown only now.
    pub recovery_codes: Vec<String>,
}

/// Confirm enrolment with a current code; turns MFA on and returns recovery codes.
#[utoipa::path(post, path = "/me/mfa/totp/confirm", tag = "mfa", security(("bearer" = [])), request_body = CodeBody,
    responses(
        (status = 200, body = RecoveryCodes),
        (status = 401, description = "`mfa_invalid`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`mfa_not_started` or `mfa_already_enabled`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn confirm(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Json(body): Json<CodeBody>,
) -> ApiResult<Json<RecoveryCodes>> {
    let recovery_codes = state.accounts.confirm_totp(&actor, &body.code).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": examples::PASSWORD, "code": "492817"}))]
pub struct DisableBody {
    pub password: String,
    /// A current code or a recovery code.
    pub code: String,
}

/// Turn MFA off (needs the password and a code).
#[utoipa::path(delete, path = "/me/mfa/totp", tag = "mfa", security(("bearer" = [])), request_body = DisableBody,
    responses(
        (status = 204, description = "MFA disabled"),
        (status = 401, description = "`invalid_credentials` or `mfa_invalid`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`mfa_not_enabled`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, or `login_throttled` (too many wrong passwords on this account; see `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn disable(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Json(body): Json<DisableBody>,
) -> ApiResult<StatusCode> {
    state
        .accounts
        .disable_totp(&actor, &body.password, &body.code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
