//! The dashboard at `/`: `index.html` for the app's routes, its files with long caching when their
//! names are hashed, precompressed when the client accepts it, and a policy without inline scripts.
//! Debug builds read `web/dist/browser` from disk: with it, the built app is checked; without it, the
//! page saying how to build it. CI builds the dashboard first and sets `WEARHOUSE_TEST_REQUIRE_WEB=1`,
//! so the built app is always checked there.

use std::path::PathBuf;

use crate::harness::*;

fn dist() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/dist/browser");
    let built = dir.join("index.html").exists();
    if !built && std::env::var("WEARHOUSE_TEST_REQUIRE_WEB").is_ok_and(|v| v == "1") {
        panic!("WEARHOUSE_TEST_REQUIRE_WEB=1 but {} has no build", dir.display());
    }
    built.then_some(dir)
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The directive `name` of a Content-Security-Policy, as written there.
fn directive(csp: &str, name: &str) -> String {
    csp.split(';')
        .map(str::trim)
        .find(|d| d.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no {name} in {csp}"))
        .to_owned()
}

fn script_src(csp: &str) -> String {
    directive(csp, "script-src")
}

#[tokio::test]
async fn the_root_and_client_routes_serve_the_app_page_under_a_strict_policy() {
    let app = spawn_app().await;
    let root = app.get("/", None).await;
    assert_eq!(root.status(), 200);
    assert!(header(&root, "content-type").starts_with("text/html"));
    assert_eq!(header(&root, "cache-control"), "no-cache");
    let csp = header(&root, "content-security-policy");
    assert_eq!(script_src(&csp), "script-src 'self'", "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let page = root.text().await.unwrap();
    for route in ["/settings", "/imports", "/sign-in", "/some/deep/client/route"] {
        let res = app.get(route, None).await;
        assert_eq!(res.status(), 200, "{route}");
        assert_eq!(res.text().await.unwrap(), page, "{route} serves the same page");
    }
    if let Some(dir) = dist() {
        assert_eq!(page, std::fs::read_to_string(dir.join("index.html")).unwrap());
        assert!(!page.contains("<script>"), "no inline script in index.html");
        assert!(
            !page.contains(" onload="),
            "no inline handler (critical CSS inlining is off)"
        );
    } else {
        assert!(
            page.contains("npm --prefix web"),
            "the page says how to build the dashboard"
        );
    }
}

#[tokio::test]
async fn server_paths_and_missing_files_are_not_the_app() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/nothing-here",
        "/api",
        "/docs/nothing.js",
        "/missing-ABCDEFGH.js",
        "/favicon.png",
    ] {
        let res = app.get(path, None).await;
        assert_problem(res, 404, "not_found").await;
    }
    let post = app.post("/settings", None, serde_json::json!({})).await;
    assert_problem(post, 404, "not_found").await;
    // The API's own pages keep their policies; data responses allow nothing to run.
    let health = app.get("/healthz", None).await;
    assert_eq!(
        header(&health, "content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'"
    );
    let docs = app.get("/docs/", None).await;
    assert_eq!(docs.status(), 200);
    assert!(header(&docs, "content-security-policy").contains("script-src 'self'"));
}

#[tokio::test]
async fn hashed_files_are_cached_for_a_year_and_sent_precompressed() {
    let Some(dir) = dist() else {
        eprintln!("web/dist/browser is not built: skipping the file checks (CI requires them)");
        return;
    };
    let app = spawn_app().await;
    let main = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.starts_with("main-") && n.ends_with(".js"))
        .expect("the build has a hashed main-*.js");
    let plain = app.get(&format!("/{main}"), None).await;
    assert_eq!(plain.status(), 200);
    assert!(header(&plain, "content-type").contains("javascript"));
    assert_eq!(
        header(&plain, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&plain, "content-encoding"), "");
    let etag = header(&plain, "etag");
    assert_eq!(
        plain.bytes().await.unwrap(),
        std::fs::read(dir.join(&main)).unwrap()
    );

    let br = app
        .client
        .get(app.url(&format!("/{main}")))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&br, "content-encoding"), "br");
    assert_eq!(header(&br, "vary"), "accept-encoding");
    assert_ne!(header(&br, "etag"), etag, "each encoding has its own validator");
    let packed = br.bytes().await.unwrap();
    assert_eq!(packed, std::fs::read(dir.join(format!("{main}.br"))).unwrap());

    let again = app
        .client
        .get(app.url(&format!("/{main}")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());

    // The compressed siblings are not files of their own.
    assert_problem(app.get(&format!("/{main}.br"), None).await, 404, "not_found").await;
}

