//! Storing samples on SQLite, with group commit: inserts that arrive while another is being written
//! wait together and are then written in one transaction, each in a savepoint of its own.
//!
//! SQLite has one writer. Samples posted one per request (a phone syncing its last minute, a device
//! streaming) each cost a transaction of about half a millisecond, most of it the transaction itself
//! (taking the lock, writing the log frames, the checkpoint every thousand pages), so on a small
//! machine about 1,900 requests a second saturated the writer and queued the rest. Written together,
//! the cost per transaction is shared, and a chunk that several inserts of one user touch is written
//! once. An insert never waits for others to arrive: it joins the group forming while the writer is
//! busy, or starts one when it is idle. Each insert keeps its own outcome: one that fails rolls back to
//! its savepoint and the others are kept.

use std::sync::{Arc, Mutex};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;
use wearhouse_model::{Metric, UserId};

use super::native::NativeSqlite;
use crate::sample_chunk;
use crate::{NewSample, StoreError};

/// Samples in one group at most (beyond its first insert, which may be larger: an import's batch), so
/// that one transaction stays short and its memory bounded.
const GROUP_SAMPLES: usize = 20_000;
/// Inserts in one group at most.
const GROUP_INSERTS: usize = 256;

/// One `insert_samples` call waiting for its group.
struct SampleInsert {
    user: String,
    samples: Vec<NewSample>,
    touched: Vec<(Metric, i32)>,
    now_micros: i64,
    import_id: Option<String>,
    done: oneshot::Sender<Result<u64, StoreError>>,
}

/// The inserts waiting, and whether a writer is taking them.
#[derive(Default)]
pub(crate) struct InsertQueue {
    waiting: Vec<SampleInsert>,
    writing: bool,
}

impl NativeSqlite {
    /// Stores samples and marks the days they touch, in one transaction (shared with the inserts that
    /// waited beside it); returns how many were new (to the import, see `SampleStore::insert_samples`).
    pub(crate) async fn insert_samples(
        self: &Arc<Self>,
        user: &UserId,
        samples: &[NewSample],
        touched: &[(Metric, i32)],
        now_micros: i64,
        import_id: Option<&str>,
    ) -> Result<u64, StoreError> {
        let (done, outcome) = oneshot::channel();
        let insert = SampleInsert {
            user: user.as_str().to_owned(),
            samples: samples.to_vec(),
            touched: touched.to_vec(),
            now_micros,
            import_id: import_id.map(str::to_owned),
            done,
        };
        let start_writer = {
            let mut queue = self
                .inserts
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            queue.waiting.push(insert);
            !std::mem::replace(&mut queue.writing, true)
        };
        if start_writer {
            // A task of its own: the writer outlives this caller if it stops waiting, and every insert
            // it took is answered (or stored) all the same.
            let this = Arc::clone(self);
            tokio::spawn(async move {
                let queue = Arc::clone(&this);
                if let Err(e) = this
                    .run_writing(move |conn| write_groups(conn, &queue.inserts))
                    .await
                {
                    // No connection to write with: what waits is answered with the error, and the next
                    // insert starts a writer again.
                    let waiting = {
                        let mut queue = this
                            .inserts
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner());
                        queue.writing = false;
                        std::mem::take(&mut queue.waiting)
                    };
                    let message = e.to_string();
                    for insert in waiting {
                        let _ = insert.done.send(Err(StoreError::Native(message.clone())));
                    }
                }
            });
        }
        outcome
            .await
            .map_err(|_| StoreError::Native("the sample writer stopped before answering".into()))?
    }
}

/// Writes groups until none is waiting; then marks the writer idle, under the same lock that an insert
/// checks before it starts one, so no insert is left waiting without a writer.
fn write_groups(conn: &mut Connection, queue: &Mutex<InsertQueue>) -> Result<(), StoreError> {
    loop {
        let group = {
            let mut queue = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if queue.waiting.is_empty() {
                queue.writing = false;
                return Ok(());
            }
            take_group(&mut queue.waiting)
        };
        write_group(conn, group);
    }
}

