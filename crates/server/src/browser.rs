//! Browser mode for login and refresh: the refresh token travels in an HttpOnly cookie scoped to
//! `/api/v1/auth` (never in a body a script could read), and every request that reads the cookie must
//! pass two CSRF checks: its `Origin` is the API's own or a configured CORS origin, and its
//! `X-CSRF-Token` header equals the `wearhouse_csrf` cookie (double submit). Owns cookie text and the
//! checks; it must not decide anything about sessions.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};

use crate::problem::{ApiError, Problem};
use crate::state::HttpSettings;

/// HttpOnly, scoped to the auth endpoints.
pub const REFRESH_COOKIE: &str = "wearhouse_refresh";
/// Readable by the page's scripts (path `/`), which copy it into [`CSRF_HEADER`].
pub const CSRF_COOKIE: &str = "wearhouse_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
const AUTH_PATH: &str = "/api/v1/auth";

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// Whether cookies get `Secure`: when the page calling us is served over TLS, or the server is
/// configured as reached over HTTPS (`hsts`). Browsers refuse `Secure` cookies on plain-HTTP origins
/// other than localhost, so a LAN install over HTTP still works.
fn secure(headers: &HeaderMap, settings: &HttpSettings) -> bool {
    settings.hsts || origin(headers).is_some_and(|o| o.starts_with("https://"))
}

fn origin(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
}

/// The `Set-Cookie` values that hand a browser its session: the refresh token and the CSRF token.
pub fn session_cookies(
    headers: &HeaderMap,
    settings: &HttpSettings,
    refresh_token: &str,
    csrf_token: &str,
    max_age_secs: u64,
) -> Vec<HeaderValue> {
    let secure = if secure(headers, settings) { "; Secure" } else { "" };
    [
        format!(
            "{REFRESH_COOKIE}={refresh_token}; Path={AUTH_PATH}; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{secure}"
        ),
        format!("{CSRF_COOKIE}={csrf_token}; Path=/; Max-Age={max_age_secs}; SameSite=Strict{secure}"),
    ]
    .into_iter()
    .filter_map(|c| HeaderValue::from_str(&c).ok())
    .collect()
}

/// `Set-Cookie` values that remove both cookies.
pub fn clear_cookies(headers: &HeaderMap, settings: &HttpSettings) -> Vec<HeaderValue> {
    let secure = if secure(headers, settings) { "; Secure" } else { "" };
    [
        format!("{REFRESH_COOKIE}=; Path={AUTH_PATH}; Max-Age=0; HttpOnly; SameSite=Strict{secure}"),
        format!("{CSRF_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict{secure}"),
    ]
    .into_iter()
    .filter_map(|c| HeaderValue::from_str(&c).ok())
    .collect()
}

fn csrf_failed(detail: &str) -> ApiError {
    Problem::new(StatusCode::FORBIDDEN, "csrf_failed", detail).into()
}

/// The `Origin` check: present, and either a configured CORS origin or the origin of the `Host` the
/// request was sent to.
pub fn check_origin(headers: &HeaderMap, settings: &HttpSettings) -> Result<(), ApiError> {
    let origin = origin(headers).ok_or_else(|| csrf_failed("browser mode needs an Origin header"))?;
    let allowed_by_config = settings.cors_origins.iter().any(|o| o != "*" && o == origin);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let same_host = origin
        .split_once("://")
        .is_some_and(|(_, authority)| Some(authority) == host);
    if allowed_by_config || same_host {
        Ok(())
    } else {
        Err(csrf_failed("the request's Origin is not allowed"))
    }
}

/// Both checks for a request that reads the refresh cookie; on success the refresh token and the CSRF
/// token (kept for the session's life).
pub fn check_cookie_request<'a>(
    headers: &'a HeaderMap,
    settings: &HttpSettings,
) -> Result<(Option<&'a str>, &'a str), ApiError> {
    check_origin(headers, settings)?;
    let expected = cookie(headers, CSRF_COOKIE).ok_or_else(|| csrf_failed("the CSRF cookie is missing"))?;
    let sent = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| csrf_failed("send the CSRF token in X-CSRF-Token"))?;
    if !constant_time_eq(expected.as_bytes(), sent.as_bytes()) {
        return Err(csrf_failed("the CSRF token does not match"));
    }
    Ok((cookie(headers, REFRESH_COOKIE), expected))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn cookies_are_found_among_several_headers() {
        let h = headers(&[
            ("cookie", "a=1; wearhouse_csrf=xyz"),
            ("cookie", "wearhouse_refresh=r"),
        ]);
        assert_eq!(cookie(&h, CSRF_COOKIE), Some("xyz"));
        assert_eq!(cookie(&h, REFRESH_COOKIE), Some("r"));
        assert_eq!(cookie(&h, "b"), None);
    }

    #[test]
    fn origin_must_be_the_host_or_a_configured_origin() {
        let settings = HttpSettings {
            cors_origins: vec!["https://app.example.org".into(), "*".into()],
            ..HttpSettings::default()
        };
        let ok = headers(&[("origin", "http://h:8080"), ("host", "h:8080")]);
        assert!(check_origin(&ok, &settings).is_ok());
        let configured = headers(&[("origin", "https://app.example.org"), ("host", "api")]);
        assert!(check_origin(&configured, &settings).is_ok());
        for bad in [
            headers(&[("origin", "https://evil.example"), ("host", "h:8080")]),
            headers(&[("host", "h:8080")]),
            headers(&[("origin", "null"), ("host", "h:8080")]),
        ] {
            assert!(check_origin(&bad, &settings).is_err());
        }
    }

    #[test]
    fn csrf_token_compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
