//! The time-zone history: replaced whole, only over the history it was computed from, together with
//! the marks of the days it moves.

use super::*;

fn zone(name: &str) -> TimeZoneName {
    TimeZoneName::parse(name).unwrap()
}

fn steps(source_id: i64, start: i64) -> NewSample {
    NewSample {
        source_id,
        metric: Metric::Steps,
        start,
        end: start + 60,
        value: 100.0,
        offset_minutes: None,
        external_id: None,
    }
}

#[tokio::test]
async fn an_account_without_a_zone_has_no_history_until_one_is_set() {
    for_each_backend!(|store| {
        let mut unset = new_user("ana");
        unset.time_zone = None;
        let ana = store.accounts.create_user(unset).await.unwrap();
        assert!(!ana.time_zone_set);
        assert_eq!(ana.time_zone.as_str(), "UTC");
        assert!(store.accounts.zone_history(&ana.id).await.unwrap().is_empty());

        let bruno = store.accounts.create_user(new_user("bruno")).await.unwrap();
        assert!(bruno.time_zone_set);
        // The zone given at creation covers the whole past.
        assert_eq!(
            store.accounts.zone_history(&bruno.id).await.unwrap(),
            vec![(Timestamp::MIN, zone("Europe/Berlin"))]
        );
    });
}

#[tokio::test]
async fn a_history_is_replaced_with_the_marks_of_the_days_it_moves() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let source = store
            .samples
            .ensure_source(&ana.id, &watch(), t0())
            .await
            .unwrap();
        // Steps on days 17_950 (2019-02-23), 18_000 and 20_000.
        let days = [17_950_i64, 18_000, 20_000];
        let samples: Vec<NewSample> = days.iter().map(|d| steps(source, d * 86_400 + 43_200)).collect();
        store
            .samples
            .insert_samples(&ana.id, &samples, &[], t0(), None)
            .await
            .unwrap();
        // Whatever the insert marked is recomputed; start from a clean slate.
        let marked = store.rollups.dirty_days(&ana.id).await.unwrap();
        store.rollups.clear_dirty(&ana.id, &marked).await.unwrap();
        assert!(store.rollups.dirty_days(&ana.id).await.unwrap().is_empty());

        let before = store.accounts.zone_history(&ana.id).await.unwrap();
        let after = vec![
            (Timestamp::MIN, zone("Australia/Sydney")),
            ("2019-03-01T00:00:00Z".parse().unwrap(), zone("Europe/Berlin")),
        ];
        // Days before 2019-03-01 moved: only the sample of day 17_950 is in them.
        let (user, marks) = store
            .accounts
            .replace_zone_history(&ana.id, &before, &after, &[(i64::MIN / 4, 17_956)], t0())
            .await
            .unwrap();
        assert_eq!(user.time_zone.as_str(), "Europe/Berlin");
        assert!(user.time_zone_set);
        assert_eq!(store.accounts.zone_history(&ana.id).await.unwrap(), after);
        let dirty: Vec<i32> = store
            .rollups
            .dirty_days(&ana.id)
            .await
            .unwrap()
            .into_iter()
            .map(|(m, d, _)| {
                assert_eq!(m, Metric::Steps);
                d
            })
            .collect();
        assert_eq!(
            dirty,
            vec![17_949, 17_950, 17_951, 17_952, 17_953],
            "the sample's day, one before and three after"
        );
        assert_eq!(marks, 5);

        // A change computed from the old history is refused, and changes nothing.
        let stale = store
            .accounts
            .replace_zone_history(
                &ana.id,
                &before,
                &[(Timestamp::MIN, zone("Asia/Tokyo"))],
                &[(0, 30_000)],
                t0(),
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { what: "zone_history" })),
            "{stale:?}"
        );
        assert_eq!(store.accounts.zone_history(&ana.id).await.unwrap(), after);
        assert_eq!(store.rollups.dirty_days(&ana.id).await.unwrap().len(), 5);

        let missing = store
            .accounts
            .replace_zone_history(&UserId::generate(), &[], &after, &[], t0())
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    });
}
