//! `spawn_app()` and typed helpers, so tests read like the API docs.

use std::path::Path;

use reqwest::{Client, Method, Response};
use serde_json::{json, Value};
use sqlx::Connection;
use tokio::sync::oneshot;
use wearhouse::bootstrap::Application;
use wearhouse::config::Config;
use wearhouse_store::testing::{TestDatabase, POSTGRES_URL_VAR};
use wearhouse_store::Backend;

pub const PASSWORD: &str = "granite kettle orbit";

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    /// The application's event bus, to watch what it publishes.
    pub events: std::sync::Arc<dyn wearhouse_services::events::EventBus>,
    _db: TestDatabase,
    /// Uploaded files live here while imports run.
    _data_dir: tempfile::TempDir,
}

pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

/// The application with limits generous enough not to interfere with tests.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The application with `adjust` applied to the configuration first.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    start(TestDatabase::create(suite_backend()).await, adjust).await
}

/// The application on a copy of a database another release wrote: `sqlite` is the database file,
/// `postgres` the same data as plain SQL naming its schema `__SCHEMA__` (see
/// `scripts/upgrade-fixture.sh`). Starting migrates the copy and upgrades its data, as `serve` does.
pub async fn spawn_app_from_fixture(sqlite: &Path, postgres: &Path) -> TestApp {
    let db = TestDatabase::create(suite_backend()).await;
    match db.backend {
        Backend::Sqlite => {
            let file = db.url.strip_prefix("sqlite://").expect("a SQLite file URL");
            std::fs::copy(sqlite, file).expect("copy the SQLite fixture");
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url)
                .await
                .expect("connect to the test schema");
            // The URL selects the test's schema; the dump names it.
            let schema: String = sqlx::query_scalar("SELECT current_schema()")
                .fetch_one(&mut conn)
                .await
                .expect("the test schema");
            let dump = std::fs::read_to_string(postgres).expect("read the PostgreSQL fixture");
            sqlx::raw_sql(&dump.replace("__SCHEMA__", &schema))
                .execute(&mut conn)
                .await
                .expect("load the PostgreSQL fixture");
            conn.close().await.expect("close");
        }
    }
    start(db, |_| {}).await
}

