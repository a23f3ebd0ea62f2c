//! One conformance suite for every storage backend: each test runs against a fresh SQLite file and,
//! when `WEARHOUSE_TEST_DATABASE_URL` is set, a fresh PostgreSQL schema.

// Test code: a failed unwrap is a failed test, in helpers as much as in test bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::{Timestamp, ToSpan};
use wearhouse_model::*;
use wearhouse_store::testing::{backends, TestDatabase};
use wearhouse_store::*;

fn t0() -> Timestamp {
    "2026-03-29T09:00:00Z".parse().unwrap()
}

/// The reuse grace window the tests rotate with.
fn grace() -> jiff::SignedDuration {
    jiff::SignedDuration::from_secs(5)
}

fn new_user(name: &str) -> NewUser {
    NewUser {
        id: UserId::generate(),
        username: Username::parse(name).unwrap(),
        email: Email::parse(&format!("{}@example.org", name.to_lowercase())).unwrap(),
        password_hash: "$argon2id$fake".into(),
        roles: Roles::user(),
        time_zone: Some(TimeZoneName::parse("Europe/Berlin").unwrap()),
        created_at: t0(),
    }
}

/// A new activity of `fields`, from no source and no file.
fn activity(fields: ActivityFields) -> NewActivity {
    NewActivity {
        id: ActivityId::generate(),
        fields,
        source_id: None,
        external_id: None,
        streams: None,
        import_id: None,
    }
}

fn token(hash: &str, user: &UserId, family: &str, expires: Timestamp) -> NewRefreshToken {
    NewRefreshToken {
        token_hash: hash.into(),
        family_id: family.into(),
        user_id: user.clone(),
        created_at: t0(),
        expires_at: expires,
    }
}

/// Runs the body once per configured backend, each time on a fresh database.
macro_rules! for_each_backend {
    (|$store:ident| $body:block) => {
        for backend in backends() {
            let db = TestDatabase::create(backend).await;
            let $store = db.store().await;
            $body
            $store.close().await;
        }
    };
}

mod activities;
mod data_versions;
mod events;
mod jobs;
mod planned_routes;
mod sample_days;
mod sessions;
mod time_zones;

#[tokio::test]
async fn users_are_created_and_found_by_id_username_or_email() {
    for_each_backend!(|store| {
        let created = store.accounts.create_user(new_user("Ana_Runner")).await.unwrap();
        let shown = format!("{created:?}");
        assert!(
            !shown.contains("$argon2id$fake") && shown.contains("<redacted>"),
            "Debug redacts secrets: {shown}"
        );
        assert_eq!(created.username.as_str(), "Ana_Runner");
        assert_eq!(created.roles, Roles::user());
        assert!(created.active && !created.totp_enabled && !created.has_avatar);
        assert_eq!(created.time_zone.as_str(), "Europe/Berlin");
        assert_eq!(created.created_at, t0());
        let by_id = store.accounts.user_by_id(&created.id).await.unwrap().unwrap();
        assert_eq!(by_id.email.as_str(), "ana_runner@example.org");
        for login in ["ana_runner", "ANA_RUNNER", "Ana_Runner@Example.org"] {
            let found = store.accounts.user_by_login(login).await.unwrap().unwrap();
            assert_eq!(found.id, created.id, "{login}");
        }
        assert!(store.accounts.user_by_login("nobody").await.unwrap().is_none());
        assert!(store
            .accounts
            .user_by_id(&UserId::generate())
            .await
            .unwrap()
            .is_none());
    });
}

#[tokio::test]
async fn usernames_and_emails_are_unique_case_insensitively() {
    for_each_backend!(|store| {
        store.accounts.create_user(new_user("ana")).await.unwrap();
        let mut same_name = new_user("ANA");
        same_name.email = Email::parse("other@example.org").unwrap();
        let err = store.accounts.create_user(same_name).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { what: "username" }),
            "{err:?}"
        );
        let mut same_email = new_user("bruno");
        same_email.email = Email::parse("ana@example.org").unwrap();
        let err = store.accounts.create_user(same_email).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { what: "email" }), "{err:?}");
    });
}

