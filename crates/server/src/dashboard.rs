//! The web dashboard at `/`: its files with their caching and encodings, `index.html` for the app's
//! own routes (the browser routes them), and the dashboard's Content-Security-Policy. Which file
//! answers a path is `wearhouse_web`'s business; this module only makes the response. Paths of the API,
//! the docs and the probes never fall through to the dashboard: an unknown one stays a problem+json 404.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use wearhouse_web::{Asset, Caching, Encoding};

use crate::map_tiles::MapTiles;
use crate::middleware::problems;
use crate::state::AppState;

/// The dashboard's policy: its scripts and styles are files of its own (no inline code, no
/// `unsafe-inline`), it talks only to this server, avatars come as `blob:` URLs, and images may also
/// come from the configured map tile server (its origin only). `Worker` is the policy scripts are
/// served with, which only a worker runs under: the service worker fetches what the page asks for,
/// the basemap's tiles included, so it may also connect to the tile server.
pub fn csp(tiles: Option<&MapTiles>, under: Policy) -> String {
    let tile_origin = tiles.map(|t| format!(" {}", t.origin)).unwrap_or_default();
    let connect_tiles = match under {
        Policy::Page => "",
        Policy::Worker => tile_origin.as_str(),
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:{tile_origin}; \
connect-src 'self'{connect_tiles}; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Which policy a response carries: a page's, or a script's (which applies when a worker runs it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Page,
    Worker,
}

fn csp_header(state: &AppState, under: Policy) -> HeaderValue {
    // The tile origin was checked to hold only characters a header value may (no spaces, quotes,
    // semicolons or commas), so this cannot fail; the fallback is the policy without tiles.
    HeaderValue::from_str(&csp(state.settings.map_tiles.as_ref(), under)).unwrap_or_else(|_| {
        HeaderValue::from_static("default-src 'self'; img-src 'self' blob: data:; frame-ancestors 'none'")
    })
}

/// Path prefixes that belong to the server, not the dashboard.
const SERVER_PATHS: [&str; 6] = ["/api", "/docs", "/redoc", "/healthz", "/readyz", "/metrics"];

/// The router's fallback: a dashboard file, `index.html` for a client route, or a 404 problem.
pub async fn fallback(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path();
    let server_path = SERVER_PATHS
        .iter()
        .any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')));
    if server_path || (method != Method::GET && method != Method::HEAD) {
        return problems::not_found().await;
    }
    let relative = path.trim_start_matches('/');
    let accepts = |e: Encoding| accepts_encoding(&headers, e.token());
    if let Some(asset) = wearhouse_web::file(relative, accepts) {
        return respond(asset, &headers, &state);
    }
    // A last segment with an extension names a file, and a missing file is not a page of the app.
    if relative.rsplit('/').next().is_some_and(|name| name.contains('.')) {
        return problems::not_found().await;
    }
    match wearhouse_web::file("index.html", accepts) {
        Some(index) => respond(index, &headers, &state),
        None => not_built(csp_header(&state, Policy::Page)),
    }
}

/// Whether `Accept-Encoding` accepts `token` (`br`, `gzip`), by name or `*`, with a non-zero weight.
fn accepts_encoding(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case(token) || name == "*") && !refused
        })
}

fn respond(asset: Asset, request: &HeaderMap, state: &AppState) -> Response {
    let etag = HeaderValue::from_str(&asset.etag).ok();
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == asset.etag || t.trim() == "*"));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        asset.body.into_owned().into_response()
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&asset.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Some(encoding) = asset.encoding {
        h.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(encoding.token()),
        );
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match asset.caching {
            Caching::Immutable => "public, max-age=31536000, immutable",
            Caching::Revalidate => "no-cache",
        }),
    );
    if let Some(etag) = etag {
        h.insert(header::ETAG, etag);
    }
    // Pages, and scripts: a worker (the service worker that keeps the shell for offline starts) runs
    // under the policy its script came with, and must reach the server it was served by.
    if asset.content_type.starts_with("text/html") {
        h.insert(header::CONTENT_SECURITY_POLICY, csp_header(state, Policy::Page));
    } else if asset.content_type.contains("javascript") {
        h.insert(header::CONTENT_SECURITY_POLICY, csp_header(state, Policy::Worker));
    }
    response
}

/// What `/` shows when the dashboard was not built (debug builds without `web/dist`, or a release
/// built with `WEARHOUSE_SKIP_WEB=1`).
fn not_built(policy: HeaderValue) -> Response {
    let page = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Wearhouse</title></head>\n\
<body><main><h1>Wearhouse is running</h1>\n\
<p>The web dashboard is not part of this build. Build it with <code>npm --prefix web ci &amp;&amp; npm --prefix web run build</code> \
(a debug build then serves <code>web/dist/browser</code> from disk), or build a release with <code>cargo build --release</code>, \
which builds and embeds it (unless <code>WEARHOUSE_SKIP_WEB=1</code>).</p>\n\
<p>The API is at <a href=\"/api/v1/openapi.json\">/api/v1</a>, its documentation at <a href=\"/docs\">/docs</a>.</p>\n\
</main></body></html>\n";
    let mut response = Html(page).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::CONTENT_SECURITY_POLICY, policy);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn the_policy_lets_images_come_from_the_tile_server_and_its_worker_fetch_them() {
        let directive = |policy: &str, name: &str| {
            policy
                .split(';')
                .map(str::trim)
                .find(|d| d.starts_with(name))
                .unwrap()
                .to_owned()
        };
        let plain = csp(None, Policy::Page);
        assert_eq!(directive(&plain, "img-src"), "img-src 'self' blob: data:");
        assert_eq!(plain, csp(None, Policy::Worker));
        let tiles = MapTiles::parse("https://tiles.example.org/{z}/{x}/{y}.png", "", 19)
            .unwrap()
            .unwrap();
        let page = csp(Some(&tiles), Policy::Page);
        assert_eq!(
            directive(&page, "img-src"),
            "img-src 'self' blob: data: https://tiles.example.org"
        );
        assert_eq!(
            directive(&page, "connect-src"),
            "connect-src 'self'",
            "the page itself connects only home"
        );
        let worker = csp(Some(&tiles), Policy::Worker);
        assert_eq!(
            directive(&worker, "connect-src"),
            "connect-src 'self' https://tiles.example.org"
        );
        assert_eq!(page.replace(" https://tiles.example.org", ""), plain);
    }

    #[test]
    fn accept_encoding_honours_names_wildcards_and_zero_weights() {
        assert!(accepts_encoding(&accept("gzip, deflate, br"), "br"));
        assert!(accepts_encoding(&accept("GZIP;q=0.5"), "gzip"));
        assert!(accepts_encoding(&accept("*"), "br"));
        assert!(!accepts_encoding(&accept("br;q=0, gzip"), "br"));
        assert!(!accepts_encoding(&accept("gzip"), "br"));
        assert!(!accepts_encoding(&HeaderMap::new(), "gzip"));
    }
}
