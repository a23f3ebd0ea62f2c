//! The per-user data version: every change of what summaries and series show advances it in the
//! change's own transaction; reading, recomputing and clearing marks do not.

use jiff::ToSpan;
use wearhouse_model::*;
use wearhouse_store::testing::{backends, TestDatabase};
use wearhouse_store::*;

use super::{activity, hr, new_user, t0, watch};

fn advanced(last: &mut i64, now: i64, what: &str) {
    assert!(now > *last, "{what} advances the version ({last} → {now})");
    *last = now;
}

#[tokio::test]
async fn every_change_summaries_show_advances_the_data_version_and_nothing_else_does() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap().id;
        let ben = store.accounts.create_user(new_user("ben")).await.unwrap().id;
        let version = |user: &UserId| {
            let (store, user) = (store.clone(), user.clone());
            async move { store.rollups.data_version(&user).await.unwrap() }
        };
        let mut last = version(&ana).await;
        let bens = version(&ben).await;

        let w = store.samples.ensure_source(&ana, &watch(), t0()).await.unwrap();
        let at = t0().as_second();
        let stored = store
            .samples
            .insert_samples(
                &ana,
                &[hr(w, at, 61.0)],
                &[(Metric::HeartRate, 20_000)],
                t0(),
                None,
            )
            .await
            .unwrap();
        assert_eq!(stored, 1);
        advanced(&mut last, version(&ana).await, "a stored sample (its marked day)");
        // The same day marked again (the mark still there) is a change too.
        store
            .samples
            .insert_samples(
                &ana,
                &[hr(w, at + 60, 62.0)],
                &[(Metric::HeartRate, 20_000)],
                t0(),
                None,
            )
            .await
            .unwrap();
        advanced(&mut last, version(&ana).await, "a second sample on a marked day");

        // Recomputing reads marks and clears them: what a reader sees does not change.
        let marks = store.rollups.dirty_days(&ana).await.unwrap();
        store.rollups.clear_dirty(&ana, &marks).await.unwrap();
        assert_eq!(version(&ana).await, last, "clearing marks leaves the version");

        let start = t0() + 1.hour();
        let run = ActivityFields::new(ActivityType::Running, start, start + 30.minutes());
        let created = store
            .activities
            .create_activities(&ana, &[activity(run.clone())], t0())
            .await
            .unwrap();
        advanced(&mut last, version(&ana).await, "a workout added");
        let (Created::New(record) | Created::Existing(record)) = &created[0];
        let mut longer = run.clone();
        longer.distance = Some(5000.0);
        store
            .activities
            .update_activity(&ana, &record.id, record.revision, &longer, t0())
            .await
            .unwrap();
        advanced(&mut last, version(&ana).await, "a workout edited");
        store
            .activities
            .delete_activity(&ana, &record.id, t0())
            .await
            .unwrap();
        advanced(&mut last, version(&ana).await, "a workout deleted");

        let before = store.accounts.zone_history(&ana).await.unwrap();
        let mut after = before.clone();
        after.push((
            t0() + 24.hours(),
            TimeZoneName::parse("America/New_York").unwrap(),
        ));
        store
            .accounts
            .replace_zone_history(&ana, &before, &after, &[], t0() + 24.hours())
            .await
            .unwrap();
        advanced(&mut last, version(&ana).await, "a new time zone");

        store.rollups.mark_user_days(&ana).await.unwrap();
        advanced(
            &mut last,
            version(&ana).await,
            "every day marked (a new source order)",
        );
        store.rollups.advance_data_version(&ana).await.unwrap();
        advanced(&mut last, version(&ana).await, "a rebuild");

        assert_eq!(
            version(&ben).await,
            bens,
            "another user's changes leave ben's version"
        );
        assert!(store.accounts.delete_user(&ana).await.unwrap());
        assert_eq!(
            version(&ana).await,
            0,
            "a deleted account leaves no version behind"
        );
    });
}