#[tokio::test]
async fn profile_updates_set_keep_and_clear_fields() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap();
        let later = t0() + 1.hour();
        let update = ProfileUpdate {
            display_name: Some(Some(DisplayName::parse("Ana López").unwrap())),
            bio: Some(Some(Bio::parse("Marathoner").unwrap())),
            unit_system: Some(UnitSystem::Imperial),
            first_weekday: Some(FirstWeekday::Sunday),
            birth_year: Some(Some(BirthYear::parse(1990, 2026).unwrap())),
            sex: Some(Some(Sex::Female)),
            height_cm: Some(Some(HeightCm::parse(168.5).unwrap())),
        };
        let updated = store
            .accounts
            .update_profile(&user.id, update, later)
            .await
            .unwrap();
        assert_eq!(updated.display_name.as_deref(), Some("Ana López"));
        assert_eq!(updated.bio.as_deref(), Some("Marathoner"));
        assert_eq!(updated.unit_system, UnitSystem::Imperial);
        assert_eq!(updated.first_weekday, FirstWeekday::Sunday);
        assert_eq!(updated.birth_year, Some(1990));
        assert_eq!(updated.sex, Some(Sex::Female));
        assert_eq!(updated.height_cm, Some(168.5));
        assert_eq!(updated.updated_at, later);

        let clear_bio = ProfileUpdate {
            bio: Some(None),
            sex: Some(None),
            ..ProfileUpdate::default()
        };
        let cleared = store
            .accounts
            .update_profile(&user.id, clear_bio, later)
            .await
            .unwrap();
        assert_eq!(cleared.bio, None);
        assert_eq!(cleared.sex, None);
        assert_eq!(
            cleared.display_name.as_deref(),
            Some("Ana López"),
            "untouched fields stay"
        );
        assert_eq!(cleared.height_cm, Some(168.5));

        let missing = store
            .accounts
            .update_profile(&UserId::generate(), ProfileUpdate::default(), later)
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound)));
    });
}

#[tokio::test]
async fn admin_updates_and_admin_count() {
    for_each_backend!(|store| {
        let mut admin = new_user("root_admin");
        admin.roles = Roles::admin();
        let admin = store.accounts.create_user(admin).await.unwrap();
        let user = store.accounts.create_user(new_user("ana")).await.unwrap();
        assert_eq!(store.accounts.count_active_admins().await.unwrap(), 1);

        let promote = AdminUserUpdate {
            roles: Some(Roles::from(vec![Role::Trainer, Role::Admin])),
            active: None,
        };
        let promoted = store
            .accounts
            .admin_update(&user.id, promote, t0())
            .await
            .unwrap();
        assert!(promoted.roles.contains(Role::Trainer) && promoted.roles.is_admin());
        assert_eq!(store.accounts.count_active_admins().await.unwrap(), 2);

        let deactivate = AdminUserUpdate {
            roles: None,
            active: Some(false),
        };
        let off = store
            .accounts
            .admin_update(&admin.id, deactivate, t0())
            .await
            .unwrap();
        assert!(!off.active && off.roles.is_admin());
        assert_eq!(store.accounts.count_active_admins().await.unwrap(), 1);
    });
}

#[tokio::test]
async fn users_list_in_creation_order_with_a_cursor() {
    for_each_backend!(|store| {
        let mut ids = Vec::new();
        for i in 0..5 {
            ids.push(
                store
                    .accounts
                    .create_user(new_user(&format!("user{i}")))
                    .await
                    .unwrap()
                    .id,
            );
        }
        let first = store.accounts.list_users(None, 2).await.unwrap();
        assert_eq!(first.iter().map(|u| u.id.clone()).collect::<Vec<_>>(), ids[..2]);
        let rest = store.accounts.list_users(Some(&ids[1]), 10).await.unwrap();
        assert_eq!(rest.iter().map(|u| u.id.clone()).collect::<Vec<_>>(), ids[2..]);
    });
}

