//! Waiting for SQLite's write lock: woken by the commit that frees it, not by a timer.
//!
//! SQLite admits one writer at a time. Its stock busy handler (`sqlite3_busy_timeout`) makes the others
//! sleep 1, 2, 5, 10, … then 100 ms between attempts, so a writer that has waited a while sleeps through
//! many commits and loses the lock to writers that just arrived. Under a steady flow of small writes
//! (samples posted one by one, the event publisher, the rollup worker, job claims) that starved some
//! writes for over a second, and the commit-to-client latency of events with them.
//!
//! Instead, every connection of this process announces its commits (SQLite's WAL hook), and a waiting
//! connection sleeps until the next one, or at most [`POLL`] for what announces nothing (a rollback, or
//! a commit by another process), then tries again, until the connection's busy timeout has passed.
//!
//! SQLite offers both only through its C interface, so this is the one module of the workspace with
//! `unsafe` code: three calls, each on a connection the caller borrows.
#![allow(unsafe_code)]

use std::cell::Cell;
use std::ffi::{c_char, c_int, c_void};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use rusqlite::ffi;

/// The longest sleep between two attempts when no commit of this process wakes the waiter.
const POLL: Duration = Duration::from_millis(1);

/// Pages in the WAL after which a commit checkpoints it: SQLite's default (`wal_autocheckpoint`),
/// which setting a WAL hook replaces (see `committed`).
const AUTOCHECKPOINT_PAGES: c_int = 1000;

/// Commits counted so far in this process; waiters wait for the count to change.
static COMMITS: Mutex<u64> = Mutex::new(0);
static COMMITTED: Condvar = Condvar::new();

thread_local! {
    /// When the current lock attempt on this thread started waiting. A connection runs a statement on
    /// one thread (sqlx gives each connection its own; the bulk paths hold theirs on a blocking thread
    /// for the whole call), and SQLite calls the busy handler on that thread.
    static WAITING_SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Installs the commit announcement and the waiting on a connection of sqlx's pool.
pub(crate) fn install_pooled(
    handle: &mut sqlx::sqlite::LockedSqliteHandle<'_>,
    timeout: Duration,
) -> Result<(), String> {
    // The handle is locked for this call: no statement runs on the connection meanwhile.
    install(handle.as_raw_handle().as_ptr().cast(), timeout)
}

/// Installs the commit announcement and the waiting on a connection of the bulk paths.
pub(crate) fn install_native(conn: &rusqlite::Connection, timeout: Duration) -> Result<(), String> {
    // SAFETY: only read, to pass to SQLite below while `conn` is borrowed, so open and not in use.
    let db = unsafe { conn.handle() };
    install(db, timeout)
}

/// `db` must be an open connection handle that no other thread uses during the call (both callers
/// borrow the connection that owns it).
fn install(db: *mut ffi::sqlite3, timeout: Duration) -> Result<(), String> {
    let timeout_ms = usize::try_from(timeout.as_millis()).unwrap_or(usize::MAX);
    // SAFETY: `db` is open and ours for the call (see above); both callbacks are plain functions that
    // live for the whole program, and the busy handler's argument is a number carried in the pointer,
    // never read through.
    let status = unsafe { ffi::sqlite3_busy_handler(db, Some(busy), timeout_ms as *mut c_void) };
    if status != ffi::SQLITE_OK {
        return Err(format!(
            "setting the busy handler failed with SQLite code {status}"
        ));
    }
    // SAFETY: as above. Nothing else sets a WAL hook, so no previous hook's argument is lost.
    unsafe { ffi::sqlite3_wal_hook(db, Some(committed), std::ptr::null_mut()) };
    Ok(())
}

/// SQLite's WAL hook: called after each commit, with the lock released.
unsafe extern "C" fn committed(
    _arg: *mut c_void,
    db: *mut ffi::sqlite3,
    schema: *const c_char,
    pages: c_int,
) -> c_int {
    if pages >= AUTOCHECKPOINT_PAGES {
        // What SQLite's own hook does: a passive checkpoint, which never waits for readers. Its result
        // does not matter: the next commit past the threshold tries again.
        // SAFETY: `db` and `schema` are the ones SQLite passed in, valid for this call.
        unsafe { ffi::sqlite3_wal_checkpoint(db, schema) };
    }
    let mut commits = COMMITS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    *commits = commits.wrapping_add(1);
    drop(commits);
    COMMITTED.notify_all();
    ffi::SQLITE_OK
}

/// SQLite's busy handler: non-zero to try again, zero to give up with `SQLITE_BUSY`.
unsafe extern "C" fn busy(timeout_ms: *mut c_void, attempts: c_int) -> c_int {
    let now = Instant::now();
    let since = WAITING_SINCE.with(|since| {
        if attempts == 0 || since.get().is_none() {
            since.set(Some(now));
        }
        since.get().unwrap_or(now)
    });
    if now.duration_since(since) >= Duration::from_millis(timeout_ms as u64) {
        return 0;
    }
    let commits = COMMITS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let seen = *commits;
    // Wakes at the next commit, or after POLL; either way SQLite tries the lock again.
    let _ = COMMITTED.wait_timeout_while(commits, POLL, |count| *count == seen);
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(path: &std::path::Path) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.pragma_update(None, "journal_mode", "wal").unwrap();
        install_native(&conn, Duration::from_millis(300)).unwrap();
        conn
    }

    /// A database with a table `t` and a connection holding its write lock, in an open transaction.
    fn locked_database() -> (tempfile::TempDir, std::path::PathBuf, rusqlite::Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let holder = connection(&path);
        holder
            .execute_batch("CREATE TABLE t (v INTEGER); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
            .unwrap();
        (dir, path, holder)
    }

    #[test]
    fn a_waiting_writer_gets_the_lock_when_the_holder_commits() {
        let (_dir, path, holder) = locked_database();
        let waiter = std::thread::spawn({
            let path = path.clone();
            move || {
                let conn = connection(&path);
                let started = Instant::now();
                conn.execute("INSERT INTO t VALUES (2)", []).unwrap();
                started.elapsed()
            }
        });
        std::thread::sleep(Duration::from_millis(50));
        holder.execute_batch("COMMIT").unwrap();
        let waited = waiter.join().unwrap();
        assert!(
            waited >= Duration::from_millis(40),
            "the insert waited for the commit: {waited:?}"
        );
        let count: i64 = holder
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 2);
    }

    #[test]
    fn a_writer_gives_up_after_its_timeout() {
        let (_dir, path, holder) = locked_database();
        let conn = connection(&path);
        let started = Instant::now();
        let error = conn.execute("INSERT INTO t VALUES (2)", []).unwrap_err();
        assert_eq!(error.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy));
        assert!(started.elapsed() >= Duration::from_millis(300));
        holder.execute_batch("COMMIT").unwrap();
    }

    #[test]
    fn the_wal_is_still_checkpointed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let conn = connection(&path);
        conn.execute_batch("CREATE TABLE t (v BLOB)").unwrap();
        for _ in 0..800 {
            conn.execute("INSERT INTO t VALUES (zeroblob(16000))", [])
                .unwrap();
        }
        // Without checkpoints the WAL would hold every page written (800 × 16 kB, 13 MB); checkpointed
        // every 1,000 pages it is reused from the start and stays near 4 MB.
        let wal = std::fs::metadata(path.with_extension("db-wal")).unwrap().len();
        assert!(
            wal < 8_000_000,
            "the WAL was checkpointed and reused: {wal} bytes"
        );
    }
}
