//! Samples spread over many days: stored as day chunks, they must page, read back, list and roll back
//! exactly as if each were a row.

use std::collections::BTreeSet;

use wearhouse_model::*;
use wearhouse_store::testing::{backends, TestDatabase};
use wearhouse_store::*;

use super::{hr, new_user, phone, query, t0, watch};

const DAY: i64 = 86_400;

/// A small deterministic shuffle, so batches arrive out of order without a random seed.
fn shuffled<T>(mut items: Vec<T>, mut state: u64) -> Vec<T> {
    for i in (1..items.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        items.swap(i, (state >> 33) as usize % (i + 1));
    }
    items
}

fn steps(source_id: i64, start: i64, value: f64) -> NewSample {
    NewSample {
        source_id,
        metric: Metric::Steps,
        start,
        end: start + 60,
        value,
        offset_minutes: None,
        floating_end_offset: None,
        external_id: None,
    }
}

#[tokio::test]
async fn samples_over_many_days_page_read_back_and_list_in_order() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let w = store
            .samples
            .ensure_source(&ana.id, &watch(), t0())
            .await
            .unwrap();
        let p = store
            .samples
            .ensure_source(&ana.id, &phone(), t0())
            .await
            .unwrap();
        // From two days before 1970 (negative times) over 150 days: 300 heart-rate chunks, more than
        // one read of the listing takes.
        let base = -2 * DAY;
        let mut all = Vec::new();
        for day in 0..150 {
            let midnight = base + day * DAY;
            for quarter in 0..4 {
                let at = midnight + quarter * 6 * 3_600 + day;
                all.push(hr(w, at, 60.0 + (day % 40) as f64 + 0.25 * quarter as f64));
            }
            // The phone records at the watch's first time every third day, and at its own times.
            if day % 3 == 0 {
                all.push(hr(p, midnight + day, 70.0));
            }
            all.push(hr(p, midnight + 40_000, 71.5));
            all.push(steps(w, midnight + 3_600, 100.0 + day as f64));
        }
        // Three more sources on a few days: a day with more chunks than the listing's first read.
        for n in 1..=3 {
            let extra = SourceDescriptor::new(
                Provider::Manual,
                DeviceKind::Manual,
                &format!("Extra {n}"),
                None,
                None,
            )
            .unwrap();
            let id = store.samples.ensure_source(&ana.id, &extra, t0()).await.unwrap();
            for day in [0, 10, 11] {
                all.push(hr(id, base + day * DAY + 10 * 3_600 + day, 80.0 + n as f64));
            }
        }
        let all = shuffled(all, 7);
        let (first, second) = all.split_at(all.len() / 2);
        let mut added = 0;
        for batch in [first, second, first] {
            added += store
                .samples
                .insert_samples(&ana.id, batch, &[], t0(), None)
                .await
                .unwrap();
        }
        assert_eq!(added as usize, all.len(), "the repeated batch adds nothing");
        // A batch spread thinly over the days already stored: each day's chunk gains its sample, and
        // the repeated one is still recognised.
        let sparse: Vec<NewSample> = [0, 75, 149]
            .iter()
            .map(|day| hr(w, base + day * DAY + 12 * 3_600 + 1, 90.0))
            .chain(std::iter::once(all[0].clone()))
            .collect();
        assert_eq!(
            store
                .samples
                .insert_samples(&ana.id, &sparse, &[], t0(), None)
                .await
                .unwrap(),
            3
        );
        let all: Vec<NewSample> = all.into_iter().chain(sparse.into_iter().take(3)).collect();

        let model: BTreeSet<(i64, i64, i64, u64)> = all
            .iter()
            .filter(|s| s.metric == Metric::HeartRate)
            .map(|s| (s.start, s.source_id, s.end, s.value.to_bits()))
            .collect();
        let from = base + 10 * DAY + 3 * 3_600;
        let to = base + 120 * DAY + 3_600;
        for source in [None, Some(p)] {
            let expected: Vec<_> = model
                .iter()
                .filter(|(start, s, _, _)| *start >= from && *start < to && source.is_none_or(|p| p == *s))
                .copied()
                .collect();
            let mut seen = Vec::new();
            let mut after = None;
            loop {
                let q = SampleQuery {
                    from,
                    to,
                    source,
                    ..query(Metric::HeartRate, after, 7)
                };
                let page = store.samples.samples(&ana.id, &q).await.unwrap();
                let Some(last) = page.last() else { break };
                assert!(page.len() <= 7);
                after = Some(SampleCursor {
                    start: last.start,
                    source_id: last.source_id,
                    end: last.end,
                });
                seen.extend(
                    page.iter()
                        .map(|s| (s.start, s.source_id, s.end, s.value.to_bits())),
                );
            }
            assert_eq!(seen, expected, "source filter {source:?}");
        }
        let big_page = store
            .samples
            .samples(
                &ana.id,
                &SampleQuery {
                    from: i64::MIN,
                    ..query(Metric::HeartRate, None, 1_000)
                },
            )
            .await
            .unwrap();
        assert_eq!(big_page.len(), model.len());
        assert!(big_page[0].start < 0);

        let mut values: Vec<(i64, i64, i64, u64)> = store
            .samples
            .sample_values(&ana.id, Metric::HeartRate, from, to)
            .await
            .unwrap()
            .into_iter()
            .map(|v| (v.start, v.source_id, v.end, v.value.to_bits()))
            .collect();
        values.sort();
        let expected: Vec<_> = model
            .iter()
            .filter(|(start, ..)| *start >= from && *start < to)
            .copied()
            .collect();
        assert_eq!(values, expected);

        let latest = store.samples.latest_samples(&ana.id, 6).await.unwrap();
        let mut newest: Vec<(i64, i64)> = all.iter().map(|s| (s.start, s.source_id)).collect();
        newest.sort_by(|a, b| b.cmp(a));
        newest.truncate(6);
        assert_eq!(
            latest.iter().map(|s| (s.start, s.source_id)).collect::<Vec<_>>(),
            newest
        );

        let usage = store.sample_storage().await.unwrap();
        assert_eq!(usage.rows as usize, all.len());
        assert!(usage.bytes > 0);
    });
}