#[tokio::test]
async fn deleting_a_user_removes_everything_it_owns() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap();
        let avatar = Avatar {
            content_type: "image/png".into(),
            bytes: vec![1, 2, 3],
            updated_at: t0(),
        };
        store.accounts.put_avatar(&user.id, avatar).await.unwrap();
        store
            .sessions
            .insert_refresh_token(token("h1", &user.id, "f1", t0() + 1.hour()))
            .await
            .unwrap();
        store
            .accounts
            .set_pending_totp(&user.id, "SECRET", t0())
            .await
            .unwrap();
        store
            .accounts
            .enable_totp(&user.id, &["rc1".into()], 1, t0())
            .await
            .unwrap();

        assert!(store.accounts.delete_user(&user.id).await.unwrap());
        assert!(!store.accounts.delete_user(&user.id).await.unwrap());
        assert!(store.accounts.user_by_id(&user.id).await.unwrap().is_none());
        assert!(store.accounts.avatar(&user.id).await.unwrap().is_none());
        assert_eq!(
            store.accounts.remaining_recovery_codes(&user.id).await.unwrap(),
            0
        );
        assert_eq!(
            store.sessions.revoke_family_of("h1", t0()).await.unwrap(),
            None,
            "token cascaded away"
        );
    });
}

#[tokio::test]
async fn token_epoch_only_grows() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap();
        assert_eq!(user.token_epoch, 0);
        assert_eq!(store.accounts.bump_token_epoch(&user.id, t0()).await.unwrap(), 1);
        assert_eq!(store.accounts.bump_token_epoch(&user.id, t0()).await.unwrap(), 2);
        let missing = store.accounts.bump_token_epoch(&UserId::generate(), t0()).await;
        assert!(matches!(missing, Err(StoreError::NotFound)));
    });
}

#[tokio::test]
async fn totp_enrolment_replay_guard_and_recovery_codes() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap();
        store
            .accounts
            .set_pending_totp(&user.id, "PENDING", t0())
            .await
            .unwrap();
        let pending = store.accounts.user_by_id(&user.id).await.unwrap().unwrap();
        assert_eq!(pending.totp_secret.as_deref(), Some("PENDING"));
        assert!(!pending.totp_enabled);

        let codes = vec!["c1".to_string(), "c2".to_string()];
        store
            .accounts
            .enable_totp(&user.id, &codes, 100, t0())
            .await
            .unwrap();
        let enabled = store.accounts.user_by_id(&user.id).await.unwrap().unwrap();
        assert!(enabled.totp_enabled);
        assert_eq!(enabled.totp_last_step, Some(100));
        let again = store.accounts.enable_totp(&user.id, &codes, 101, t0()).await;
        assert!(
            matches!(again, Err(StoreError::Conflict { what: "totp" })),
            "already enabled"
        );
        let restart = store.accounts.set_pending_totp(&user.id, "OTHER", t0()).await;
        assert!(
            matches!(restart, Err(StoreError::Conflict { what: "totp" })),
            "cannot re-enrol while on"
        );

        assert!(
            !store.accounts.accept_totp_step(&user.id, 100).await.unwrap(),
            "replayed step"
        );
        assert!(store.accounts.accept_totp_step(&user.id, 101).await.unwrap());
        assert!(
            !store.accounts.accept_totp_step(&user.id, 99).await.unwrap(),
            "older step"
        );

        assert_eq!(
            store.accounts.remaining_recovery_codes(&user.id).await.unwrap(),
            2
        );
        assert!(store
            .accounts
            .consume_recovery_code(&user.id, "c1", t0())
            .await
            .unwrap());
        assert!(
            !store
                .accounts
                .consume_recovery_code(&user.id, "c1", t0())
                .await
                .unwrap(),
            "works once"
        );
        assert!(!store
            .accounts
            .consume_recovery_code(&user.id, "nope", t0())
            .await
            .unwrap());
        assert_eq!(
            store.accounts.remaining_recovery_codes(&user.id).await.unwrap(),
            1
        );

        store.accounts.disable_totp(&user.id, t0()).await.unwrap();
        let off = store.accounts.user_by_id(&user.id).await.unwrap().unwrap();
        assert!(!off.totp_enabled && off.totp_secret.is_none() && off.totp_last_step.is_none());
        assert_eq!(
            store.accounts.remaining_recovery_codes(&user.id).await.unwrap(),
            0
        );
    });
}

