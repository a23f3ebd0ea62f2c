//! The job queue: claims, leases, keys, retries, schedules, and the triggers that enqueue work in the
//! same transaction as the change that causes it.

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};
use wearhouse_model::*;
use wearhouse_store::testing::{backends, TestDatabase};
use wearhouse_store::*;

use super::{hr, new_user, t0, watch};

fn lease(owner: &str, until: Timestamp) -> Lease {
    Lease {
        owner: owner.into(),
        until,
    }
}

fn later(s: i64) -> Timestamp {
    t0() + SignedDuration::from_secs(s)
}

fn job(kind: &str) -> NewJob {
    NewJob::new(kind, "{}", t0())
}

#[tokio::test]
async fn due_jobs_are_claimed_by_priority_then_due_time_and_future_ones_wait() {
    for_each_backend!(|store| {
        let low = store.jobs.enqueue(&job("low").priority(-5), t0()).await.unwrap();
        let normal_late = store
            .jobs
            .enqueue(&NewJob::new("normal", "{}", later(1)), t0())
            .await
            .unwrap();
        let normal = store.jobs.enqueue(&job("normal"), t0()).await.unwrap();
        let urgent = store
            .jobs
            .enqueue(&job("urgent").priority(10), t0())
            .await
            .unwrap();
        let future = store
            .jobs
            .enqueue(&NewJob::new("future", "{}", later(3600)), t0())
            .await
            .unwrap();
        let a = lease("a", later(60));
        let claimed = store.jobs.claim(&a, later(2), 3).await.unwrap();
        let ids: Vec<i64> = claimed.iter().map(|j| j.id).collect();
        assert_eq!(ids, vec![urgent, normal, normal_late]);
        for j in &claimed {
            assert_eq!(j.state, JobState::Running);
            assert_eq!(j.attempts, 1);
            assert_eq!(j.lease_owner.as_deref(), Some("a"));
            assert_eq!(j.lease_until, Some(later(60)));
        }
        let rest = store.jobs.claim(&a, later(2), 10).await.unwrap();
        assert_eq!(rest.iter().map(|j| j.id).collect::<Vec<_>>(), vec![low]);
        assert!(
            store.jobs.claim(&a, later(2), 10).await.unwrap().is_empty(),
            "{future} is not due"
        );
        assert_eq!(store.jobs.claim(&a, later(3600), 10).await.unwrap()[0].id, future);
    });
}

#[tokio::test]
async fn a_worker_claims_only_the_kinds_it_can_run() {
    for_each_backend!(|store| {
        let import = store
            .jobs
            .enqueue(&job("imports.run").priority(5), t0())
            .await
            .unwrap();
        let noop = store.jobs.enqueue(&job("noop"), t0()).await.unwrap();
        let a = lease("bench", later(60));
        let only_noop = store
            .jobs
            .claim_kinds(&a, later(1), 10, &["noop".into()])
            .await
            .unwrap();
        assert_eq!(only_noop.iter().map(|j| j.id).collect::<Vec<_>>(), vec![noop]);
        assert_eq!(
            store.jobs.job(import).await.unwrap().state,
            JobState::Queued,
            "left for a worker that runs it"
        );
        let both = ["imports.run".to_owned(), "rollups.recompute".to_owned()];
        assert_eq!(
            store.jobs.claim_kinds(&a, later(1), 10, &both).await.unwrap()[0].id,
            import
        );
    });
}

#[tokio::test]
async fn workers_claiming_at_once_never_get_the_same_job() {
    for_each_backend!(|store| {
        let jobs: Vec<NewJob> = (0..300)
            .map(|i| NewJob::new("n", format!("{{\"i\":{i}}}"), t0()))
            .collect();
        assert_eq!(store.jobs.enqueue_many(&jobs, t0()).await.unwrap(), 300);
        let mut workers = Vec::new();
        for w in 0..4 {
            let store = store.clone();
            workers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let got = store
                        .jobs
                        .claim(&lease(&format!("w{w}"), later(60)), later(1), 7)
                        .await
                        .unwrap();
                    if got.is_empty() {
                        return mine;
                    }
                    let ids: Vec<i64> = got.iter().map(|j| j.id).collect();
                    assert_eq!(
                        store
                            .jobs
                            .complete(&format!("w{w}"), &ids, later(1), later(1))
                            .await
                            .unwrap(),
                        ids.len() as u64
                    );
                    mine.extend(ids);
                }
            }));
        }
        let mut all = Vec::new();
        for w in workers {
            all.extend(w.await.unwrap());
        }
        let distinct: BTreeSet<i64> = all.iter().copied().collect();
        assert_eq!(all.len(), 300, "every job claimed once");
        assert_eq!(distinct.len(), 300);
        for j in store.jobs.jobs(None, None, 500).await.unwrap() {
            assert_eq!((j.state, j.attempts), (JobState::Done, 1), "{j:?}");
        }
    });
}

