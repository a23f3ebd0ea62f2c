//! The `wearhouse` binary's subcommands, run as a user would run them.

// Test code: a failed unwrap is a failed test, in helpers as much as in test bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

fn wearhouse(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wearhouse"));
    cmd.current_dir(dir)
        .env_remove("WEARHOUSE_DATABASE_URL")
        .env_remove("RUST_LOG");
    cmd
}

/// Runs `wearhouse user create` in `dir` with the password given on standard input, and `extra`
/// arguments.
fn create_user(
    dir: &std::path::Path,
    username: &str,
    email: &str,
    password: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut cmd = wearhouse(dir);
    cmd.args([
        "--data-dir",
        "data",
        "user",
        "create",
        "--username",
        username,
        "--email",
        email,
        "--password-stdin",
    ]);
    cmd.args(extra);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn user_create_makes_an_admin_who_can_log_in_through_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let out = create_user(
        dir.path(),
        "root",
        "root@example.org",
        "granite kettle orbit",
        &["--admin"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("created user root") && stdout.contains("user,admin"),
        "{stdout}"
    );
    assert!(dir.path().join("data/wearhouse.db").exists());

    // The same username again fails with one clear line.
    let out = create_user(dir.path(), "ROOT", "x@example.org", "granite kettle orbit", &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim().lines().last().unwrap(),
        "error: cannot create user 'ROOT': this username is already taken"
    );
}

#[test]
fn user_create_takes_the_zone_the_user_lives_in_or_says_there_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let password = "granite kettle orbit";
    let out = create_user(
        dir.path(),
        "ana",
        "ana@example.org",
        password,
        &["--time-zone", "Europe/Berlin"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("time zone Europe/Berlin"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = create_user(dir.path(), "bea", "bea@example.org", password, &[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("no time zone yet (days are UTC until one is set)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = create_user(
        dir.path(),
        "cyd",
        "cyd@example.org",
        password,
        &["--time-zone", "Mars/Olympus"],
    );
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim().lines().last().unwrap(),
        "error: cannot create user 'cyd': time_zone: 'Mars/Olympus' is not an IANA time zone name (like Europe/Berlin)"
    );
}

#[test]
fn weak_passwords_are_refused_on_the_command_line_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = create_user(dir.path(), "root", "root@example.org", "password123", &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: cannot create user 'root': password: password is too common"),
        "{stderr}"
    );
}

#[test]
fn config_print_shows_effective_values_with_secrets_masked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("wearhouse.toml"),
        "listen = \"0.0.0.0:9000\"\n[auth]\njwt_secret = \"file-secret-0123456789abcdef0123456789\"\n",
    )
    .unwrap();
    let out = wearhouse(dir.path())
        .args(["config", "--print"])
        .env("WEARHOUSE_RATE_LIMIT__PER_IP_BURST", "777")
        .env("WEARHOUSE_DATABASE_URL", "postgres://app:hunter2@db/wh")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("listen = \"0.0.0.0:9000\""),
        "file value: {printed}"
    );
    assert!(
        printed.contains("per_ip_burst = 777"),
        "environment value: {printed}"
    );
    assert!(printed.contains("postgres://app:********@db/wh"), "{printed}");
    assert!(
        !printed.contains("hunter2") && !printed.contains("file-secret"),
        "{printed}"
    );
}