#[tokio::test]
async fn preferences_are_replaced_whole_and_go_with_the_account() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let bruno = store.accounts.create_user(new_user("bruno")).await.unwrap();
        assert_eq!(store.accounts.preferences(&ana.id).await.unwrap(), None);
        store
            .accounts
            .put_preferences(&ana.id, r#"{"theme":"dark"}"#, t0())
            .await
            .unwrap();
        store
            .accounts
            .put_preferences(&ana.id, r#"{"theme":"light"}"#, t0() + 1.hour())
            .await
            .unwrap();
        assert_eq!(
            store.accounts.preferences(&ana.id).await.unwrap(),
            Some((r#"{"theme":"light"}"#.to_owned(), t0() + 1.hour()))
        );
        assert_eq!(store.accounts.preferences(&bruno.id).await.unwrap(), None);
        assert!(store.accounts.delete_user(&ana.id).await.unwrap());
        assert_eq!(store.accounts.preferences(&ana.id).await.unwrap(), None);
    });
}

#[tokio::test]
async fn avatars_are_stored_replaced_and_deleted() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap();
        let bytes: Vec<u8> = (0..=255).collect();
        let png = Avatar {
            content_type: "image/png".into(),
            bytes: bytes.clone(),
            updated_at: t0(),
        };
        store.accounts.put_avatar(&user.id, png).await.unwrap();
        let got = store.accounts.avatar(&user.id).await.unwrap().unwrap();
        assert_eq!((got.content_type.as_str(), got.bytes), ("image/png", bytes));
        assert!(
            store
                .accounts
                .user_by_id(&user.id)
                .await
                .unwrap()
                .unwrap()
                .has_avatar
        );

        let webp = Avatar {
            content_type: "image/webp".into(),
            bytes: vec![9],
            updated_at: t0() + 1.hour(),
        };
        store.accounts.put_avatar(&user.id, webp).await.unwrap();
        let got = store.accounts.avatar(&user.id).await.unwrap().unwrap();
        assert_eq!(
            (got.content_type.as_str(), got.bytes, got.updated_at),
            ("image/webp", vec![9], t0() + 1.hour())
        );

        assert!(store.accounts.delete_avatar(&user.id).await.unwrap());
        assert!(!store.accounts.delete_avatar(&user.id).await.unwrap());
        assert!(store.accounts.avatar(&user.id).await.unwrap().is_none());
    });
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap();
        let exp = t0() + (30 * 24).hours();
        store
            .sessions
            .insert_refresh_token(token("a", &user.id, "fam", exp))
            .await
            .unwrap();
        store
            .sessions
            .insert_refresh_token(token("other", &user.id, "fam2", exp))
            .await
            .unwrap();

        // The family and user passed for the new token are ignored: the old token's are kept.
        let rotated = store
            .sessions
            .rotate_refresh_token("a", token("b", &user.id, "ignored", exp), t0(), grace())
            .await;
        assert_eq!(
            rotated.unwrap(),
            RotateOutcome::Rotated {
                user_id: user.id.clone(),
                family_id: "fam".into()
            }
        );
        let next = store
            .sessions
            .rotate_refresh_token("b", token("c", &user.id, "x", exp), t0(), grace())
            .await
            .unwrap();
        assert!(matches!(next, RotateOutcome::Rotated { ref family_id, .. } if family_id == "fam"));

        // "a" was already rotated: presenting it again after the grace window revokes the whole family,
        // including "c".
        let reuse = store
            .sessions
            .rotate_refresh_token("a", token("d", &user.id, "x", exp), t0() + 1.minute(), grace())
            .await
            .unwrap();
        assert_eq!(
            reuse,
            RotateOutcome::Reused {
                user_id: user.id.clone(),
                family_id: "fam".into()
            }
        );
        let after = store
            .sessions
            .rotate_refresh_token("c", token("e", &user.id, "x", exp), t0(), grace())
            .await
            .unwrap();
        assert_eq!(after, RotateOutcome::Invalid);

        // Other families survive.
        let other = store
            .sessions
            .rotate_refresh_token("other", token("f", &user.id, "x", exp), t0(), grace())
            .await;
        assert!(matches!(other.unwrap(), RotateOutcome::Rotated { .. }));

        let unknown = store
            .sessions
            .rotate_refresh_token("zzz", token("g", &user.id, "x", exp), t0(), grace())
            .await;
        assert_eq!(unknown.unwrap(), RotateOutcome::Invalid);
    });
}