/// The service worker runs under the policy its script is served with: the dashboard's, which lets it
/// fetch the shell from this server (the data policy, `default-src 'none'`, would stop it).
#[tokio::test]
async fn the_service_worker_is_served_under_the_dashboards_policy() {
    let Some(dir) = dist() else {
        eprintln!("web/dist/browser is not built: nothing to check");
        return;
    };
    let app = spawn_app().await;
    for file in ["ngsw-worker.js", "manifest.webmanifest", "ngsw.json"] {
        assert!(dir.join(file).exists(), "the build has {file}");
    }
    let worker = app.get("/ngsw-worker.js", None).await;
    assert_eq!(worker.status(), 200);
    assert!(header(&worker, "content-type").contains("javascript"));
    let csp = header(&worker, "content-security-policy");
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert_eq!(
        header(&worker, "cache-control"),
        "no-cache",
        "a new release's worker is seen at once"
    );
    let manifest = app.get("/manifest.webmanifest", None).await;
    assert_eq!(manifest.status(), 200);
    let body: serde_json::Value = manifest.json().await.unwrap();
    assert_eq!(body["start_url"], "/");
    assert!(body["icons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["sizes"] == "512x512"));
}

#[tokio::test]
async fn a_configured_basemap_is_announced_and_its_images_allowed() {
    let plain = spawn_app().await;
    let tokens = plain.signed_up("nomap").await;
    let none = get_json(&plain, &tokens.access, "/api/v1/map").await;
    assert_eq!(
        none,
        serde_json::json!({"tile_url": null, "attribution": null, "max_zoom": 0})
    );
    let policy = header(&plain.get("/", None).await, "content-security-policy");
    assert!(policy.contains("img-src 'self' blob: data:;"), "{policy}");

    let app = spawn_app_with(|c| {
        c.map.tile_url = "https://tiles.example.org/osm/{z}/{x}/{y}.png".into();
        c.map.attribution = "© OpenStreetMap contributors".into();
        c.map.max_zoom = 17;
    })
    .await;
    let tokens = app.signed_up("withmap").await;
    let map = get_json(&app, &tokens.access, "/api/v1/map").await;
    assert_eq!(map["tile_url"], "https://tiles.example.org/osm/{z}/{x}/{y}.png");
    assert_eq!(map["attribution"], "© OpenStreetMap contributors");
    assert_eq!(map["max_zoom"], 17);
    for path in ["/", "/activities/0190c3a2-9b7e-7c3a-8d4e-1f2a3b4c5d6e"] {
        let policy = header(&app.get(path, None).await, "content-security-policy");
        let img = directive(&policy, "img-src");
        assert_eq!(
            img, "img-src 'self' blob: data: https://tiles.example.org",
            "{path}: {policy}"
        );
    }
    assert_eq!(
        app.get("/api/v1/map", None).await.status(),
        401,
        "signed-in users only"
    );
    if dist().is_some() {
        // The service worker fetches the page's images, tiles included, under its script's policy.
        let worker = header(&app.get("/ngsw-worker.js", None).await, "content-security-policy");
        let connect = directive(&worker, "connect-src");
        assert_eq!(
            connect, "connect-src 'self' https://tiles.example.org",
            "{worker}"
        );
    }
}
