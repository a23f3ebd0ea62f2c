//! The outbox: events are written with the change they tell of, listed until published, kept a while
//! after, and go with their account.

use jiff::ToSpan;
use wearhouse_model::*;
use wearhouse_store::testing::{backends, TestDatabase};
use wearhouse_store::*;

use super::{activity, hr, new_user, t0, watch};

#[tokio::test]
async fn changes_write_their_events_in_the_same_transaction_and_publishing_marks_them() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap().id;
        assert!(
            store.events.unpublished(10).await.unwrap().is_empty(),
            "creating an account tells of nothing"
        );
        let w = store.samples.ensure_source(&ana, &watch(), t0()).await.unwrap();
        let at = t0().as_second();
        let batch = [hr(w, at, 61.0), hr(w, at + 60, 62.0)];
        store
            .samples
            .insert_samples(&ana, &batch, &[(Metric::HeartRate, 20_000)], t0(), None)
            .await
            .unwrap();
        // Again: nothing new, no event.
        store
            .samples
            .insert_samples(&ana, &batch, &[(Metric::HeartRate, 20_000)], t0(), None)
            .await
            .unwrap();
        let events = store.events.unpublished(10).await.unwrap();
        assert_eq!(events.len(), 1, "{events:?}");
        let data: serde_json::Value = serde_json::from_str(&events[0].data).unwrap();
        assert_eq!(events[0].kind, "new_health_data");
        assert_eq!(events[0].user.as_deref(), Some(ana.as_str()));
        assert_eq!(data["count"], 2);
        assert_eq!(data["metrics"][0]["metric"], "heart_rate");
        assert_eq!(data["from"], t0().to_string());
        assert_eq!(data["to"], (t0() + 60.seconds()).to_string());

        let start = t0() + 1.hour();
        let run = ActivityFields::new(ActivityType::Running, start, start + 30.minutes());
        let created = store
            .activities
            .create_activities(&ana, &[activity(run.clone())], t0())
            .await
            .unwrap();
        let (Created::New(record) | Created::Existing(record)) = &created[0];
        let mut longer = run.clone();
        longer.distance = Some(5000.0);
        store
            .activities
            .update_activity(&ana, &record.id, record.revision, &longer, t0())
            .await
            .unwrap();
        store
            .activities
            .delete_activity(&ana, &record.id, t0())
            .await
            .unwrap();
        // A trashed activity purged later was told of when trashed.
        store.activities.purge_trash(t0() + 1000.hours()).await.unwrap();
        let profile = ProfileUpdate {
            unit_system: Some(UnitSystem::Imperial),
            ..ProfileUpdate::default()
        };
        store.accounts.update_profile(&ana, profile, t0()).await.unwrap();
        store
            .accounts
            .set_password_hash(&ana, "$argon2id$other", t0())
            .await
            .unwrap();

        let events = store.events.unpublished(10).await.unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "new_health_data",
                "activity.created",
                "activity.updated",
                "activity.deleted",
                "profile.updated"
            ],
            "a password change is not a profile event"
        );
        let data: serde_json::Value = serde_json::from_str(&events[2].data).unwrap();
        assert_eq!(data["id"], record.id.to_string());
        assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));
        let mut ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), events.len(), "ids are unique");
        assert!(
            ids.iter()
                .all(|id| id.len() == 36 && id.chars().nth(14) == Some('4')),
            "{ids:?}"
        );

        // The publishing job was enqueued with them.
        let jobs = store.jobs.jobs(Some(JobState::Queued), None, 100).await.unwrap();
        assert_eq!(
            jobs.iter()
                .filter(|j| j.unique_key.as_deref() == Some("events:publish"))
                .count(),
            1
        );

        let published: Vec<i64> = events[..2].iter().map(|e| e.seq).collect();
        store.events.mark_published(&published, t0()).await.unwrap();
        let left = store.events.unpublished(10).await.unwrap();
        assert_eq!(left.first().map(|e| e.seq), Some(events[2].seq));
        let after = store.events.user_events(&ana, events[0].seq, 10).await.unwrap();
        assert_eq!(after.len(), 4, "a stream resumes after the last event it saw");
        assert_eq!(after[0].published_at, Some(t0()));
        assert_eq!(store.events.prune_events(t0() + 1.second()).await.unwrap(), 2);
        assert_eq!(store.events.user_events(&ana, 0, 10).await.unwrap().len(), 3);

        assert!(store.accounts.delete_user(&ana).await.unwrap());
        assert!(
            store.events.unpublished(10).await.unwrap().is_empty(),
            "an account's events go with it"
        );
    });
}