#[tokio::test]
async fn a_key_is_queued_once_and_a_running_one_runs_again_after_it_completes() {
    for_each_backend!(|store| {
        let rebuild = || job("rebuild").unique("rebuild:ana");
        let first = store.jobs.enqueue(&rebuild(), t0()).await.unwrap();
        assert_eq!(
            store.jobs.enqueue(&rebuild(), t0()).await.unwrap(),
            first,
            "coalesced while queued"
        );
        let a = lease("a", later(60));
        assert_eq!(store.jobs.claim(&a, later(1), 10).await.unwrap().len(), 1);
        // Enqueued again while it runs: what caused it may have come after the job read its input.
        assert_eq!(store.jobs.enqueue(&rebuild(), later(2)).await.unwrap(), first);
        // Queued again for the time the runner asked: not claimable before it.
        assert_eq!(
            store
                .jobs
                .complete("a", &[first], later(3), later(4))
                .await
                .unwrap(),
            1
        );
        let again = store.jobs.job(first).await.unwrap();
        assert_eq!((again.state, again.attempts), (JobState::Queued, 0));
        assert!(store.jobs.claim(&a, later(3), 10).await.unwrap().is_empty());
        assert_eq!(store.jobs.claim(&a, later(4), 10).await.unwrap()[0].id, first);
        assert_eq!(
            store
                .jobs
                .complete("a", &[first], later(5), later(5))
                .await
                .unwrap(),
            1
        );
        assert_eq!(store.jobs.job(first).await.unwrap().state, JobState::Done);
        // Done: the key is free for a new job.
        let next = store.jobs.enqueue(&rebuild(), later(6)).await.unwrap();
        assert_ne!(next, first);
        // Keys coalesce toward the earlier due time and the higher priority.
        let k = store
            .jobs
            .enqueue(&NewJob::new("k", "{}", later(100)).unique("k"), t0())
            .await
            .unwrap();
        store
            .jobs
            .enqueue(&NewJob::new("k", "{}", later(50)).unique("k").priority(3), t0())
            .await
            .unwrap();
        let k = store.jobs.job(k).await.unwrap();
        assert_eq!((k.run_at, k.priority), (later(50), 3));
    });
}

#[tokio::test]
async fn failures_retry_at_the_given_time_until_the_job_is_dead_and_an_admin_retries_it() {
    for_each_backend!(|store| {
        let id = store
            .jobs
            .enqueue(&job("flaky").max_attempts(2), t0())
            .await
            .unwrap();
        let a = lease("a", later(60));
        store.jobs.claim(&a, later(1), 1).await.unwrap();
        assert_eq!(
            store
                .jobs
                .fail("b", id, "not mine", later(10), later(2))
                .await
                .unwrap(),
            FailOutcome::LeaseLost,
            "only the holder records an outcome"
        );
        assert_eq!(
            store
                .jobs
                .fail("a", id, "boom", later(10), later(2))
                .await
                .unwrap(),
            FailOutcome::Retrying
        );
        let waiting = store.jobs.job(id).await.unwrap();
        assert_eq!((waiting.state, waiting.run_at), (JobState::Queued, later(10)));
        assert_eq!(waiting.last_error.as_deref(), Some("boom"));
        assert!(
            store.jobs.claim(&a, later(9), 1).await.unwrap().is_empty(),
            "backing off"
        );
        assert_eq!(store.jobs.claim(&a, later(10), 1).await.unwrap()[0].attempts, 2);
        assert_eq!(
            store
                .jobs
                .fail("a", id, "boom again", later(20), later(11))
                .await
                .unwrap(),
            FailOutcome::Dead
        );
        let dead = store.jobs.job(id).await.unwrap();
        assert_eq!(dead.state, JobState::Dead);
        assert_eq!(dead.finished_at, Some(later(11)));
        assert!(store.jobs.claim(&a, later(100), 1).await.unwrap().is_empty());
        assert_eq!(
            store.jobs.jobs(Some(JobState::Dead), None, 10).await.unwrap()[0].id,
            id
        );

        let retried = store.jobs.retry(id, later(30)).await.unwrap();
        assert_eq!(
            (retried.state, retried.attempts, retried.run_at),
            (JobState::Queued, 0, later(30))
        );
        assert!(matches!(
            store.jobs.retry(id, later(31)).await,
            Err(StoreError::Conflict { what: "job_state" })
        ));
        assert!(matches!(
            store.jobs.retry(id + 1000, later(31)).await,
            Err(StoreError::NotFound)
        ));
    });
}

