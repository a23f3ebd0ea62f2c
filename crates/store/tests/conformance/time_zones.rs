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
        floating_end_offset: None,
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

/// A floating sample (read from wall-clock times) at `wall_start`..`wall_end` as `history` places it.
fn floating(source_id: i64, metric: Metric, history: &[(&str, i16)], value: f64) -> NewSample {
    // `history`: each wall-clock end's time and the zone's offset there, in minutes.
    let at = |(wall, offset): (&str, i16)| {
        let wall: Timestamp = format!("{wall}Z").parse().unwrap();
        wall.as_second() - i64::from(offset) * 60
    };
    NewSample {
        source_id,
        metric,
        start: at(history[0]),
        end: at(history[1]),
        value,
        offset_minutes: Some(history[0].1),
        floating_end_offset: Some(history[1].1),
        external_id: None,
    }
}

/// Every sample of `metric` as (start, end, offset, value).
async fn stored(store: &Store, user: &UserId, metric: Metric) -> Vec<(i64, i64, Option<i16>, f64)> {
    let mut q = query(metric, None, 100);
    q.from = 0;
    q.to = 4_000_000_000;
    store
        .samples
        .samples(user, &q)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.start, s.end, s.offset_minutes, s.value))
        .collect()
}

#[tokio::test]
async fn floating_samples_follow_the_history_and_measured_ones_stay() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let source = store
            .samples
            .ensure_source(&ana.id, &watch(), t0())
            .await
            .unwrap();
        let berlin = store.accounts.zone_history(&ana.id).await.unwrap();
        // A weight at 07:00 on 10 February and a day's resting heart rate, read in Berlin (UTC+1),
        // and a measured heart rate at the same moment.
        let weight_berlin = floating(
            source,
            Metric::BodyMass,
            &[("2026-02-10T07:00:00", 60), ("2026-02-10T07:00:00", 60)],
            70.5,
        );
        let resting_berlin = floating(
            source,
            Metric::RestingHeartRate,
            &[("2026-02-10T00:00:00", 60), ("2026-02-11T00:00:00", 60)],
            52.0,
        );
        let measured = hr(source, weight_berlin.start, 61.0);
        let inserted = store
            .samples
            .insert_samples(
                &ana.id,
                &[weight_berlin.clone(), resting_berlin.clone(), measured.clone()],
                &[],
                t0(),
                None,
            )
            .await
            .unwrap();
        assert_eq!(inserted, 3);

        // Sydney (UTC+11 in February) for the whole past: the wall-clock times stay, the instants move,
        // the weight to the UTC day before (another chunk).
        let sydney = vec![(Timestamp::MIN, zone("Australia/Sydney"))];
        store
            .accounts
            .replace_zone_history(&ana.id, &berlin, &sydney, &[(i64::MIN / 4, i64::MAX / 4)], t0())
            .await
            .unwrap();
        let weight_sydney = floating(
            source,
            Metric::BodyMass,
            &[("2026-02-10T07:00:00", 660), ("2026-02-10T07:00:00", 660)],
            70.5,
        );
        let resting_sydney = floating(
            source,
            Metric::RestingHeartRate,
            &[("2026-02-10T00:00:00", 660), ("2026-02-11T00:00:00", 660)],
            52.0,
        );
        assert_eq!(weight_sydney.start, weight_berlin.start - 10 * 3600);
        assert_eq!(
            stored(&store, &ana.id, Metric::BodyMass).await,
            vec![(weight_sydney.start, weight_sydney.end, Some(660), 70.5)]
        );
        assert_eq!(
            stored(&store, &ana.id, Metric::RestingHeartRate).await,
            vec![(resting_sydney.start, resting_sydney.end, Some(660), 52.0)]
        );
        assert_eq!(
            stored(&store, &ana.id, Metric::HeartRate).await,
            vec![(measured.start, measured.end, Some(120), 61.0)],
            "a measured sample keeps its instant"
        );
        // The moved samples' days are marked for recomputing.
        let dirty = store.rollups.dirty_days(&ana.id).await.unwrap();
        let feb_10 = 20_494; // 2026-02-10, days since 1970-01-01
        assert!(
            dirty
                .iter()
                .any(|(m, d, _)| *m == Metric::BodyMass && *d == feb_10),
            "{dirty:?}"
        );

        // The same file read again under the new history adds nothing.
        let again = store
            .samples
            .insert_samples(
                &ana.id,
                &[weight_sydney.clone(), resting_sydney.clone()],
                &[],
                t0(),
                None,
            )
            .await
            .unwrap();
        assert_eq!(again, 0);

        // Read under the old history by an import racing the change: stored at the old instants, then
        // placed again by the history now in force, where they are the same readings twice.
        let late = store
            .samples
            .insert_samples(&ana.id, std::slice::from_ref(&weight_berlin), &[], t0(), None)
            .await
            .unwrap();
        assert_eq!(late, 1);
        let stale = store.accounts.rederive_floating(&ana.id, &berlin).await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { what: "zone_history" })),
            "{stale:?}"
        );
        store.accounts.rederive_floating(&ana.id, &sydney).await.unwrap();
        assert_eq!(
            stored(&store, &ana.id, Metric::BodyMass).await,
            vec![(weight_sydney.start, weight_sydney.end, Some(660), 70.5)],
            "the late copy landed on the moved reading: one weight"
        );

        // Back to Berlin: everything is where it was first read.
        store
            .accounts
            .replace_zone_history(&ana.id, &sydney, &berlin, &[(i64::MIN / 4, i64::MAX / 4)], t0())
            .await
            .unwrap();
        assert_eq!(
            stored(&store, &ana.id, Metric::BodyMass).await,
            vec![(weight_berlin.start, weight_berlin.end, Some(60), 70.5)]
        );
        assert_eq!(
            stored(&store, &ana.id, Metric::RestingHeartRate).await,
            vec![(resting_berlin.start, resting_berlin.end, Some(60), 52.0)]
        );
    });
}