#[tokio::test]
async fn rolling_back_an_import_removes_its_samples_and_nothing_else() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let w = store
            .samples
            .ensure_source(&ana.id, &watch(), t0())
            .await
            .unwrap();
        let day = 20_000 * DAY;
        let by_hand = vec![hr(w, day, 60.0), hr(w, day + DAY, 61.0)];
        let imported = vec![
            hr(w, day, 99.0), // already there: stays the hand-entered one
            hr(w, day + 60, 62.0),
            hr(w, day + DAY + 60, 63.0),
            NewSample {
                external_id: Some("import-ext".into()),
                ..hr(w, day + 2 * DAY, 64.0)
            },
        ];
        let later_import = vec![hr(w, day + 2 * DAY + 60, 65.0)];
        store
            .samples
            .insert_samples(&ana.id, &by_hand, &[], t0(), None)
            .await
            .unwrap();
        assert_eq!(
            store
                .samples
                .insert_samples(&ana.id, &imported, &[], t0(), Some("imp-1"))
                .await
                .unwrap(),
            3
        );
        store
            .samples
            .insert_samples(&ana.id, &later_import, &[], t0(), Some("imp-2"))
            .await
            .unwrap();

        assert_eq!(store.imports.roll_back_import("imp-1").await.unwrap(), 3);
        assert_eq!(store.imports.roll_back_import("unknown").await.unwrap(), 0);
        let left: Vec<(i64, f64)> = store
            .samples
            .samples(&ana.id, &query(Metric::HeartRate, None, 100))
            .await
            .unwrap()
            .iter()
            .map(|s| (s.start - day, s.value))
            .collect();
        assert_eq!(left, vec![(0, 60.0), (DAY, 61.0), (2 * DAY + 60, 65.0)]);

        // Running the import again stores its samples again, external id included.
        assert_eq!(
            store
                .samples
                .insert_samples(&ana.id, &imported, &[], t0(), Some("imp-3"))
                .await
                .unwrap(),
            3
        );
        assert_eq!(store.sample_storage().await.unwrap().rows, 6);
    });
}

fn import(id: &str, data_version: u32, supersedes: Option<&str>) -> NewImport {
    NewImport {
        id: id.into(),
        format: "apple_health".into(),
        file_name: Some("export.xml".into()),
        sha256: "same-file".into(),
        bytes_total: 1,
        data_version,
        supersedes: supersedes.map(str::to_owned),
    }
}

fn raw(record_type: &str, start: i64) -> RawRecord {
    RawRecord {
        record_type: record_type.into(),
        start,
        end: start,
        value: "1".into(),
        unit: "count".into(),
        source_name: "Ana's Watch".into(),
    }
}