#[tokio::test]
async fn an_expired_lease_is_taken_again_and_its_first_holder_can_no_longer_finish_it() {
    for_each_backend!(|store| {
        let id = store.jobs.enqueue(&job("long"), t0()).await.unwrap();
        store
            .jobs
            .claim(&lease("a", later(30)), later(1), 1)
            .await
            .unwrap();
        // Renewed while it runs; only the jobs named, and only by their holder.
        assert_eq!(
            store
                .jobs
                .renew(&lease("a", later(60)), &[id, id + 1])
                .await
                .unwrap(),
            1
        );
        assert_eq!(store.jobs.renew(&lease("b", later(90)), &[id]).await.unwrap(), 0);
        assert_eq!(store.jobs.renew(&lease("a", later(90)), &[]).await.unwrap(), 0);
        assert_eq!(
            store.jobs.rescue_expired(later(45)).await.unwrap(),
            0,
            "still leased"
        );
        assert_eq!(store.jobs.rescue_expired(later(61)).await.unwrap(), 1);
        let rescued = store.jobs.job(id).await.unwrap();
        assert_eq!(rescued.state, JobState::Queued);
        assert!(rescued.last_error.unwrap().contains("lease expired"));
        let b = store
            .jobs
            .claim(&lease("b", later(120)), later(62), 1)
            .await
            .unwrap();
        assert_eq!((b[0].id, b[0].attempts), (id, 2));
        assert_eq!(
            store
                .jobs
                .complete("a", &[id], later(63), later(63))
                .await
                .unwrap(),
            0
        );
        assert!(!store.jobs.release("a", id).await.unwrap());
        assert_eq!(
            store
                .jobs
                .complete("b", &[id], later(63), later(63))
                .await
                .unwrap(),
            1
        );
    });
}

