//! Activities: creation with external-id dedup, revisions, trash, restore, filters and streams.

use std::collections::BTreeMap;

use jiff::ToSpan;
use wearhouse_model::*;
use wearhouse_store::testing::{backends, TestDatabase};
use wearhouse_store::*;

use super::{new_user, t0};

fn fields(kind: ActivityType, start_hour: i64, minutes: i64, distance: Option<f64>) -> ActivityFields {
    let start = t0() + start_hour.hours();
    let mut f = ActivityFields::new(kind, start, start + minutes.minutes());
    f.distance = distance;
    f
}

fn new_activity(f: ActivityFields, external_id: Option<&str>) -> NewActivity {
    NewActivity {
        id: ActivityId::generate(),
        fields: f,
        source_id: None,
        external_id: external_id.map(str::to_owned),
        streams: None,
        import_id: None,
    }
}

fn created(outcome: &Created) -> &ActivityRecord {
    match outcome {
        Created::New(r) | Created::Existing(r) => r,
    }
}

#[tokio::test]
async fn activities_are_created_once_per_external_id() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap().id;
        let other = store.accounts.create_user(new_user("ben")).await.unwrap().id;
        let run = fields(ActivityType::Running, 0, 45, Some(8200.0));
        let first = store
            .activities
            .create_activities(&user, &[new_activity(run.clone(), Some("garmin-1"))], t0())
            .await
            .unwrap();
        assert!(matches!(first[0], Created::New(_)));
        let again = store
            .activities
            .create_activities(
                &user,
                &[
                    new_activity(run.clone(), Some("garmin-1")),
                    new_activity(run.clone(), None),
                    new_activity(run.clone(), Some("garmin-2")),
                    new_activity(run.clone(), Some("garmin-2")),
                ],
                t0(),
            )
            .await
            .unwrap();
        assert!(matches!(again[0], Created::Existing(_)));
        assert_eq!(created(&again[0]).id, created(&first[0]).id);
        assert!(matches!(again[1], Created::New(_)));
        assert!(matches!(again[2], Created::New(_)));
        assert!(
            matches!(again[3], Created::Existing(_)),
            "repeats within one batch are found too"
        );
        // Another user's external ids are their own.
        let theirs = store
            .activities
            .create_activities(&other, &[new_activity(run.clone(), Some("garmin-1"))], t0())
            .await
            .unwrap();
        assert!(matches!(theirs[0], Created::New(_)));
        let mine = ActivityQuery {
            limit: 100,
            ..Default::default()
        };
        assert_eq!(
            store
                .activities
                .list_activities(&user, &mine)
                .await
                .unwrap()
                .len(),
            3
        );
        let id = created(&first[0]).id.clone();
        assert!(matches!(
            store.activities.activity(&other, &id, true).await,
            Err(StoreError::NotFound)
        ));
    });
}