/// The day the re-reading tests store their samples on.
const DAY_0: i64 = 20_000 * DAY;

/// A user whose file an earlier release read (import `imp-old`, data version 0): heart rate 60 at the
/// start of `DAY_0` and 70 a minute later, and one raw record of each of `raw_types`. Returns the user
/// and the source.
async fn old_reading(store: &Store, raw_types: &[&str]) -> (UserRecord, i64) {
    let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
    let w = store
        .samples
        .ensure_source(&ana.id, &watch(), t0())
        .await
        .unwrap();
    store
        .imports
        .create_import(&ana.id, &import("imp-old", 0, None), t0())
        .await
        .unwrap();
    let old = vec![hr(w, DAY_0, 60.0), hr(w, DAY_0 + 60, 70.0)];
    store
        .samples
        .insert_samples(&ana.id, &old, &[], t0(), Some("imp-old"))
        .await
        .unwrap();
    let raw: Vec<RawRecord> = raw_types.iter().map(|t| raw(t, DAY_0)).collect();
    store
        .raw
        .insert_raw(&ana.id, Some("imp-old"), &raw)
        .await
        .unwrap();
    (ana, w)
}

#[tokio::test]
async fn a_newer_reading_of_a_file_takes_over_what_it_reads_again_and_the_rest_goes_with_the_old_one() {
    for_each_backend!(|store| {
        // The old reading: one right sample, one the old readers got wrong, two raw records.
        let (ana, w) = old_reading(&store, &["HKTypeA", "HKTypeB"]).await;
        let day = DAY_0;
        // A sample entered by hand, which no import may take.
        store
            .samples
            .insert_samples(&ana.id, &[hr(w, day + 120, 80.0)], &[], t0(), None)
            .await
            .unwrap();
        // A workout the old reading stored and the new one will not read again.
        let run = ActivityFields::new(
            ActivityType::Running,
            t0(),
            t0() + jiff::SignedDuration::from_mins(30),
        );
        let workout = NewActivity {
            id: ActivityId::generate(),
            fields: run,
            source_id: Some(w),
            external_id: Some("start:1".into()),
            streams: None,
            import_id: Some("imp-old".into()),
        };
        store
            .activities
            .create_activities(&ana.id, std::slice::from_ref(&workout), t0())
            .await
            .unwrap();
        store.rollups.clear_all_dirty(&ana.id).await.unwrap();

        // The new reading of the same file: corrects the first sample, no longer reads the second,
        // meets the hand-entered one and reads one sample more.
        store
            .imports
            .create_import(&ana.id, &import("imp-new", 1, Some("imp-old")), t0())
            .await
            .unwrap();
        let new = vec![hr(w, day, 61.0), hr(w, day + 120, 81.0), hr(w, day + 180, 90.0)];
        let added = store
            .samples
            .insert_samples(&ana.id, &new, &[], t0(), Some("imp-new"))
            .await
            .unwrap();
        assert_eq!(added, 1);
        store
            .raw
            .insert_raw(&ana.id, Some("imp-new"), &[raw("HKTypeA", day)])
            .await
            .unwrap();
        assert_eq!(
            store.imports.retire_import("imp-old", t0()).await.unwrap(),
            3,
            "the wrong sample and raw record, and the workout"
        );
        let trashed = store
            .activities
            .activity(&ana.id, &workout.id, true)
            .await
            .unwrap();
        assert!(
            trashed.deleted_at.is_some() && trashed.import_id.is_none(),
            "a workout the new reading did not take over goes to the trash, not away: {trashed:?}"
        );

        let left: Vec<(i64, f64)> = store
            .samples
            .samples(&ana.id, &query(Metric::HeartRate, None, 100))
            .await
            .unwrap()
            .iter()
            .map(|s| (s.start - day, s.value))
            .collect();
        assert_eq!(left, vec![(0, 61.0), (120, 80.0), (180, 90.0)]);
        let types: Vec<String> = store
            .raw
            .raw_types(&ana.id)
            .await
            .unwrap()
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(types, vec!["HKTypeA".to_string()]);
        assert!(matches!(
            store.imports.import(&ana.id, "imp-old").await,
            Err(StoreError::NotFound)
        ));
        // The days whose samples changed are marked for their rollups to be recomputed.
        let marked: Vec<i32> = store
            .rollups
            .dirty_days(&ana.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|(m, _, _)| *m == Metric::HeartRate)
            .map(|(_, d, _)| d)
            .collect();
        assert!(marked.contains(&20_000), "{marked:?}");
        // Rolling back the new import now removes what it took over too.
        store.imports.roll_back_import("imp-new").await.unwrap();
        let left = store
            .samples
            .samples(&ana.id, &query(Metric::HeartRate, None, 100))
            .await
            .unwrap();
        assert_eq!(left.iter().map(|s| s.value).collect::<Vec<_>>(), vec![80.0]);
    });
}