#[tokio::test]
async fn a_job_that_dies_after_its_key_was_enqueued_again_leaves_a_successor_to_run() {
    for_each_backend!(|store| {
        let keyed = || {
            NewJob::new("rollups.recompute", r#"{"user":"ana"}"#, t0())
                .unique("rollups:ana")
                .max_attempts(1)
        };
        let successor = |store: Store| async move {
            store
                .jobs
                .jobs(Some(JobState::Queued), None, 10)
                .await
                .unwrap()
                .into_iter()
                .filter(|j| j.unique_key.as_deref() == Some("rollups:ana"))
                .collect::<Vec<_>>()
        };
        // Failed out of attempts, with a change enqueued while it ran: the change still gets its run.
        let first = store.jobs.enqueue(&keyed(), t0()).await.unwrap();
        store
            .jobs
            .claim(&lease("a", later(30)), later(1), 1)
            .await
            .unwrap();
        store.jobs.enqueue(&keyed(), later(2)).await.unwrap();
        assert_eq!(
            store
                .jobs
                .fail("a", first, "boom", later(10), later(3))
                .await
                .unwrap(),
            FailOutcome::Dead
        );
        assert_eq!(
            store.jobs.job(first).await.unwrap().state,
            JobState::Dead,
            "kept for the record"
        );
        let next = successor(store.clone()).await;
        assert_eq!(next.len(), 1, "{next:?}");
        assert_ne!(next[0].id, first);
        assert_eq!((next[0].attempts, next[0].run_at), (0, later(3)));
        assert_eq!(next[0].payload, r#"{"user":"ana"}"#);
        assert_eq!(next[0].kind, "rollups.recompute");

        // The same when its worker vanished: the lease expires with no attempt left.
        let claimed = store
            .jobs
            .claim(&lease("b", later(40)), later(4), 1)
            .await
            .unwrap();
        assert_eq!(claimed[0].id, next[0].id);
        store.jobs.enqueue(&keyed(), later(5)).await.unwrap();
        assert_eq!(store.jobs.rescue_expired(later(41)).await.unwrap(), 1);
        assert_eq!(store.jobs.job(next[0].id).await.unwrap().state, JobState::Dead);
        let third = successor(store.clone()).await;
        assert_eq!(third.len(), 1, "{third:?}");
        assert_eq!(third[0].run_at, later(41));

        // Without a change meanwhile, a dead job is only dead.
        store
            .jobs
            .claim(&lease("c", later(60)), later(42), 1)
            .await
            .unwrap();
        assert_eq!(
            store
                .jobs
                .fail("c", third[0].id, "boom", later(50), later(43))
                .await
                .unwrap(),
            FailOutcome::Dead
        );
        assert!(successor(store.clone()).await.is_empty());
        store.jobs.enqueue(&job("other"), later(44)).await.unwrap();
        store
            .jobs
            .claim(&lease("d", later(50)), later(44), 1)
            .await
            .unwrap();
        assert_eq!(store.jobs.rescue_expired(later(51)).await.unwrap(), 1);
        assert!(
            successor(store.clone()).await.is_empty(),
            "no dead job is succeeded twice"
        );
    });
}

#[tokio::test]
async fn a_released_job_is_queued_again_without_spending_an_attempt() {
    for_each_backend!(|store| {
        let id = store.jobs.enqueue(&job("import"), t0()).await.unwrap();
        store
            .jobs
            .claim(&lease("a", later(30)), later(1), 1)
            .await
            .unwrap();
        assert!(store.jobs.release("a", id).await.unwrap());
        let back = store.jobs.job(id).await.unwrap();
        assert_eq!(
            (back.state, back.attempts, back.lease_owner),
            (JobState::Queued, 0, None)
        );
    });
}

#[tokio::test]
async fn a_key_is_claimed_by_name_unless_a_live_worker_holds_it() {
    for_each_backend!(|store| {
        let id = store
            .jobs
            .enqueue(&NewJob::new("import", "{}", later(500)).unique("import:x"), t0())
            .await
            .unwrap();
        let cli = store
            .jobs
            .claim_key("import:x", &lease("cli", later(30)), later(1))
            .await
            .unwrap();
        assert_eq!(cli.unwrap().id, id, "claimed by key even before it is due");
        assert!(
            store
                .jobs
                .claim_key("import:x", &lease("server", later(60)), later(2))
                .await
                .unwrap()
                .is_none(),
            "a live lease is left alone"
        );
        let taken = store
            .jobs
            .claim_key("import:x", &lease("cli2", later(90)), later(31))
            .await
            .unwrap();
        assert_eq!(
            taken.unwrap().lease_owner.as_deref(),
            Some("cli2"),
            "an expired lease is taken"
        );
        assert!(store
            .jobs
            .claim_key("import:y", &lease("cli", later(30)), later(1))
            .await
            .unwrap()
            .is_none());
    });
}

#[tokio::test]
async fn a_schedule_fires_once_per_due_instant_whichever_scheduler_fires_it() {
    for_each_backend!(|store| {
        assert_eq!(
            store.jobs.schedule_next("purge", later(3600)).await.unwrap(),
            later(3600)
        );
        assert_eq!(
            store.jobs.schedule_next("purge", later(7200)).await.unwrap(),
            later(3600),
            "the stored instant wins"
        );
        let purge = NewJob::new("purge", "{}", later(3600));
        let (one, two) = tokio::join!(
            store
                .jobs
                .fire_schedule("purge", later(3600), later(7200), &purge, later(3601)),
            store
                .jobs
                .fire_schedule("purge", later(3600), later(7200), &purge, later(3601)),
        );
        assert_eq!(u8::from(one.unwrap()) + u8::from(two.unwrap()), 1, "fired once");
        assert_eq!(
            store.jobs.schedule_next("purge", later(0)).await.unwrap(),
            later(7200)
        );
        assert_eq!(store.jobs.jobs(None, None, 10).await.unwrap().len(), 1);
    });
}

#[tokio::test]
async fn marked_days_and_queued_imports_enqueue_their_jobs_in_the_same_transaction() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let w = store
            .samples
            .ensure_source(&ana.id, &watch(), t0())
            .await
            .unwrap();
        let day = (t0().as_second() / 86_400) as i32;
        let samples = [hr(w, t0().as_second(), 61.0), hr(w, t0().as_second() + 60, 62.0)];
        let touched = [(Metric::HeartRate, day), (Metric::HeartRate, day + 1)];
        store
            .samples
            .insert_samples(&ana.id, &samples, &touched, t0(), None)
            .await
            .unwrap();
        let key = format!("rollups:{}", ana.id);
        // The batch's event enqueued its publishing too (see `events.rs`); the rollup jobs here.
        let queued: Vec<JobRecord> = store
            .jobs
            .jobs(Some(JobState::Queued), None, 10)
            .await
            .unwrap()
            .into_iter()
            .filter(|j| j.kind != "events.publish")
            .collect();
        assert_eq!(
            queued.len(),
            1,
            "one job per user, whatever the number of marks: {queued:?}"
        );
        assert_eq!(queued[0].kind, "rollups.recompute");
        assert_eq!(queued[0].unique_key.as_deref(), Some(key.as_str()));
        let payload: serde_json::Value = serde_json::from_str(&queued[0].payload).unwrap();
        assert_eq!(payload["user"], ana.id.to_string());
        // Due a second after the mark, so that a stream of marks is recomputed once.
        assert_eq!(
            queued[0].run_at.duration_since(queued[0].created_at),
            jiff::SignedDuration::from_secs(1)
        );
        assert!(store
            .jobs
            .claim(&lease("w", later(60)), queued[0].created_at, 10)
            .await
            .unwrap()
            .iter()
            .all(|j| j.kind != "rollups.recompute"));
        // Marked again while its job runs: the job runs once more.
        let claimed: Vec<JobRecord> = store
            .jobs
            .claim(&lease("w", later(60)), queued[0].run_at, 10)
            .await
            .unwrap()
            .into_iter()
            .filter(|j| j.kind == "rollups.recompute")
            .collect();
        assert_eq!(claimed.len(), 1);
        let more = [hr(w, t0().as_second() + 120, 63.0)];
        store
            .samples
            .insert_samples(&ana.id, &more, &touched[..1], t0(), None)
            .await
            .unwrap();
        store
            .jobs
            .complete("w", &[claimed[0].id], later(1), later(1))
            .await
            .unwrap();
        assert_eq!(
            store.jobs.job(claimed[0].id).await.unwrap().state,
            JobState::Queued
        );

        let import = store
            .imports
            .create_import(
                &ana.id,
                &NewImport {
                    id: "imp_1".into(),
                    format: "gpx".into(),
                    file_name: None,
                    sha256: "abc".into(),
                    bytes_total: 10,
                    data_version: 1,
                    supersedes: None,
                },
                t0(),
            )
            .await
            .unwrap();
        let run = store
            .jobs
            .claim_key("import:imp_1", &lease("cli", later(60)), later(1))
            .await
            .unwrap()
            .expect("the import's job");
        assert_eq!(run.kind, "imports.run");
        let payload: serde_json::Value = serde_json::from_str(&run.payload).unwrap();
        assert_eq!(payload["import"], import.id);
        let claimed = store
            .imports
            .claim_import("imp_1", later(2))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed.status, ImportStatus::Running);
        // Claimed again after its worker stopped: still its to run.
        assert!(store
            .imports
            .claim_import("imp_1", later(3))
            .await
            .unwrap()
            .is_some());
        assert!(store
            .imports
            .claim_import("imp_nope", later(3))
            .await
            .unwrap()
            .is_none());
    });
}