#[tokio::test]
async fn updates_deletes_and_restores_keep_revisions() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap().id;
        let original = fields(ActivityType::Running, 0, 45, Some(8200.0));
        let out = store
            .activities
            .create_activities(&user, &[new_activity(original.clone(), None)], t0())
            .await
            .unwrap();
        let id = created(&out[0]).id.clone();
        let mut edited = original.clone();
        edited.title = Some("Evening run".into());
        edited.distance = Some(8300.0);
        let later = t0() + 1.hour();
        let updated = store
            .activities
            .update_activity(&user, &id, 1, &edited, later)
            .await
            .unwrap();
        assert_eq!(updated.revision, 2);
        assert_eq!(updated.fields, edited);
        // A stale revision is a conflict, not a lost update.
        assert!(matches!(
            store
                .activities
                .update_activity(&user, &id, 1, &original, later)
                .await,
            Err(StoreError::Conflict { .. })
        ));
        let deleted = store.activities.delete_activity(&user, &id, later).await.unwrap();
        assert_eq!(deleted.revision, 3);
        assert!(matches!(
            store.activities.activity(&user, &id, false).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.activities.trash(&user).await.unwrap().len(), 1);
        assert!(store
            .activities
            .list_activities(
                &user,
                &ActivityQuery {
                    limit: 10,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .is_empty());
        // Editing a trashed activity is refused; restoring revision 1 brings back the original.
        assert!(matches!(
            store
                .activities
                .update_activity(&user, &id, 3, &edited, later)
                .await,
            Err(StoreError::NotFound)
        ));
        let restored = store
            .activities
            .restore_activity(&user, &id, 1, later)
            .await
            .unwrap();
        assert_eq!(restored.revision, 4);
        assert_eq!(restored.fields, original);
        assert!(restored.deleted_at.is_none());
        let revisions = store.activities.revisions(&user, &id).await.unwrap();
        let changes: Vec<_> = revisions
            .iter()
            .map(|r| (r.revision, r.change, r.deleted))
            .collect();
        assert_eq!(
            changes,
            [
                (1, RevisionChange::Create, false),
                (2, RevisionChange::Update, false),
                (3, RevisionChange::Delete, true),
                (4, RevisionChange::Restore, false),
            ]
        );
        assert_eq!(revisions[1].fields, edited);
        assert!(matches!(
            store.activities.restore_activity(&user, &id, 99, later).await,
            Err(StoreError::NotFound)
        ));
        // The purge removes only what was trashed before the cut-off.
        store.activities.delete_activity(&user, &id, later).await.unwrap();
        assert_eq!(store.activities.purge_trash(later).await.unwrap(), 0);
        assert_eq!(store.activities.purge_trash(later + 1.second()).await.unwrap(), 1);
        assert!(matches!(
            store.activities.activity(&user, &id, true).await,
            Err(StoreError::NotFound)
        ));
    });
}

#[tokio::test]
async fn activity_lists_filter_sort_and_page() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap().id;
        let mut items = Vec::new();
        for i in 0..12i64 {
            let kind = if i % 3 == 0 {
                ActivityType::Cycling
            } else {
                ActivityType::Running
            };
            let mut f = fields(kind, i * 24, 30 + i, Some(1000.0 * i as f64));
            f.avg_heart_rate = Some(120.0 + i as f64);
            f.title = Some(format!("Session {i}"));
            // Some recorded where the clock said otherwise (west of UTC too), some without an offset.
            f.offset_minutes = [None, Some(60), Some(-300), Some(330)][(i % 4) as usize];
            f.notes = (i == 7).then(|| "Felt GREAT_100% today".to_owned());
            items.push(new_activity(f, None));
        }
        store
            .activities
            .create_activities(&user, &items, t0())
            .await
            .unwrap();
        let list = |q: ActivityQuery| {
            let store = store.clone();
            let user = user.clone();
            async move { store.activities.list_activities(&user, &q).await.unwrap() }
        };
        let titles = |records: &[ActivityRecord]| {
            records
                .iter()
                .map(|r| r.fields.title.clone().unwrap())
                .collect::<Vec<_>>()
        };
        let all = list(ActivityQuery {
            limit: 100,
            ..Default::default()
        })
        .await;
        assert_eq!(all.len(), 12);
        assert_eq!(all[0].fields.title.as_deref(), Some("Session 11"), "newest first");
        let cycling = list(ActivityQuery {
            types: vec![ActivityType::Cycling],
            limit: 100,
            ..Default::default()
        });
        assert_eq!(
            titles(&cycling.await),
            ["Session 9", "Session 6", "Session 3", "Session 0"]
        );
        let mid = list(ActivityQuery {
            min_distance: Some(3000.0),
            max_distance: Some(5000.0),
            min_avg_hr: Some(124.0),
            limit: 100,
            ..Default::default()
        });
        assert_eq!(titles(&mid.await), ["Session 5", "Session 4"]);
        let long = list(ActivityQuery {
            min_duration: Some(40 * 60),
            limit: 100,
            ..Default::default()
        });
        assert_eq!(long.await.len(), 2);
        let window = list(ActivityQuery {
            from: Some((t0() + 48.hours()).as_second()),
            to: Some((t0() + 96.hours()).as_second()),
            limit: 100,
            ..Default::default()
        });
        assert_eq!(titles(&window.await), ["Session 3", "Session 2"]);
        let text = list(ActivityQuery {
            text: Some("great_100%".into()),
            limit: 100,
            ..Default::default()
        });
        assert_eq!(
            titles(&text.await),
            ["Session 7"],
            "case-insensitive, wildcards literal"
        );
        let none = list(ActivityQuery {
            text: Some("gr%t".into()),
            limit: 100,
            ..Default::default()
        });
        assert!(none.await.is_empty());
        // Pages by distance, longest first, never skipping or repeating.
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = list(ActivityQuery {
                sort: ActivitySort::DistanceDesc,
                after: after.clone(),
                limit: 5,
                ..Default::default()
            })
            .await;
            if page.is_empty() {
                break;
            }
            let last = page.last().unwrap();
            after = Some(ActivityCursor {
                key: (last.fields.distance.unwrap() * 1000.0).round() as i64,
                id: last.id.to_string(),
            });
            seen.extend(titles(&page));
        }
        let expected: Vec<String> = (0..12).rev().map(|i| format!("Session {i}")).collect();
        assert_eq!(seen, expected);
        let between = store
            .activities
            .activities_between(
                &user,
                (t0() + 24.hours()).as_second(),
                (t0() + 48.hours()).as_second(),
            )
            .await
            .unwrap();
        assert_eq!(titles(&between), ["Session 1"]);
        // Workout spans are the same activities, reduced to what day summaries count.
        for (from, to) in [(24, 48), (-100, 1000)] {
            let (from, to) = ((t0() + from.hours()).as_second(), (t0() + to.hours()).as_second());
            let whole = store
                .activities
                .activities_between(&user, from, to)
                .await
                .unwrap();
            let spans = store.activities.workout_spans(&user, from, to).await.unwrap();
            let expected: Vec<WorkoutSpan> = whole
                .iter()
                .map(|a| WorkoutSpan {
                    start: a.fields.start.as_second(),
                    end: a.fields.end.as_second(),
                    offset_minutes: a.fields.offset_minutes,
                    distance: a.fields.distance,
                })
                .collect();
            assert_eq!(spans, expected);
            assert!(!spans.is_empty());
        }
        let all = store
            .activities
            .workout_spans(
                &user,
                (t0() - 100.hours()).as_second(),
                (t0() + 1000.hours()).as_second(),
            )
            .await
            .unwrap();
        let offsets: Vec<Option<i16>> = all.iter().take(4).map(|s| s.offset_minutes).collect();
        assert_eq!(offsets, [None, Some(60), Some(-300), Some(330)]);
        assert_eq!(all.len(), 12);
    });
}