/// The oldest inserts waiting, up to the group's limits (at least one).
fn take_group(waiting: &mut Vec<SampleInsert>) -> Vec<SampleInsert> {
    let mut samples = 0;
    let mut count = 0;
    for insert in waiting.iter() {
        if count > 0 && (count == GROUP_INSERTS || samples + insert.samples.len() > GROUP_SAMPLES) {
            break;
        }
        samples += insert.samples.len();
        count += 1;
    }
    let rest = waiting.split_off(count);
    std::mem::replace(waiting, rest)
}

/// Writes one group in one transaction and answers each insert.
fn write_group(conn: &mut Connection, group: Vec<SampleInsert>) {
    let mut outcomes = Vec::with_capacity(group.len());
    let committed = (|| {
        // Immediate: the chunks read below are rewritten in this transaction, so no other writer may
        // come between the read and the write.
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for insert in &group {
            let savepoint = tx.savepoint()?;
            match store_one(&savepoint, insert) {
                Ok(stored) => {
                    savepoint.commit()?;
                    outcomes.push(Ok(stored));
                }
                // Dropping the savepoint rolls this insert back; the others stay.
                Err(e) => outcomes.push(Err(e)),
            }
        }
        tx.commit()
    })();
    match committed {
        Ok(()) => {
            for (insert, outcome) in group.into_iter().zip(outcomes) {
                let _ = insert.done.send(outcome);
            }
        }
        Err(e) => {
            let message = e.to_string();
            for insert in group {
                let _ = insert.done.send(Err(StoreError::Native(message.clone())));
            }
        }
    }
}

/// One insert's work, inside the group's transaction.
fn store_one(conn: &Connection, insert: &SampleInsert) -> Result<u64, StoreError> {
    let SampleInsert {
        user,
        samples,
        touched,
        now_micros,
        import_id,
        ..
    } = insert;
    let batch: i64 = conn
        .prepare_cached(
            "INSERT INTO ingest_batches (user_id, ingested_at, import_id) VALUES (?1, ?2, ?3) RETURNING id",
        )?
        .query_row(rusqlite::params![user, now_micros, import_id], |r| r.get(0))?;
    let stored = super::native::read_chunks(conn, &sample_chunk::keys_of(samples))?;
    let taken = super::native::taken_external_ids(conn, samples)?;
    let superseded: Vec<i64> = match import_id {
        Some(import) => conn
            .prepare_cached(crate::sql::imports::SUPERSEDED_BATCHES)?
            .query_map([import], |r| r.get(0))?
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let resumed: Vec<i64> = match import_id {
        Some(import) => conn
            .prepare_cached(crate::sql::imports::EARLIER_ATTEMPT_BATCHES)?
            .query_map([import], |r| r.get(0))?
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let merge = sample_chunk::merge(samples, stored, taken, batch, &superseded, &resumed);
    super::native::write_chunks(conn, &merge)?;
    if merge.added > 0 || merge.taken_over > 0 {
        // Always raise the mark, never lower it (see the PostgreSQL path for why it matters).
        let mut mark = conn.prepare_cached(
            "INSERT INTO rollup_dirty (user_id, metric, day, seq) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (user_id, metric, day) DO UPDATE SET seq = CASE \
             WHEN rollup_dirty.seq >= excluded.seq THEN rollup_dirty.seq + 1 ELSE excluded.seq END",
        )?;
        for (metric, day) in touched {
            mark.execute(rusqlite::params![user, metric.code(), i64::from(*day), batch])?;
        }
    }
    if let Some(event) =
        crate::events::new_health_data(&merge.added_by_metric, import_id.as_deref(), *now_micros)
    {
        conn.prepare_cached(crate::events::INSERT_EVENT)?
            .execute(rusqlite::params![
                event.id,
                event.kind,
                event.version,
                user,
                event.occurred_at,
                event.data
            ])?;
    }
    Ok(merge.added + merge.resumed)
}