#[tokio::test]
async fn expired_and_revoked_refresh_tokens_are_invalid() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap();
        store
            .sessions
            .insert_refresh_token(token("old", &user.id, "f1", t0() + 1.hour()))
            .await
            .unwrap();
        let late = t0() + 2.hours();
        let res = store
            .sessions
            .rotate_refresh_token("old", token("n", &user.id, "x", late + 1.hour()), late, grace())
            .await;
        assert_eq!(res.unwrap(), RotateOutcome::Invalid);
        assert_eq!(store.sessions.purge_expired(late).await.unwrap(), 1);

        store
            .sessions
            .insert_refresh_token(token("s1", &user.id, "f2", t0() + 1.hour()))
            .await
            .unwrap();
        store
            .sessions
            .insert_refresh_token(token("s2", &user.id, "f3", t0() + 1.hour()))
            .await
            .unwrap();
        assert_eq!(
            store.sessions.revoke_family_of("s1", t0()).await.unwrap(),
            Some((user.id.clone(), "f2".to_owned()))
        );
        let res = store
            .sessions
            .rotate_refresh_token("s1", token("n1", &user.id, "x", t0() + 1.hour()), t0(), grace())
            .await;
        assert_eq!(res.unwrap(), RotateOutcome::Invalid);
        let ended = store
            .sessions
            .revoke_all_for_user(&user.id, None, t0())
            .await
            .unwrap();
        assert_eq!(ended, ["f3"], "f2 had ended already");
        let res = store
            .sessions
            .rotate_refresh_token("s2", token("n2", &user.id, "x", t0() + 1.hour()), t0(), grace())
            .await;
        assert_eq!(res.unwrap(), RotateOutcome::Invalid);
    });
}

#[tokio::test]
async fn settings_keep_the_first_value() {
    for_each_backend!(|store| {
        store.settings.ping().await.unwrap();
        assert_eq!(store.settings.get_or_init("k", "first").await.unwrap(), "first");
        assert_eq!(store.settings.get_or_init("k", "second").await.unwrap(), "first");
    });
}

#[tokio::test]
async fn migrations_can_run_twice() {
    for_each_backend!(|store| {
        store.migrate().await.unwrap();
    });
}

fn watch() -> SourceDescriptor {
    SourceDescriptor::new(
        Provider::AppleHealth,
        DeviceKind::Watch,
        "Ana's Watch",
        Some("Watch7,1"),
        None,
    )
    .unwrap()
}

fn phone() -> SourceDescriptor {
    SourceDescriptor::new(
        Provider::AppleHealth,
        DeviceKind::Phone,
        "Ana's iPhone",
        None,
        None,
    )
    .unwrap()
}

fn hr(source_id: i64, start: i64, value: f64) -> NewSample {
    NewSample {
        source_id,
        metric: Metric::HeartRate,
        start,
        end: start,
        value,
        offset_minutes: Some(120),
        floating_end_offset: None,
        external_id: None,
    }
}

fn query(metric: Metric, after: Option<SampleCursor>, limit: u32) -> SampleQuery {
    SampleQuery {
        metric,
        from: 0,
        to: i64::MAX,
        source: None,
        after,
        limit,
    }
}

#[tokio::test]
async fn sources_are_created_once_per_description_and_per_user() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let bruno = store.accounts.create_user(new_user("bruno")).await.unwrap();
        let w1 = store
            .samples
            .ensure_source(&ana.id, &watch(), t0())
            .await
            .unwrap();
        let w2 = store
            .samples
            .ensure_source(&ana.id, &watch(), t0() + 1.hour())
            .await
            .unwrap();
        let p = store
            .samples
            .ensure_source(&ana.id, &phone(), t0())
            .await
            .unwrap();
        let other = store
            .samples
            .ensure_source(&bruno.id, &watch(), t0())
            .await
            .unwrap();
        assert_eq!(w1, w2);
        assert_ne!(w1, p);
        assert_ne!(w1, other, "sources are per user");
        let listed = store.samples.sources(&ana.id).await.unwrap();
        assert_eq!(listed.iter().map(|s| s.id).collect::<Vec<_>>(), vec![w1, p]);
        assert_eq!(listed[0].descriptor, watch());
        assert_eq!(listed[0].created_at, t0());
    });
}