#[tokio::test]
async fn stats_count_per_kind_and_state_and_pruning_forgets_old_finished_jobs() {
    for_each_backend!(|store| {
        let done = store.jobs.enqueue(&job("a"), t0()).await.unwrap();
        store
            .jobs
            .enqueue(&NewJob::new("a", "{}", later(5)), t0())
            .await
            .unwrap();
        store.jobs.enqueue(&job("b"), t0()).await.unwrap();
        store.jobs.claim(&lease("w", later(60)), t0(), 1).await.unwrap();
        store
            .jobs
            .complete("w", &[done], later(1), later(1))
            .await
            .unwrap();
        let stats = store.jobs.stats().await.unwrap();
        let find = |kind: &str, state| {
            stats
                .iter()
                .find(|s| s.kind == kind && s.state == state)
                .map(|s| s.count)
        };
        assert_eq!(find("a", JobState::Done), Some(1));
        assert_eq!(find("a", JobState::Queued), Some(1));
        assert_eq!(find("b", JobState::Queued), Some(1));
        let a_queued = stats
            .iter()
            .find(|s| s.kind == "a" && s.state == JobState::Queued)
            .unwrap();
        assert_eq!(a_queued.oldest_run_at, Some(later(5)));
        assert_eq!(
            store.jobs.prune(later(1), later(1)).await.unwrap(),
            0,
            "finished at, not before"
        );
        assert_eq!(store.jobs.prune(later(2), later(2)).await.unwrap(), 1);
        let page = store.jobs.jobs(None, None, 1).await.unwrap();
        let older = store.jobs.jobs(None, Some(page[0].id), 10).await.unwrap();
        assert_eq!(page.len() + older.len(), 2, "newest first, paged by id");
    });
}
