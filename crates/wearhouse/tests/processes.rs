//! Several `wearhouse` processes against one PostgreSQL, as a deployment runs them: workers sharing the
//! job queue, an API process whose uploads a worker imports, a worker killed mid-job, a server started
//! while a CLI import runs, a process stopped mid-import. Most need PostgreSQL
//! (`WEARHOUSE_TEST_DATABASE_URL`, as CI sets it) and some Redis (`WEARHOUSE_TEST_REDIS_URL`): without
//! them those tests say so and pass, since split roles are refused on SQLite (`cli.rs` checks that).
//! The shutdown test runs on whichever backend is configured.

// Test code: a failed unwrap is a failed test, in helpers as much as in test bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wearhouse_model::UserId;
use wearhouse_store::testing::{backends, TestDatabase};
use wearhouse_store::{Backend, ImportStatus, JobState, NewJob, Store};

const PASSWORD: &str = "granite kettle orbit";

#[path = "live/mod.rs"]
mod live;

fn postgres() -> bool {
    let on = backends().contains(&Backend::Postgres);
    if !on {
        eprintln!("skipped: needs PostgreSQL (set WEARHOUSE_TEST_DATABASE_URL)");
    }
    on
}

/// A `wearhouse` process, killed and reaped when dropped.
struct Process {
    child: Child,
    addr: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Process {
    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `kill -9`: no shutdown, no released leases, a transaction cut wherever it was.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// The value of the counter `series` (name and labels) in this process's `/metrics`; 0 before
    /// anything was counted.
    async fn counter(&self, series: &str) -> u64 {
        let text = reqwest::get(format!("{}/metrics", self.base()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let prefix = format!("{series} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .map_or(0, |n| n.trim().parse().unwrap())
    }

    /// Runs of `kind` with `outcome` this process recorded.
    async fn runs(&self, kind: &str, outcome: &str) -> u64 {
        self.counter(&format!(
            "wearhouse_job_runs_total{{kind=\"{kind}\",outcome=\"{outcome}\"}}"
        ))
        .await
    }

    /// Response-cache lookups this process answered with `result` (`local`, `shared`, `miss`).
    async fn lookups(&self, result: &str) -> u64 {
        self.counter(&format!(
            "wearhouse_response_cache_lookups_total{{result=\"{result}\"}}"
        ))
        .await
    }
}

fn wearhouse(db: &TestDatabase, data: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wearhouse"));
    cmd.current_dir(data)
        .env("WEARHOUSE_DATABASE_URL", &db.url)
        .env("WEARHOUSE_DATA_DIR", data)
        .env("WEARHOUSE_RATE_LIMIT__ENABLED", "false")
        .env_remove("RUST_LOG");
    cmd
}

/// Starts `serve` with `roles` on a free port and waits until it listens; its log is drained on a
/// thread of its own (a full pipe would stall it).
fn serve(db: &TestDatabase, data: &std::path::Path, roles: &[&str], env: &[(&str, &str)]) -> Process {
    let mut cmd = wearhouse(db, data);
    cmd.args(["--log-format", "json", "serve", "--listen", "127.0.0.1:0"]);
    for role in roles {
        cmd.args(["--role", role]);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    // Owned from here, so a failed start still kills and reaps the child.
    let mut process = Process {
        child,
        addr: String::new(),
    };
    let mut out = std::io::BufReader::new(process.child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "serve {roles:?} exited before it started"
        );
        let event: Value = serde_json::from_str(&line).expect("every log line is JSON");
        if event["fields"]["message"] == "Wearhouse started" {
            process.addr = event["fields"]["address"].as_str().unwrap().to_owned();
            std::thread::spawn(move || {
                let mut sink = String::new();
                while out.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                    sink.clear();
                }
            });
            return process;
        }
    }
}

async fn wait_for<F, Fut>(what: &str, timeout: Duration, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn count(store: &Store, kind: &str, state: JobState) -> i64 {
    store
        .jobs
        .stats()
        .await
        .unwrap()
        .iter()
        .filter(|s| s.kind == kind && s.state == state)
        .map(|s| s.count)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_worker_processes_run_ten_thousand_jobs_exactly_once() {
    if !postgres() {
        return;
    }
    let db = TestDatabase::create(Backend::Postgres).await;
    let store = db.store().await;
    let data = tempfile::tempdir().unwrap();
    let now = jiff::Timestamp::now();
    let jobs: Vec<NewJob> = (0..10_000).map(|_| NewJob::new("noop", "{}", now)).collect();
    assert_eq!(store.jobs.enqueue_many(&jobs, now).await.unwrap(), 10_000);

    let env = [("WEARHOUSE_JOBS__CONCURRENCY", "16")];
    let a = serve(&db, data.path(), &["worker"], &env);
    let b = serve(&db, data.path(), &["worker"], &env);
    wait_for("10,000 jobs done", Duration::from_secs(180), || async {
        count(&store, "noop", JobState::Done).await == 10_000
    })
    .await;

    // Each was claimed once (a second claim would count a second attempt) and completed once.
    let done = store.jobs.jobs(Some(JobState::Done), None, 20_000).await.unwrap();
    assert_eq!(done.len(), 10_000);
    assert!(done.iter().all(|j| j.attempts == 1), "a job ran twice");
    let (ran_a, ran_b) = (a.runs("noop", "done").await, b.runs("noop", "done").await);
    assert_eq!(ran_a + ran_b, 10_000, "{ran_a} + {ran_b}");
    assert!(
        ran_a > 0 && ran_b > 0,
        "both workers took jobs: {ran_a} and {ran_b}"
    );
    store.close().await;
}

fn export(days: u32) -> Vec<u8> {
    let mut xml = Vec::new();
    wearhouse_formats::apple_health::synthetic::write_export(&mut xml, days, 7).unwrap();
    xml
}

/// Registers `username` and logs in: the login response (access and refresh tokens).
async fn registered(client: &reqwest::Client, api: &Process, username: &str) -> Value {
    let res = client
        .post(format!("{}/api/v1/auth/register", api.base()))
        .json(
            &json!({"username": username, "email": format!("{username}@example.org"), "password": PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let login: Value = client
        .post(format!("{}/api/v1/auth/login", api.base()))
        .json(&json!({"login": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login
}

async fn signed_up(client: &reqwest::Client, api: &Process, username: &str) -> String {
    registered(client, api, username).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The job of import `id`.
async fn import_job(store: &Store, id: &str) -> wearhouse_store::JobRecord {
    let key = format!("import:{id}");
    store
        .jobs
        .jobs(None, None, 100)
        .await
        .unwrap()
        .into_iter()
        .find(|j| j.unique_key.as_deref() == Some(key.as_str()))
        .unwrap()
}

async fn upload(client: &reqwest::Client, api: &Process, token: &str, bytes: Vec<u8>) -> String {
    let res = client
        .post(format!("{}/api/v1/imports", api.base()))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .header("x-file-name", "export.xml")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn get(client: &reqwest::Client, api: &Process, token: &str, path: &str) -> Value {
    client
        .get(format!("{}{path}", api.base()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn finished(client: &reqwest::Client, api: &Process, token: &str, id: &str) -> Value {
    let start = Instant::now();
    loop {
        let now = get(client, api, token, &format!("/api/v1/imports/{id}")).await;
        if now["status"] == "done" || now["status"] == "failed" {
            return now;
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "import {id} did not finish: {now}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_to_an_api_process_is_imported_by_a_worker_once_even_when_a_worker_is_killed_mid_import() {
    if !postgres() {
        return;
    }
    let db = TestDatabase::create(Backend::Postgres).await;
    let store = db.store().await;
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    // Short leases, so the killed worker's job is taken again within seconds.
    let env = [("WEARHOUSE_JOBS__LEASE_SECS", "2")];
    let api = serve(&db, data.path(), &["api"], &env);
    let mut first = serve(&db, data.path(), &["worker"], &env);
    let ana = signed_up(&client, &api, "ana").await;
    let bytes = export(60);
    let id = upload(&client, &api, &ana, bytes.clone()).await;

    // The worker is part-way through the import: kill it.
    wait_for("the import to be under way", Duration::from_secs(60), || async {
        let now = get(&client, &api, &ana, &format!("/api/v1/imports/{id}")).await;
        now["status"] == "running" && now["imported"].as_i64().unwrap_or(0) > 0
    })
    .await;
    first.kill();
    let cut = get(&client, &api, &ana, &format!("/api/v1/imports/{id}")).await;
    assert_eq!(cut["status"], "running", "killed mid-import: {cut}");

    // Another worker takes the job once its lease expires and completes the import.
    let second = serve(&db, data.path(), &["worker"], &env);
    let done = finished(&client, &api, &ana, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    let job = import_job(&store, &id).await;
    assert_eq!((job.state, job.attempts), (JobState::Done, 2), "{job:?}");

    // Its effect happened once: the same file imported without interruption, on another account,
    // gives the same counts and the same figures.
    let bob = signed_up(&client, &api, "bob").await;
    let clean = upload(&client, &api, &bob, bytes).await;
    let clean = finished(&client, &api, &bob, &clean).await;
    for field in ["imported", "duplicates", "activities"] {
        assert_eq!(done[field], clean[field], "{field}: {done} vs {clean}");
    }
    let year = "/api/v1/summaries/daily?from=2024-01-01&to=2024-03-31";
    assert_eq!(
        get(&client, &api, &ana, year).await,
        get(&client, &api, &bob, year).await
    );
    drop(second);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_started_while_a_cli_import_runs_leaves_it_alone() {
    if !postgres() {
        return;
    }
    let db = TestDatabase::create(Backend::Postgres).await;
    let store = db.store().await;
    let data = tempfile::tempdir().unwrap();
    let mut create = wearhouse(&db, data.path())
        .args([
            "user",
            "create",
            "--username",
            "ana",
            "--email",
            "ana@example.org",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        create
            .stdin
            .take()
            .unwrap()
            .write_all(PASSWORD.as_bytes())
            .unwrap();
    }
    assert!(create.wait().unwrap().success());
    let user: UserId = store.accounts.user_by_login("ana").await.unwrap().unwrap().id;
    std::fs::write(data.path().join("export.xml"), export(60)).unwrap();
    let mut cli = wearhouse(&db, data.path())
        .args(["import", "--user", "ana", "export.xml"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let id = loop {
        let running = store
            .imports
            .imports(&user, 10)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.status == ImportStatus::Running && i.progress.imported > 0);
        if let Some(running) = running {
            break running.id;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the CLI import did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };

    let server = serve(&db, data.path(), &[], &[]);
    assert!(cli.wait().unwrap().success(), "the CLI import completes");
    let done = store.imports.import(&user, &id).await.unwrap();
    assert_eq!(done.status, ImportStatus::Done);
    let job = import_job(&store, &id).await;
    assert_eq!(
        (job.state, job.attempts),
        (JobState::Done, 1),
        "run once, by the CLI: {job:?}"
    );
    assert_eq!(
        server.runs("imports.run", "done").await,
        0,
        "the server left it alone"
    );
    store.close().await;
}

/// The machine's Redis, when the suite is given one (`WEARHOUSE_TEST_REDIS_URL`, as CI sets it).
fn redis() -> Option<String> {
    let url = std::env::var("WEARHOUSE_TEST_REDIS_URL").ok();
    if url.is_none() {
        eprintln!("skipped: needs Redis (set WEARHOUSE_TEST_REDIS_URL)");
    }
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_on_one_node_is_refused_on_the_others_at_once() {
    if !postgres() {
        return;
    }
    let Some(redis) = redis() else { return };
    let db = TestDatabase::create(Backend::Postgres).await;
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    // Caches that would keep an ended session alive for five minutes: only the announcements can end it.
    let long_cache = ("WEARHOUSE_AUTH__USER_CACHE_TTL_SECS", "300");
    let shared = [long_cache, ("WEARHOUSE_REDIS_URL", redis.as_str())];
    let a = serve(&db, data.path(), &["api"], &shared);
    let b = serve(&db, data.path(), &["api"], &shared);
    // A node without Redis: the control, showing what the cache alone would do.
    let alone = serve(&db, data.path(), &["api"], &[long_cache]);

    let me = |node: &Process, token: &str| {
        let (client, url, token) = (
            client.clone(),
            format!("{}/api/v1/me", node.base()),
            token.to_owned(),
        );
        async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for (ended_by, name) in [("logout", "ana"), ("delete", "bob")] {
        let login = registered(&client, &a, name).await;
        let access = login["access_token"].as_str().unwrap().to_owned();
        // Every node has the session cached as live.
        for node in [&a, &b, &alone] {
            assert_eq!(me(node, &access).await, 200);
        }
        let ended = if ended_by == "logout" {
            client
                .post(format!("{}/api/v1/auth/logout", a.base()))
                .json(&json!({"refresh_token": login["refresh_token"]}))
                .send()
                .await
                .unwrap()
        } else {
            let sessions: Value = client
                .get(format!("{}/api/v1/me/sessions", a.base()))
                .bearer_auth(&access)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let id = sessions[0]["id"].as_str().unwrap().to_owned();
            client
                .delete(format!("{}/api/v1/me/sessions/{id}", a.base()))
                .bearer_auth(&access)
                .send()
                .await
                .unwrap()
        };
        assert_eq!(ended.status(), 204, "{ended_by}");
        assert_eq!(me(&a, &access).await, 401, "{ended_by}: refused where it ended");
        assert_eq!(
            me(&b, &access).await,
            401,
            "{ended_by}: refused on the other node at once"
        );
        assert_eq!(
            me(&alone, &access).await,
            200,
            "{ended_by}: a node without Redis still has it cached"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_spreading_requests_over_two_nodes_meets_one_rate_limit() {
    if !postgres() {
        return;
    }
    let Some(redis) = redis() else { return };
    let db = TestDatabase::create(Backend::Postgres).await;
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    // Ten requests per address, one back a minute: twelve requests over two nodes must meet it.
    let limits = [
        ("WEARHOUSE_RATE_LIMIT__ENABLED", "true"),
        ("WEARHOUSE_HTTP__TRUST_FORWARDED_FOR", "true"),
        ("WEARHOUSE_RATE_LIMIT__PER_IP_PER_SECOND", "1"),
        ("WEARHOUSE_RATE_LIMIT__PER_IP_BURST", "10"),
    ];
    let shared: Vec<(&str, &str)> = limits
        .iter()
        .copied()
        .chain([("WEARHOUSE_REDIS_URL", redis.as_str())])
        .collect();
    // An address of its own per run: the bucket outlives the test in the shared Redis.
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let address = format!("10.{}.{}.{}", bytes[0], bytes[1], bytes[2]);
    let a = serve(&db, data.path(), &["api"], &shared);
    let b = serve(&db, data.path(), &["api"], &shared);
    let general = |node: &Process| {
        let (client, url, address) = (
            client.clone(),
            format!("{}/healthz", node.base()),
            address.clone(),
        );
        async move {
            let mut codes = Vec::new();
            for _ in 0..6 {
                let res = client
                    .get(&url)
                    .header("x-forwarded-for", &address)
                    .send()
                    .await
                    .unwrap();
                codes.push(res.status().as_u16());
            }
            codes
        }
    };
    let mut codes = general(&a).await;
    codes.extend(general(&b).await);
    let passed = codes.iter().filter(|c| **c == 200).count();
    let refused = codes.iter().filter(|c| **c == 429).count();
    assert_eq!(
        (passed, refused),
        (10, 2),
        "one bucket of ten for both nodes: {codes:?}"
    );

    // Without Redis each node counts alone: the same twelve requests all pass.
    let c = serve(&db, data.path(), &["api"], &limits);
    let d = serve(&db, data.path(), &["api"], &limits);
    let mut alone = general(&c).await;
    alone.extend(general(&d).await);
    assert!(alone.iter().all(|c| *c == 200), "{alone:?}");
}

impl Process {
    /// SIGTERM, then waits for the process to exit; how long it took.
    fn terminate(&mut self) -> Duration {
        let started = Instant::now();
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "a clean exit: {status}");
        started.elapsed()
    }
}

/// Runs on either backend: one process (every role), stopped mid-import and started again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_running_at_shutdown_is_handed_back_and_resumed_by_the_next_start() {
    let backend = backends().last().copied().unwrap_or(Backend::Sqlite);
    let db = TestDatabase::create(backend).await;
    let store = db.store().await;
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let mut first = serve(&db, data.path(), &[], &[]);
    let ana = signed_up(&client, &first, "ana").await;
    let bytes = export(60);
    let id = upload(&client, &first, &ana, bytes.clone()).await;
    wait_for("the import to be under way", Duration::from_secs(60), || async {
        let now = get(&client, &first, &ana, &format!("/api/v1/imports/{id}")).await;
        now["status"] == "running" && now["imported"].as_i64().unwrap_or(0) > 0
    })
    .await;
    let took = first.terminate();
    assert!(
        took < Duration::from_secs(20),
        "stopped within its grace: {took:?}"
    );

    // Handed back, not failed and not rolled back: queued again, the attempt not counted.
    let job = import_job(&store, &id).await;
    assert_eq!(
        (job.state, job.attempts, job.lease_owner.as_deref()),
        (JobState::Queued, 0, None),
        "{job:?}"
    );
    let user = store.accounts.user_by_login("ana").await.unwrap().unwrap().id;
    let paused = store.imports.import(&user, &id).await.unwrap();
    assert_eq!(paused.status, ImportStatus::Running);
    assert!(paused.progress.imported > 0, "what it stored stays: {paused:?}");

    let second = serve(&db, data.path(), &[], &[]);
    let done = finished(&client, &second, &ana, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    // As one uninterrupted run: the same file on another account.
    let bob = signed_up(&client, &second, "bob").await;
    let clean = upload(&client, &second, &bob, bytes).await;
    let clean = finished(&client, &second, &bob, &clean).await;
    for field in ["imported", "duplicates", "activities"] {
        assert_eq!(done[field], clean[field], "{field}: {done} vs {clean}");
    }
    let year = "/api/v1/summaries/daily?from=2024-01-01&to=2024-03-31";
    assert_eq!(
        get(&client, &second, &ana, year).await,
        get(&client, &second, &bob, year).await
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_received_on_one_machine_is_imported_by_a_worker_on_another_through_the_bucket() {
    if !postgres() {
        return;
    }
    let Some(moto) = wearhouse_blobs::testing::s3_server().await else {
        return;
    };
    let db = TestDatabase::create(Backend::Postgres).await;
    // Two machines: nothing on disk is shared.
    let (api_disk, worker_disk) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let client = reqwest::Client::new();
    let bucket = [
        ("WEARHOUSE_BLOBS__URL", "s3://uploads/wearhouse"),
        ("WEARHOUSE_BLOBS__ENDPOINT", moto.endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ];
    let api = serve(&db, api_disk.path(), &["api"], &bucket);
    let _worker = serve(&db, worker_disk.path(), &["worker"], &bucket);
    let ana = signed_up(&client, &api, "ana").await;
    let id = upload(&client, &api, &ana, export(3)).await;
    let done = finished(&client, &api, &ana, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert!(done["imported"].as_i64().unwrap() > 1000, "{done}");

    // Nothing is left behind: not on either disk, not in the bucket.
    for disk in [&api_disk, &worker_disk] {
        let left: Vec<_> = std::fs::read_dir(disk.path().join("imports"))
            .map(|d| d.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "{left:?}");
    }
    let listing = reqwest::get(format!("{}/uploads?list-type=2", moto.endpoint))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!listing.contains(&id), "{listing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_view_cached_on_every_node_follows_a_write_on_any_of_them_and_a_cli_import() {
    if !postgres() {
        return;
    }
    let Some(redis) = redis() else { return };
    let db = TestDatabase::create(Backend::Postgres).await;
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let shared = [("WEARHOUSE_REDIS_URL", redis.as_str())];
    let a = serve(&db, data.path(), &["api"], &shared);
    let b = serve(&db, data.path(), &["api"], &shared);
    // A node without Redis: its cache is its own, yet it must not serve stale views either.
    let alone = serve(&db, data.path(), &[], &[]);
    let token = signed_up(&client, &a, "ana").await;
    let ingest = |node: &Process, value: f64, start: &str| {
        let request = client
            .post(format!("{}/api/v1/samples", node.base()))
            .bearer_auth(&token)
            .json(
                &json!({"samples": [{"metric": "steps", "value": value, "start": start,
                "end": start.replace("T09", "T10"), "source": {"name": "Band", "kind": "watch"}}]}),
            );
        async move { assert_eq!(request.send().await.unwrap().status(), 200) }
    };
    let view = |node: &Process| {
        let request = client
            .get(format!(
                "{}/api/v1/summaries/daily?from=2024-01-01&to=2024-01-03",
                node.base()
            ))
            .bearer_auth(&token);
        async move {
            let res = request.send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()["figures"]["steps"].clone()
        }
    };

    ingest(&a, 1000.0, "2024-01-02T09:00:00Z").await;
    assert_eq!(view(&a).await, json!([null, 1000, null]));
    assert_eq!(a.lookups("miss").await, 1, "a computed it");
    assert_eq!(view(&b).await, json!([null, 1000, null]));
    assert_eq!(b.lookups("shared").await, 1, "b was served what a computed");
    assert_eq!(view(&alone).await, json!([null, 1000, null]));
    assert_eq!(view(&alone).await, json!([null, 1000, null]));
    assert_eq!(alone.lookups("local").await, 1, "the node alone keeps its own");

    ingest(&b, 500.0, "2024-01-03T09:00:00Z").await;
    for node in [&a, &b, &alone] {
        assert_eq!(
            view(node).await,
            json!([null, 1000, 500]),
            "{}: the next read after a write on b",
            node.base()
        );
    }

    // A CLI import is one more process writing: every node's next read shows it.
    std::fs::write(data.path().join("export.xml"), export(3)).unwrap();
    let imported = wearhouse(&db, data.path())
        .args(["import", "--quiet", "--user", "ana", "export.xml"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(imported.success());
    for node in [&a, &b, &alone] {
        let steps = view(node).await;
        assert!(
            steps[0].as_f64().is_some_and(|s| s > 0.0),
            "{}: the imported first day: {steps}",
            node.base()
        );
    }
}

/// The machine's RabbitMQ, when the suite is given one (`WEARHOUSE_TEST_AMQP_URL`, as CI sets it).
fn amqp() -> Option<String> {
    let url = std::env::var("WEARHOUSE_TEST_AMQP_URL").ok();
    if url.is_none() {
        eprintln!("skipped: needs RabbitMQ (set WEARHOUSE_TEST_AMQP_URL)");
    }
    url
}

/// Every process publishes to the one `wearhouse.events` exchange, and a notifier counts every event
/// that reaches its queue, whoever's it is: the tests that publish or count events take turns, so one
/// test's samples are never counted by another's notifier.
static BROKER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The next event of `user` the consumer receives within `wait`, or `None`.
async fn next_event(consumer: &mut lapin::Consumer, user: &str, wait: Duration) -> Option<Value> {
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let delivery = tokio::time::timeout_at(deadline, consumer.next())
            .await
            .ok()??
            .unwrap();
        let event: Value = serde_json::from_slice(&delivery.data).unwrap();
        if event["user"] == user {
            return Some(event);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samples_posted_to_one_process_reach_a_rabbitmq_consumer_once_even_when_no_worker_ran_at_commit() {
    if !postgres() {
        return;
    }
    let Some(amqp) = amqp() else { return };
    let _turn = BROKER.lock().await;
    let db = TestDatabase::create(Backend::Postgres).await;
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let (_connection, mut consumer) = wearhouse_amqp::testing::outside_queue(&amqp).await.unwrap();
    let broker = [("WEARHOUSE_AMQP_URL", amqp.as_str())];
    // An API process alone: the event is committed with the samples, and nothing publishes it yet (as
    // if the process that wrote it had stopped right after the commit).
    let api = serve(&db, data.path(), &["api"], &broker);
    let token = signed_up(&client, &api, "ana").await;
    let me: Value = client
        .get(format!("{}/api/v1/me", api.base()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = me["id"].as_str().unwrap().to_owned();
    let res = client
        .post(format!("{}/api/v1/samples", api.base()))
        .bearer_auth(&token)
        .json(
            &json!({"samples": [{"metric": "steps", "value": 900.0, "start": "2026-05-04T09:00:00Z",
            "end": "2026-05-04T09:30:00Z", "source": {"name": "Band", "kind": "watch"}}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        next_event(&mut consumer, &user, Duration::from_secs(1))
            .await
            .is_none(),
        "no worker, nothing published yet"
    );
    // A worker comes: it publishes what the outbox holds, once.
    let _worker = serve(&db, data.path(), &["worker"], &broker);
    let event = next_event(&mut consumer, &user, Duration::from_secs(10))
        .await
        .expect("published once a worker runs");
    assert_eq!(event["type"], "new_health_data");
    assert_eq!(event["version"], 1);
    assert_eq!(event["data"]["count"], 1);
    assert_eq!(event["data"]["metrics"][0]["metric"], "steps");
    assert!(
        next_event(&mut consumer, &user, Duration::from_secs(1))
            .await
            .is_none(),
        "published once"
    );
}

/// The `new_health_data` events a notifier process received.
const NOTIFIED: &str = "wearhouse_notifier_events_total{type=\"new_health_data\"}";

/// Waits (up to 15 s) until `node`'s notifier received at least `count` `new_health_data` events;
/// returns how many it received.
async fn notified_at_least(node: &Process, count: u64) -> u64 {
    let start = Instant::now();
    loop {
        let seen = node.counter(NOTIFIED).await;
        if seen >= count {
            return seen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the notifier saw {seen} of {count}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notifier_receives_every_event_even_those_published_while_it_was_down() {
    if !postgres() {
        return;
    }
    let Some(amqp) = amqp() else { return };
    let _turn = BROKER.lock().await;
    let db = TestDatabase::create(Backend::Postgres).await;
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    // A queue of this run's own: the broker outlives the test.
    let queue = format!("wearhouse.notifier.test-{}", uuid::Uuid::new_v4().simple());
    let env = [
        ("WEARHOUSE_AMQP_URL", amqp.as_str()),
        ("WEARHOUSE_AMQP_NOTIFIER_QUEUE", queue.as_str()),
    ];
    let api = serve(&db, data.path(), &["api", "worker"], &env);
    let mut notifier = serve(&db, data.path(), &["notifier"], &env);
    let token = signed_up(&client, &api, "ana").await;
    let post = |day: u32| {
        let request = client
            .post(format!("{}/api/v1/samples", api.base()))
            .bearer_auth(&token)
            .json(&json!({"samples": [{"metric": "steps", "value": 900.0,
                "start": format!("2026-05-{day:02}T09:00:00Z"), "end": format!("2026-05-{day:02}T09:30:00Z"),
                "source": {"name": "Band", "kind": "watch"}}]}));
        async move { assert_eq!(request.send().await.unwrap().status(), 200) }
    };
    post(4).await;
    assert_eq!(notified_at_least(&notifier, 1).await, 1);
    // The event is counted when handled and acknowledged just after: delivery is at least once, so a
    // kill between the two would rightly deliver it again. Give the acknowledgement time to reach the
    // broker, generously: with the other suites running beside this one, half a second was not always
    // enough.
    tokio::time::sleep(Duration::from_secs(2)).await;
    // Down (killed, nothing handed back): two more batches are published meanwhile.
    notifier.kill();
    post(5).await;
    post(6).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Back: the queue kept them for it, and only them.
    let back = serve(&db, data.path(), &["notifier"], &env);
    assert_eq!(notified_at_least(&back, 2).await, 2);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(back.counter(NOTIFIED).await, 2, "each event once");

    // Leave nothing behind in the broker.
    drop(back);
    let (connection, _consumer) = wearhouse_amqp::testing::outside_queue(&amqp).await.unwrap();
    let channel = connection.create_channel().await.unwrap();
    channel
        .queue_delete(&queue, lapin::options::QueueDeleteOptions::default())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samples_posted_to_one_api_process_reach_websocket_sse_and_rabbitmq_clients_of_another() {
    if !postgres() {
        return;
    }
    let Some(amqp) = amqp() else { return };
    let _turn = BROKER.lock().await;
    let db = TestDatabase::create(Backend::Postgres).await;
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let wait = Duration::from_secs(15);
    let (_connection, mut consumer) = wearhouse_amqp::testing::outside_queue(&amqp).await.unwrap();
    let broker = [("WEARHOUSE_AMQP_URL", amqp.as_str())];
    let a = serve(&db, data.path(), &["api"], &broker);
    let b = serve(&db, data.path(), &["api"], &broker);
    let _worker = serve(&db, data.path(), &["worker"], &broker);
    let token = signed_up(&client, &a, "ana").await;
    let user = get(&client, &a, &token, "/api/v1/me").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut socket = live::open(&b.base(), "/api/v1/stream", Some(&token))
        .await
        .unwrap();
    let events = |last: Option<String>| {
        let mut request = client
            .get(format!("{}/api/v1/events", b.base()))
            .bearer_auth(&token);
        if let Some(last) = last {
            request = request.header("last-event-id", last);
        }
        request.send()
    };
    let mut sse = live::SseReader::new(events(None).await.unwrap());
    let post = |start: &'static str, end: &'static str| {
        client
            .post(format!("{}/api/v1/samples", a.base()))
            .bearer_auth(&token)
            .json(
                &json!({"samples": [{"metric": "steps", "value": 900.0, "start": start, "end": end,
                "source": {"name": "Band", "kind": "watch"}}]}),
            )
            .send()
    };
    assert_eq!(
        post("2026-05-04T09:00:00Z", "2026-05-04T09:30:00Z")
            .await
            .unwrap()
            .status(),
        200
    );

    let on_socket = live::next_of(&mut socket, "new_health_data", wait).await;
    assert_eq!(
        (on_socket["user"].as_str(), on_socket["data"]["count"].as_u64()),
        (Some(user.as_str()), Some(1))
    );
    let on_sse = sse.next_of("new_health_data", wait).await;
    assert_eq!(on_sse.json()["id"], on_socket["id"], "the same event");
    let on_broker = next_event(&mut consumer, &user, wait).await.expect("on RabbitMQ");
    assert_eq!(on_broker["id"], on_socket["id"]);
    assert_eq!(on_broker["type"], "new_health_data");

    // Away while a second batch is stored; back with Last-Event-ID: only what was missed.
    drop(sse);
    assert_eq!(
        post("2026-05-04T10:00:00Z", "2026-05-04T10:30:00Z")
            .await
            .unwrap()
            .status(),
        200
    );
    live::next_of(&mut socket, "new_health_data", wait).await;
    let mut sse = live::SseReader::new(events(on_sse.id.clone()).await.unwrap());
    let missed = sse.next_of("new_health_data", wait).await;
    assert_eq!(missed.json()["data"]["from"], "2026-05-04T10:00:00Z");
    assert!(sse.next(Duration::from_secs(1)).await.is_none(), "nothing twice");
}