#[tokio::test]
async fn a_summary_source_is_a_source_of_its_own_and_says_so() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let daily = SourceDescriptor::new(
            Provider::GoogleFit,
            DeviceKind::App,
            "Google Fit (daily)",
            None,
            None,
        )
        .unwrap();
        let plain = store.samples.ensure_source(&ana.id, &daily, t0()).await.unwrap();
        let summary = daily.clone().summarising();
        let s1 = store
            .samples
            .ensure_source(&ana.id, &summary, t0())
            .await
            .unwrap();
        let s2 = store
            .samples
            .ensure_source(&ana.id, &summary, t0())
            .await
            .unwrap();
        assert_eq!(s1, s2);
        assert_ne!(plain, s1);
        let listed = store.samples.sources(&ana.id).await.unwrap();
        assert_eq!(listed.len(), 2);
        assert!(!listed[0].descriptor.summary);
        assert!(listed[1].descriptor.summary);
        assert_eq!(listed[1].descriptor, summary);
    });
}

#[tokio::test]
async fn samples_are_stored_once_and_read_back_in_order() {
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
        let steps = NewSample {
            source_id: p,
            metric: Metric::Steps,
            start: 1_000,
            end: 1_060,
            value: 120.0,
            offset_minutes: None,
            floating_end_offset: None,
            external_id: Some("step-1".into()),
        };
        let batch = vec![
            hr(w, 1_000, 61.0),
            hr(p, 1_000, 63.5),
            hr(w, 940, 60.0),
            steps.clone(),
            hr(w, 1_000, 99.0),
        ];
        // The last item repeats the key of the first: only the first is kept.
        assert_eq!(
            store
                .samples
                .insert_samples(&ana.id, &batch, &[], t0(), None)
                .await
                .unwrap(),
            4
        );
        assert_eq!(
            store
                .samples
                .insert_samples(&ana.id, &batch, &[], t0(), None)
                .await
                .unwrap(),
            0,
            "idempotent"
        );
        // Same external id, different times: a duplicate too.
        let moved = NewSample {
            start: 2_000,
            end: 2_060,
            ..steps.clone()
        };
        assert_eq!(
            store
                .samples
                .insert_samples(&ana.id, &[moved], &[], t0(), None)
                .await
                .unwrap(),
            0
        );

        let got = store
            .samples
            .samples(&ana.id, &query(Metric::HeartRate, None, 10))
            .await
            .unwrap();
        let keys: Vec<(i64, i64, f64)> = got.iter().map(|s| (s.start, s.source_id, s.value)).collect();
        assert_eq!(keys, vec![(940, w, 60.0), (1_000, w, 61.0), (1_000, p, 63.5)]);
        assert_eq!(got[0].offset_minutes, Some(120));
        assert_eq!(got[0].ingested_at, t0());
        let steps_back = store
            .samples
            .samples(&ana.id, &query(Metric::Steps, None, 10))
            .await
            .unwrap();
        assert_eq!(steps_back.len(), 1);
        assert_eq!(
            (steps_back[0].end, steps_back[0].external_id.as_deref()),
            (1_060, Some("step-1"))
        );

        let only_phone = SampleQuery {
            source: Some(p),
            ..query(Metric::HeartRate, None, 10)
        };
        assert_eq!(
            store.samples.samples(&ana.id, &only_phone).await.unwrap().len(),
            1
        );
        let window = SampleQuery {
            from: 950,
            to: 1_001,
            ..query(Metric::HeartRate, None, 10)
        };
        assert_eq!(store.samples.samples(&ana.id, &window).await.unwrap().len(), 2);

        let bruno = store.accounts.create_user(new_user("bruno")).await.unwrap();
        assert!(store
            .samples
            .samples(&bruno.id, &query(Metric::HeartRate, None, 10))
            .await
            .unwrap()
            .is_empty());
    });
}