/// SQLite, or PostgreSQL when `WEARHOUSE_TEST_DATABASE_URL` is set.
fn suite_backend() -> Backend {
    if std::env::var_os(POSTGRES_URL_VAR).is_some() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

async fn start(db: TestDatabase, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temporary data folder");
    let mut config = Config {
        listen: "127.0.0.1:0".into(),
        database_url: db.url.clone(),
        data_dir: data_dir.path().to_owned(),
        ..Config::default()
    };
    config.database.max_connections = 4;
    config.rate_limit.per_ip_burst = 10_000;
    config.rate_limit.auth_burst = 1_000;
    config.rate_limit.per_user_burst = 10_000;
    adjust(&mut config);
    let app = Application::build(&config).await.expect("application starts");
    let base = format!("http://{}", app.addr);
    let events = app.state.events.clone();
    let (tx, rx) = oneshot::channel();
    let server = tokio::spawn(app.run(async move {
        let _ = rx.await;
    }));
    TestApp {
        base,
        client: Client::new(),
        config,
        shutdown: Some(tx),
        server: Some(server),
        events,
        _db: db,
        _data_dir: data_dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.request(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.request(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>, body: Option<Value>) -> Response {
        self.request(Method::DELETE, path, token, body).await
    }

    /// Registers `username` with [`PASSWORD`] and `username@example.org`; asserts 201.
    pub async fn register(&self, username: &str) -> Value {
        let body =
            json!({"username": username, "email": format!("{username}@example.org"), "password": PASSWORD});
        let res = self.post("/api/v1/auth/register", None, body).await;
        assert_eq!(res.status(), 201, "register {username}");
        res.json().await.unwrap()
    }

    pub async fn login(&self, login: &str, password: &str, totp: Option<&str>) -> Response {
        self.post(
            "/api/v1/auth/login",
            None,
            json!({"login": login, "password": password, "totp_code": totp}),
        )
        .await
    }

    /// Registers and logs in; returns the tokens.
    pub async fn signed_up(&self, username: &str) -> Tokens {
        self.register(username).await;
        let res = self.login(username, PASSWORD, None).await;
        assert_eq!(res.status(), 200);
        tokens(res).await
    }

    /// Creates an administrator the way `wearhouse user create --admin` does, and logs in.
    pub async fn admin(&self, username: &str) -> Tokens {
        let store = wearhouse::bootstrap::open_store(&self.config).await.unwrap();
        let accounts = wearhouse::bootstrap::account_service(&self.config, store.clone())
            .await
            .unwrap();
        accounts
            .register(
                username,
                &format!("{username}@example.org"),
                PASSWORD,
                None,
                wearhouse_model::Roles::admin(),
            )
            .await
            .unwrap();
        store.close().await;
        tokens(self.login(username, PASSWORD, None).await).await
    }
}

pub async fn tokens(res: Response) -> Tokens {
    assert_eq!(res.status(), 200, "expected a token pair");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    Tokens {
        access: body["access_token"].as_str().unwrap().to_owned(),
        refresh: body["refresh_token"].as_str().unwrap().to_owned(),
    }
}

/// Asserts a problem+json response with `status` and `code`; returns the body.
pub async fn assert_problem(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(
        res.status().as_u16(),
        status,
        "status for expected problem {code}"
    );
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status);
    assert!(body["type"].as_str().unwrap().ends_with(code));
    assert!(body["title"].is_string() && body["detail"].is_string());
    body
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// Uploads a file as a raw body, as `POST /api/v1/imports` takes it.
pub async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> Response {
    app.client
        .post(app.url("/api/v1/imports"))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .header("x-file-name", name)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// Polls an import until it is done or failed.
pub async fn finished(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..400 {
        let status: Value = app
            .get(&format!("/api/v1/imports/{id}"), Some(token))
            .await
            .json()
            .await
            .unwrap();
        if status["status"] == "done" || status["status"] == "failed" {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("import {id} did not finish");
}

/// Uploads a file that was never imported and waits for its import to end, done or failed.
pub async fn import_ended(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> Value {
    let res = upload(app, token, name, bytes).await;
    assert_eq!(res.status(), 202, "{name} is queued");
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    finished(app, token, &id).await
}

/// Uploads a file that was never imported and waits for its import to succeed.
pub async fn import(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> Value {
    let done = import_ended(app, token, name, bytes).await;
    assert_eq!(done["status"], "done", "{name}: {done}");
    done
}

/// A fixture file of `crates/wearhouse/tests/fixtures`.
pub fn fixture(path: &str) -> Vec<u8> {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// GET a JSON document that must be there (200).
pub async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

/// A summary answer (columns of figures) as one object per period, the way tests read it: `date` (daily:
/// `from` plus the index in days) or `start` and `end`, and the period's figures, a figure absent where
/// its column holds `null`. Checks the shape on the way: every column has one entry per period, and
/// no column is all `null`.
pub fn summary_rows(body: &Value) -> Vec<Value> {
    let mut rows: Vec<serde_json::Map<String, Value>> = if let Some(from) = body["from"].as_str() {
        let (from, to): (jiff::civil::Date, jiff::civil::Date) = (
            from.parse().unwrap(),
            body["to"].as_str().unwrap().parse().unwrap(),
        );
        let mut dates = vec![from];
        while let Some(next) = dates.last().filter(|d| **d < to).map(|d| d.tomorrow().unwrap()) {
            dates.push(next);
        }
        dates
            .iter()
            .map(|d| [("date".to_owned(), json!(d.to_string()))].into_iter().collect())
            .collect()
    } else {
        let (start, end) = (body["start"].as_array().unwrap(), body["end"].as_array().unwrap());
        assert_eq!(start.len(), end.len(), "{body}");
        start
            .iter()
            .zip(end)
            .map(|(s, e)| {
                [("start".to_owned(), s.clone()), ("end".to_owned(), e.clone())]
                    .into_iter()
                    .collect()
            })
            .collect()
    };
    let len = rows.len();
    let figures = body["figures"]
        .as_object()
        .unwrap_or_else(|| panic!("no figures in {body}"));
    for (name, column) in figures {
        let column = column.as_array().unwrap();
        assert_eq!(column.len(), len, "column {name} has one entry per period");
        assert!(column.iter().any(|v| !v.is_null()), "column {name} is all null");
        for (row, value) in rows.iter_mut().zip(column) {
            assert!(value.is_number() || value.is_null(), "{name}: {value}");
            if !value.is_null() {
                row.insert(name.clone(), value.clone());
            }
        }
    }
    rows.into_iter().map(Value::Object).collect()
}

/// `GET /api/v1/summaries/daily` for local days `from..=to`, as [`summary_rows`].
pub async fn daily_rows(app: &TestApp, token: &str, from: &str, to: &str) -> Vec<Value> {
    let path = format!("/api/v1/summaries/daily?from={from}&to={to}");
    let body = get_json(app, token, &path).await;
    assert_eq!(body["from"], from, "{path}");
    assert_eq!(body["to"], to, "{path}");
    summary_rows(&body)
}

/// A `validation_failed` problem's errors as (field, code) pairs, in order.
pub fn field_codes(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().into(),
                e["code"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// A ZIP archive of `entries` (path, bytes), deflated as exports are.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(entries, zip::CompressionMethod::Deflated)
}

/// A ZIP archive of `entries` (path, bytes) in order, compressed with `method`.
pub fn zip_with(entries: &[(impl AsRef<str>, impl AsRef<[u8]>)], method: zip::CompressionMethod) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, bytes) in entries {
            zip.start_file(name.as_ref(), options).unwrap();
            std::io::Write::write_all(&mut zip, bytes.as_ref()).unwrap();
        }
        zip.finish().unwrap();
    }
    buffer.into_inner()
}