#[tokio::test]
async fn streams_are_stored_compactly_and_read_back() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap().id;
        let n = 600;
        let mut channels = BTreeMap::new();
        channels.insert(
            StreamKey::HeartRate,
            (0..n).map(|i| Some(130.0 + (i % 9) as f64)).collect(),
        );
        channels.insert(
            StreamKey::Lat,
            (0..n)
                .map(|i| (i > 10).then_some(48.1 + i as f64 * 1e-5))
                .collect(),
        );
        let streams = Streams {
            time: (0..n).map(|i| i as f64).collect(),
            channels,
        };
        let mut item = new_activity(fields(ActivityType::Running, 0, 10, None), None);
        item.streams = Some(streams.clone());
        let out = store
            .activities
            .create_activities(&user, &[item], t0())
            .await
            .unwrap();
        let record = created(&out[0]);
        assert_eq!(record.stream_points, n as i64);
        let back = store
            .activities
            .streams(&user, &record.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(back.time, streams.time);
        assert_eq!(
            back.channels[&StreamKey::HeartRate],
            streams.channels[&StreamKey::HeartRate]
        );
        let lat = &back.channels[&StreamKey::Lat];
        assert_eq!(lat.iter().filter(|v| v.is_none()).count(), 11);
        assert!((lat[500].unwrap() - (48.1 + 500.0 * 1e-5)).abs() < 1e-7);
        let plain = store
            .activities
            .create_activities(
                &user,
                &[new_activity(fields(ActivityType::Yoga, 5, 10, None), None)],
                t0(),
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .activities
                .streams(&user, &created(&plain[0]).id)
                .await
                .unwrap(),
            None
        );
    });
}