#[tokio::test]
async fn concurrent_inserts_keep_their_own_outcomes_and_one_failing_takes_nothing_with_it() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let w = store
            .samples
            .ensure_source(&ana.id, &watch(), t0())
            .await
            .unwrap();
        // Forty inserts at once (on SQLite they are written in groups, each in a savepoint): the
        // thirteenth names a source that does not exist beside a sample that would be valid alone.
        let run = |round: i64| {
            let mut tasks = Vec::new();
            for i in 0..40i64 {
                let (store, user) = (store.clone(), ana.id.clone());
                tasks.push(tokio::spawn(async move {
                    let mut batch = vec![hr(w, 10_000 + i, 60.0 + round as f64)];
                    if i == 13 {
                        batch.push(hr(999_999_999, 20_000, 70.0));
                    }
                    store.samples.insert_samples(&user, &batch, &[], t0(), None).await
                }));
            }
            tasks
        };
        let mut outcomes = Vec::new();
        for task in run(0) {
            outcomes.push(task.await.unwrap());
        }
        for (i, outcome) in outcomes.iter().enumerate() {
            match (i, outcome) {
                (13, Err(_)) => {}
                (13, Ok(n)) => panic!("the insert with an unknown source stored {n}"),
                (_, Ok(n)) => assert_eq!(*n, 1, "insert {i}"),
                (_, Err(e)) => panic!("insert {i} failed beside the bad one: {e}"),
            }
        }
        let stored = store
            .samples
            .samples(&ana.id, &query(Metric::HeartRate, None, 100))
            .await
            .unwrap();
        let starts: Vec<i64> = stored.iter().map(|s| s.start).collect();
        let expected: Vec<i64> = (0..40).filter(|i| *i != 13).map(|i| 10_000 + i).collect();
        assert_eq!(
            starts, expected,
            "the failed insert's valid sample was rolled back with it"
        );
        let events = store.events.unpublished(100).await.unwrap();
        assert_eq!(
            events.len(),
            39,
            "one event per stored insert, none for the failed one"
        );
        // Again, all at once: every sample is a duplicate now, whoever it is grouped with.
        for (i, task) in run(1).into_iter().enumerate() {
            let outcome = task.await.unwrap();
            if i != 13 {
                assert_eq!(outcome.unwrap(), 0, "insert {i} again");
            }
        }
        assert_eq!(store.events.unpublished(100).await.unwrap().len(), 39);
    });
}

#[tokio::test]
async fn cursor_pages_neither_skip_nor_repeat_under_concurrent_inserts() {
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
        let batch: Vec<NewSample> = (0..50)
            .flat_map(|i| [hr(w, i * 60, 60.0), hr(p, i * 60, 70.0)])
            .collect();
        store
            .samples
            .insert_samples(&ana.id, &batch, &[], t0(), None)
            .await
            .unwrap();

        let mut seen = Vec::new();
        let mut after = None;
        let mut pages = 0;
        loop {
            let page = store
                .samples
                .samples(&ana.id, &query(Metric::HeartRate, after, 7))
                .await
                .unwrap();
            if page.is_empty() {
                break;
            }
            pages += 1;
            // Meanwhile new samples arrive during the first pages: some before the cursor (never seen),
            // some after it (seen once).
            if pages <= 5 {
                let late = [hr(w, -(pages * 60), 50.0), hr(w, 10_000 + pages * 60, 80.0)];
                store
                    .samples
                    .insert_samples(&ana.id, &late, &[], t0(), None)
                    .await
                    .unwrap();
            }
            let last = page.last().unwrap();
            after = Some(SampleCursor {
                start: last.start,
                source_id: last.source_id,
                end: last.end,
            });
            seen.extend(page.into_iter().map(|s| (s.start, s.source_id)));
        }
        let unique: std::collections::HashSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no sample repeated");
        for i in 0..50 {
            assert!(
                seen.contains(&(i * 60, w)) && seen.contains(&(i * 60, p)),
                "no original sample skipped"
            );
        }
        for late in 1..=5 {
            assert!(
                seen.contains(&(10_000 + late * 60, w)),
                "samples inserted after the cursor are seen"
            );
            assert!(
                !seen.contains(&(-(late * 60), w)),
                "samples inserted before the cursor are not"
            );
        }
        assert!(seen.windows(2).all(|pair| pair[0] < pair[1]), "strictly ordered");
    });
}