#[tokio::test]
async fn a_recompute_replaces_its_days_and_hours_and_nothing_else() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let day = |day: i32, total: f64| DailyRollup {
            metric: Metric::Steps,
            day,
            total,
            minimum: total,
            maximum: total,
            count: 1,
        };
        let hour = |hour: i64, total: f64| HourlyRollup {
            metric: Metric::Steps,
            hour,
            total,
            minimum: total,
            maximum: total,
            count: 1,
            sources: vec![3, 11],
        };
        let first_daily = [day(10, 1.0), day(11, 2.0), day(12, 3.0)];
        let first_hourly = [hour(240, 1.0), hour(265, 2.0), hour(290, 3.0)];
        let first = SeriesRollups {
            metric: Metric::Steps,
            days: (10, 12),
            daily: &first_daily,
            hours: (240, 311),
            hourly: &first_hourly,
        };
        store.rollups.replace_series(&ana.id, &first).await.unwrap();
        // Recomputing day 11 alone: day 11 and its hours change, the rest stays.
        let again_daily = [day(11, 20.0)];
        let again = SeriesRollups {
            metric: Metric::Steps,
            days: (11, 11),
            daily: &again_daily,
            hours: (264, 287),
            hourly: &[],
        };
        store.rollups.replace_series(&ana.id, &again).await.unwrap();
        let daily: Vec<(i32, f64)> = store
            .rollups
            .daily(&ana.id, &[Metric::Steps], 0, 100)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.day, r.total))
            .collect();
        assert_eq!(daily, vec![(10, 1.0), (11, 20.0), (12, 3.0)]);
        let hourly = store
            .rollups
            .hourly(&ana.id, Metric::Steps, 0, 1_000)
            .await
            .unwrap();
        assert_eq!(
            hourly.iter().map(|r| (r.hour, r.total)).collect::<Vec<_>>(),
            vec![(240, 1.0), (290, 3.0)]
        );
        assert_eq!(hourly[0].sources, vec![3, 11]);
    });
}

#[tokio::test]
async fn a_failed_newer_reading_hands_everything_back_to_the_earlier_import() {
    for_each_backend!(|store| {
        let (ana, w) = old_reading(&store, &["HKTypeA"]).await;
        let day = DAY_0;
        store
            .imports
            .create_import(&ana.id, &import("imp-new", 1, Some("imp-old")), t0())
            .await
            .unwrap();
        let new = vec![hr(w, day, 61.0), hr(w, day + 120, 90.0)];
        store
            .samples
            .insert_samples(&ana.id, &new, &[], t0(), Some("imp-new"))
            .await
            .unwrap();
        store
            .raw
            .insert_raw(&ana.id, Some("imp-new"), &[raw("HKTypeA", day)])
            .await
            .unwrap();
        // The newer reading fails: nothing of the earlier one may be lost.
        assert!(
            store
                .imports
                .hand_back_import("imp-new", "imp-old")
                .await
                .unwrap()
                >= 2
        );
        assert_eq!(
            store.imports.roll_back_import("imp-new").await.unwrap(),
            0,
            "it holds nothing now"
        );
        let values = |list: Vec<StoredSample>| list.iter().map(|s| s.value).collect::<Vec<_>>();
        let all = store
            .samples
            .samples(&ana.id, &query(Metric::HeartRate, None, 100))
            .await
            .unwrap();
        assert_eq!(values(all), vec![61.0, 70.0, 90.0]);
        assert_eq!(store.raw.raw_types(&ana.id).await.unwrap().len(), 1);
        // Everything is the earlier import's again.
        assert_eq!(store.imports.roll_back_import("imp-old").await.unwrap(), 4);
        assert!(store
            .samples
            .samples(&ana.id, &query(Metric::HeartRate, None, 100))
            .await
            .unwrap()
            .is_empty());
    });
}
