//! For tests: moto's S3 server (PyPI `moto[server]`), started from `WEARHOUSE_TEST_MOTO_SERVER` (the
//! `moto_server` executable, as CI installs it) on a free port, with a bucket `uploads`. Without the
//! variable the tests that need it say so and pass.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server, killed and reaped when dropped.
pub struct S3Server {
    child: Child,
    /// Its URL, for `blobs.endpoint`.
    pub endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server and creates the bucket `uploads`; `None` (with a message) when the variable is
/// unset. Panics when it is set but the server does not start: the test fails.
pub async fn s3_server() -> Option<S3Server> {
    let Ok(bin) = std::env::var("WEARHOUSE_TEST_MOTO_SERVER") else {
        eprintln!("skipped: needs moto's S3 server (set WEARHOUSE_TEST_MOTO_SERVER to moto_server)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"));
    let child = Command::new(&bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
    let server = S3Server {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    while reqwest::get(&server.endpoint).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "moto did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let created = reqwest::Client::new()
        .put(format!("{}/uploads", server.endpoint))
        .send()
        .await
        .map(|r| r.status().is_success());
    assert!(
        matches!(created, Ok(true)),
        "cannot create the bucket: {created:?}"
    );
    Some(server)
}