#[tokio::test]
async fn deleting_a_user_deletes_their_sources_and_samples() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let w = store
            .samples
            .ensure_source(&ana.id, &watch(), t0())
            .await
            .unwrap();
        store
            .samples
            .insert_samples(&ana.id, &[hr(w, 0, 60.0)], &[], t0(), None)
            .await
            .unwrap();
        store.accounts.delete_user(&ana.id).await.unwrap();
        let again = store.accounts.create_user(new_user("ana")).await.unwrap();
        assert!(store.samples.sources(&again.id).await.unwrap().is_empty());
        assert!(store
            .samples
            .samples(&again.id, &query(Metric::HeartRate, None, 10))
            .await
            .unwrap()
            .is_empty());
    });
}

#[tokio::test]
async fn ingests_mark_days_for_rollups_and_a_newer_mark_survives_clearing_an_older_one() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let w = store
            .samples
            .ensure_source(&ana.id, &watch(), t0())
            .await
            .unwrap();
        let touched = [(Metric::HeartRate, 20_000), (Metric::HeartRate, 20_001)];
        store
            .samples
            .insert_samples(&ana.id, &[hr(w, 0, 60.0)], &touched, t0(), None)
            .await
            .unwrap();
        assert_eq!(
            store.rollups.users_with_dirty_days(10).await.unwrap(),
            vec![ana.id.clone()]
        );
        let first = store.rollups.dirty_days(&ana.id).await.unwrap();
        assert_eq!(
            first.iter().map(|(m, d, _)| (*m, *d)).collect::<Vec<_>>(),
            touched
        );

        // A batch of duplicates stores nothing and marks nothing.
        let other = [(Metric::Steps, 1)];
        store
            .samples
            .insert_samples(&ana.id, &[hr(w, 0, 60.0)], &other, t0(), None)
            .await
            .unwrap();
        assert_eq!(store.rollups.dirty_days(&ana.id).await.unwrap().len(), 2);

        // Day 20,001 is marked again by a later batch while the first marks are being processed.
        store
            .samples
            .insert_samples(&ana.id, &[hr(w, 60, 61.0)], &touched[1..], t0(), None)
            .await
            .unwrap();
        store.rollups.clear_dirty(&ana.id, &first).await.unwrap();
        let left = store.rollups.dirty_days(&ana.id).await.unwrap();
        assert_eq!(
            left.iter().map(|(m, d, _)| (*m, *d)).collect::<Vec<_>>(),
            vec![(Metric::HeartRate, 20_001)]
        );
        store.rollups.clear_all_dirty(&ana.id).await.unwrap();
        assert!(store.rollups.users_with_dirty_days(10).await.unwrap().is_empty());
    });
}

#[tokio::test]
async fn an_explicit_source_order_outranks_defaults_and_only_takes_own_sources() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let bruno = store.accounts.create_user(new_user("bruno")).await.unwrap();
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
        let theirs = store
            .samples
            .ensure_source(&bruno.id, &watch(), t0())
            .await
            .unwrap();
        let rank = |sources: &[SourceRecord], id: i64| sources.iter().find(|s| s.id == id).unwrap().rank();

        let defaults = store.samples.sources(&ana.id).await.unwrap();
        assert!(
            rank(&defaults, w) < rank(&defaults, p),
            "watch before phone by default"
        );
        store.samples.set_source_order(&ana.id, &[p]).await.unwrap();
        let ordered = store.samples.sources(&ana.id).await.unwrap();
        assert!(
            rank(&ordered, p) < rank(&ordered, w),
            "an explicit order wins over any default"
        );
        assert_eq!(ordered.iter().find(|s| s.id == p).unwrap().priority, Some(0));

        let err = store
            .samples
            .set_source_order(&ana.id, &[w, theirs])
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let unchanged = store.samples.sources(&ana.id).await.unwrap();
        assert_eq!(unchanged, ordered, "a refused order changes nothing");
    });
}