#[tokio::test]
async fn idempotency_keys_replay_refuse_mismatches_and_release() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap().id;
        let keys = &store.idempotency;
        assert_eq!(
            keys.claim_key(&user, "k1", "fp-a", t0()).await.unwrap(),
            KeyClaim::Claimed
        );
        assert_eq!(
            keys.claim_key(&user, "k1", "fp-a", t0()).await.unwrap(),
            KeyClaim::InProgress
        );
        let response = StoredResponse {
            status: 201,
            content_type: Some("application/json".into()),
            body: b"{\"id\":1}".to_vec(),
        };
        keys.complete(&user, "k1", &response).await.unwrap();
        assert_eq!(
            keys.claim_key(&user, "k1", "fp-a", t0()).await.unwrap(),
            KeyClaim::Completed(response)
        );
        assert_eq!(
            keys.claim_key(&user, "k1", "fp-b", t0()).await.unwrap(),
            KeyClaim::Mismatch
        );
        assert_eq!(
            keys.claim_key(&user, "k2", "fp-a", t0()).await.unwrap(),
            KeyClaim::Claimed
        );
        keys.release(&user, "k2").await.unwrap();
        assert_eq!(
            keys.claim_key(&user, "k2", "fp-a", t0()).await.unwrap(),
            KeyClaim::Claimed
        );
        assert_eq!(keys.expire_keys(t0() + 1.second()).await.unwrap(), 2);
    });
}

#[tokio::test]
async fn rekeying_gives_new_external_ids_and_trashes_the_copies_they_reveal() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap().id;
        let ben = store.accounts.create_user(new_user("ben")).await.unwrap().id;
        let run = fields(ActivityType::Running, 0, 30, Some(5000.0));
        // The same workout under two old keys (a TCX's raw Id and a Google Fit session), created in
        // that order; another user's, and one keyed some other way.
        let imported = |key: &str| NewActivity {
            import_id: Some("imp-1".into()),
            ..new_activity(run.clone(), Some(key))
        };
        let bare = imported("2021-04-19T20:57:39.686Z");
        let takeout = imported("googlefit:1618865859686");
        let fit = imported("fit:123:456");
        store
            .activities
            .create_activities(&ana, std::slice::from_ref(&bare), t0())
            .await
            .unwrap();
        store
            .activities
            .create_activities(&ana, &[takeout.clone(), fit.clone()], t0() + 1.second())
            .await
            .unwrap();
        let bens = imported("googlefit:1618865859686");
        // A client's own id that happens to look like an old key is not an import's: left alone.
        let posted = new_activity(run.clone(), Some("googlefit:posted"));
        store
            .activities
            .create_activities(&ben, std::slice::from_ref(&posted), t0())
            .await
            .unwrap();
        store
            .activities
            .create_activities(&ben, std::slice::from_ref(&bens), t0())
            .await
            .unwrap();

        let found = store
            .activities
            .activities_keyed_like(&["googlefit:%", "____-__-__T%"])
            .await
            .unwrap();
        let ids: Vec<&ActivityId> = found.iter().map(|(_, a)| &a.id).collect();
        assert_eq!(ids.len(), 3, "{found:?}");
        assert_eq!(ids[0], &bare.id, "oldest first");
        assert!(!ids.contains(&&fit.id));

        let key = "start:1618865859686";
        for (user, activity) in &found {
            store
                .activities
                .rekey_activity(user, &activity.id, key, t0() + 1.hour())
                .await
                .unwrap();
        }
        let kept = store.activities.activity(&ana, &bare.id, false).await.unwrap();
        assert_eq!(kept.external_id.as_deref(), Some(key));
        let copy = store.activities.activity(&ana, &takeout.id, true).await.unwrap();
        assert!(copy.deleted_at.is_some(), "the copy went to the trash");
        assert_eq!(copy.external_id, None);
        assert_eq!(copy.revision, 2);
        let bens = store.activities.activity(&ben, &bens.id, false).await.unwrap();
        assert_eq!(bens.external_id.as_deref(), Some(key), "keys are per user");
        // Rekeying again changes nothing.
        assert_eq!(
            store
                .activities
                .rekey_activity(&ana, &bare.id, key, t0())
                .await
                .unwrap(),
            Rekeyed::Rekeyed
        );
        // A new upload of the workout meets the kept one.
        let again = store
            .activities
            .create_activities(&ana, &[new_activity(run, Some(key))], t0())
            .await
            .unwrap();
        assert!(matches!(&again[0], Created::Existing(a) if a.id == bare.id));
    });
}