#[test]
fn bad_configuration_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wearhouse.toml"), "lisen = \"oops\"\n").unwrap();
    let out = wearhouse(dir.path())
        .args(["config", "--print"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: configuration:") && stderr.contains("lisen"),
        "{stderr}"
    );

    let out = wearhouse(dir.path())
        .args(["--config", "missing.toml", "migrate"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml does not exist"));
}

#[test]
fn migrate_creates_and_updates_the_database() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let out = wearhouse(dir.path())
            .args(["--data-dir", "d", "migrate"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("is up to date"));
    }
}

#[test]
fn migrate_upgrades_a_previous_releases_database_and_recomputes_its_figures_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("d")).unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/upgrade/previous-release.sqlite");
    std::fs::copy(fixture, dir.path().join("d/wearhouse.db")).unwrap();
    let migrate = || {
        let out = wearhouse(dir.path())
            .args(["--data-dir", "d", "migrate"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let first = migrate();
    assert!(first.contains("recomputed the marked rollups of"), "{first}");
    assert!(first.contains("is up to date"), "{first}");
    let second = migrate();
    assert!(!second.contains("recomputed"), "the upgrade runs once: {second}");
}

/// A running `serve`, killed and reaped when dropped so a failing test leaves no server behind.
struct Server {
    child: std::process::Child,
    addr: String,
    /// Kept open: the server logs to it, and a closed pipe would make its writes fail.
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` with JSON logs on a free port and waits for its "started" event.
fn start_server(dir: &std::path::Path) -> Server {
    use std::io::BufRead;
    let mut child = wearhouse(dir)
        .args([
            "--data-dir",
            "data",
            "--log-format",
            "json",
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut server = Server {
        child,
        addr: String::new(),
        stdout,
    };
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            server.stdout.read_line(&mut line).unwrap() > 0,
            "server exited before it started"
        );
        let event: serde_json::Value = serde_json::from_str(&line).expect("every log line is JSON");
        if event["fields"]["message"] == "Wearhouse started" {
            server.addr = event["fields"]["address"].as_str().unwrap().to_owned();
            assert!(event["fields"]["docs"].as_str().unwrap().ends_with("/docs"));
            return server;
        }
    }
}

#[test]
fn sigterm_lets_requests_in_flight_finish() {
    use std::io::Read;
    use std::net::TcpStream;

    let dir = tempfile::tempdir().unwrap();
    let mut server = start_server(dir.path());
    let addr = server.addr.clone();
    let body = br#"{"username":"ana","email":"ana@example.org","password":"granite kettle orbit"}"#;
    let mut conn = TcpStream::connect(&addr).unwrap();
    // A complete first request on the same keep-alive connection proves the server accepted it.
    conn.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .unwrap();
    let mut first = [0u8; 1024];
    let n = conn.read(&mut first).unwrap();
    assert!(std::str::from_utf8(&first[..n])
        .unwrap()
        .starts_with("HTTP/1.1 200"));
    let head = format!(
        "POST /api/v1/auth/register HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).unwrap();
    conn.write_all(&body[..10]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));

    // The request is in flight (its body half sent) when the server is asked to stop.
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(std::time::Duration::from_millis(200));
    conn.write_all(&body[10..]).unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");

    let status = server.child.wait().unwrap();
    assert!(status.success(), "server exits cleanly after SIGTERM: {status}");
    // New connections are refused once it is gone.
    assert!(TcpStream::connect(&addr).is_err());
}

// ----- Work a killed command left -----------------------------------------------------------------
// A kill is simulated by leaving the database as the kill leaves it, then running the next command.

/// Runs SQL statements on the SQLite database under `dir/data`, returning the rows of the last one
/// (every column read as text).
fn sql(dir: &std::path::Path, statements: &[&str]) -> Vec<Vec<Option<String>>> {
    use sqlx::{Connection, Row};
    let url = format!("sqlite://{}", dir.join("data/wearhouse.db").display());
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(async {
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let mut rows = Vec::new();
            for statement in statements {
                rows = sqlx::query(statement).fetch_all(&mut conn).await.unwrap();
            }
            rows.iter()
                .map(|row| {
                    (0..row.len())
                        .map(|i| {
                            row.try_get::<Option<String>, _>(i)
                                .or_else(|_| {
                                    row.try_get::<Option<i64>, _>(i).map(|v| v.map(|v| v.to_string()))
                                })
                                .or_else(|_| {
                                    row.try_get::<Option<f64>, _>(i).map(|v| v.map(|v| v.to_string()))
                                })
                                .unwrap()
                        })
                        .collect()
                })
                .collect()
        })
}

/// `wearhouse import --quiet --user USER FILE`; the summary line with its timing cut out
/// ("done (apple_health): 123 samples and 4 activities imported, 5 duplicates").
fn import(dir: &std::path::Path, user: &str, file: &str) -> String {
    let line = import_line(dir, user, file);
    let (head, counts) = line
        .split_once(" s: ")
        .unwrap_or_else(|| panic!("no summary: {line}"));
    let status = head.split_once(": ").unwrap().1.split(" in ").next().unwrap();
    format!("{status}: {counts}")
}

/// The line `wearhouse import` prints about `file`.
fn import_line(dir: &std::path::Path, user: &str, file: &str) -> String {
    let out = wearhouse(dir)
        .args(["--data-dir", "data", "import", "--quiet", "--user", user, file])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .find(|l| l.starts_with(file))
        .unwrap_or_else(|| panic!("no summary: {stdout}"))
        .to_owned()
}

fn synthetic_export(days: u32) -> Vec<u8> {
    let mut xml = Vec::new();
    wearhouse_formats::apple_health::synthetic::write_export(&mut xml, days, 7).unwrap();
    xml
}

const ROLLUPS: &str = "SELECT metric, block, hex(days) FROM daily_rollup_blocks ORDER BY metric, block";

/// What a kill between an import being recorded done and its rollups being recomputed leaves: the days
/// marked, their rollups not yet written.
const KILLED_BEFORE_ROLLUPS: [&str; 4] = [
    "WITH RECURSIVE k(d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM k WHERE d < 127) \
     INSERT INTO rollup_dirty (user_id, metric, day, seq) \
     SELECT user_id, metric, block * 128 + d, 1 FROM daily_rollup_blocks, k",
    "DELETE FROM daily_rollup_blocks",
    "DELETE FROM hourly_rollup_blocks",
    "SELECT COUNT(*) FROM rollup_dirty",
];

#[test]
fn rollups_an_import_killed_after_it_was_done_left_are_finished_by_any_next_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = create_user(dir.path(), "ana", "ana@example.org", "granite kettle orbit", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(dir.path().join("export.xml"), synthetic_export(3)).unwrap();
    let first = import(dir.path(), "ana", "export.xml");
    assert!(first.starts_with("done"), "{first}");
    let figures = sql(dir.path(), &[ROLLUPS]);
    assert!(figures.len() >= 10, "{figures:?}");

    // Run again, the import is "already imported" and returns at once: the figures are finished first.
    let marked = sql(dir.path(), &KILLED_BEFORE_ROLLUPS);
    assert_ne!(marked[0][0].as_deref(), Some("0"));
    let again = import_line(dir.path(), "ana", "export.xml");
    let id = sql(dir.path(), &["SELECT id FROM imports"])[0][0]
        .clone()
        .unwrap();
    assert!(again.starts_with("export.xml: already imported on 20"), "{again}");
    assert!(
        again.ends_with(&format!("(import {id}), nothing added")),
        "{again}"
    );
    assert_eq!(sql(dir.path(), &[ROLLUPS]), figures);
    assert_eq!(
        sql(dir.path(), &["SELECT COUNT(*) FROM rollup_dirty"]),
        [[Some("0".to_owned())]]
    );

    // Any command that opens the database does it, one that has nothing to do with rollups too.
    sql(dir.path(), &KILLED_BEFORE_ROLLUPS);
    let out = create_user(dir.path(), "bob", "bob@example.org", "granite kettle orbit", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(sql(dir.path(), &[ROLLUPS]), figures);
    assert_eq!(
        sql(dir.path(), &["SELECT COUNT(*) FROM rollup_dirty"]),
        [[Some("0".to_owned())]]
    );
}

#[test]
fn an_import_run_again_after_a_kill_is_resumed_and_counts_what_its_first_attempt_stored() {
    let dir = tempfile::tempdir().unwrap();
    for user in ["ana", "bob"] {
        let out = create_user(
            dir.path(),
            user,
            &format!("{user}@example.org"),
            "granite kettle orbit",
            &[],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let whole = synthetic_export(4);
    std::fs::write(dir.path().join("export.xml"), &whole).unwrap();
    // What one uninterrupted run of the file stores and counts, on an account of its own.
    let uninterrupted = import(dir.path(), "bob", "export.xml");
    assert!(
        uninterrupted.starts_with("done") && !uninterrupted.contains(": 0 samples"),
        "{uninterrupted}"
    );

    // Ana's first attempt stored part of the export (its first days), then the process was killed:
    // the row says running, the kept copy of the file is in the import folder.
    std::fs::write(dir.path().join("part.xml"), synthetic_export(2)).unwrap();
    import(dir.path(), "ana", "part.xml");
    let id = sql(
        dir.path(),
        &["SELECT i.id FROM imports i JOIN users u ON u.id = i.user_id WHERE u.username = 'ana'"],
    )[0][0]
        .clone()
        .unwrap();
    std::fs::write(dir.path().join("data/imports").join(&id), &whole).unwrap();
    sql(
        dir.path(),
        &[&format!(
            "UPDATE imports SET status = 'running', sha256 = '', bytes_total = {}, imported = 0, duplicates = 0, \
             activities = 0, report = '{{}}', finished_at = NULL WHERE id = '{id}'",
            whole.len()
        )],
    );

    // Run again: the same import is resumed, and counts as one uninterrupted run would.
    assert_eq!(import(dir.path(), "ana", "export.xml"), uninterrupted);
    let imports = sql(
        dir.path(),
        &["SELECT i.id, i.status FROM imports i JOIN users u ON u.id = i.user_id WHERE u.username = 'ana'"],
    );
    assert_eq!(
        imports,
        [[Some(id), Some("done".to_owned())]],
        "resumed, not started again beside it"
    );
    let raw = |user: &str| {
        sql(
            dir.path(),
            &[&format!(
                "SELECT COUNT(*) FROM raw_records r JOIN users u ON u.id = r.user_id WHERE u.username = '{user}'"
            )],
        )
    };
    assert_eq!(raw("ana"), raw("bob"));

    // Another file with the same data is a genuine re-import: all duplicates.
    let mut copy = whole.clone();
    copy.extend_from_slice(b"\n");
    std::fs::write(dir.path().join("copy.xml"), copy).unwrap();
    let again = import(dir.path(), "ana", "copy.xml");
    assert!(again.contains(": 0 samples and 0 activities imported"), "{again}");
}

#[test]
fn split_roles_are_refused_on_sqlite_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = wearhouse(dir.path())
        .args([
            "--data-dir",
            "data",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--role",
            "worker",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--role worker needs PostgreSQL") && stderr.contains("without --role"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn import_help_lists_every_format_and_which_need_their_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = wearhouse(dir.path()).args(["import", "--help"]).output().unwrap();
    assert!(out.status.success());
    // Compared with its lines joined: the help may be wrapped to the terminal.
    let help = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for format in [
        "export.zip",
        "FIT",
        "GPX",
        "TCX",
        "weight-",
        "sleep-",
        "Daily activity metrics.csv",
        "file's own name",
    ] {
        assert!(help.contains(format), "{format} missing from:\n{help}");
    }
}
