//! Sessions: the grace window for concurrent refreshes, listing and ending sessions, ending a session
//! racing a refresh, and the last-admin rule under concurrency.

use super::*;

fn client(ua: &str) -> SessionClient {
    SessionClient {
        client: Some(ua.into()),
        address: Some("192.0.2.1".into()),
    }
}

#[tokio::test]
async fn a_token_refreshed_again_within_the_grace_window_rotates_in_the_same_session() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap();
        let exp = t0() + 1.hour();
        store
            .sessions
            .start_session(token("a", &user.id, "fam", exp), client("Firefox"))
            .await
            .unwrap();
        let first = store
            .sessions
            .rotate_refresh_token("a", token("b", &user.id, "x", exp), t0(), grace())
            .await
            .unwrap();
        assert!(matches!(first, RotateOutcome::Rotated { ref family_id, .. } if family_id == "fam"));
        // Another tab presents "a" two seconds later: it gets its own token in the same session.
        let second = store
            .sessions
            .rotate_refresh_token("a", token("c", &user.id, "x", exp), t0() + 2.seconds(), grace())
            .await
            .unwrap();
        assert!(matches!(second, RotateOutcome::Rotated { ref family_id, .. } if family_id == "fam"));
        // The window counts from the first use, so presenting "a" after it is reuse, and both new
        // tokens die with the session.
        let late = store
            .sessions
            .rotate_refresh_token("a", token("d", &user.id, "x", exp), t0() + 6.seconds(), grace())
            .await
            .unwrap();
        assert!(matches!(late, RotateOutcome::Reused { .. }), "{late:?}");
        for t in ["b", "c"] {
            let res = store
                .sessions
                .rotate_refresh_token(t, token("e", &user.id, "x", exp), t0() + 7.seconds(), grace())
                .await
                .unwrap();
            assert_eq!(res, RotateOutcome::Invalid, "{t}");
        }
        let session = store.sessions.session("fam").await.unwrap().unwrap();
        assert_eq!(session.ended_at, Some(t0() + 6.seconds()));
    });
}

#[tokio::test]
async fn concurrent_rotations_of_one_token_all_rotate_in_its_session() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap();
        let exp = t0() + 1.hour();
        store
            .sessions
            .insert_refresh_token(token("r0", &user.id, "fam", exp))
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for i in 0..8 {
            let sessions = store.sessions.clone();
            let new = token(&format!("r{}", i + 1), &user.id, "x", exp);
            tasks.push(tokio::spawn(async move {
                sessions.rotate_refresh_token("r0", new, t0(), grace()).await
            }));
        }
        for task in tasks {
            let outcome = task.await.unwrap().unwrap();
            assert!(matches!(outcome, RotateOutcome::Rotated { ref family_id, .. } if family_id == "fam"));
        }
        // Every new token works.
        for i in 1..=8 {
            let res = store
                .sessions
                .rotate_refresh_token(
                    &format!("r{i}"),
                    token(&format!("n{i}"), &user.id, "x", exp),
                    t0(),
                    grace(),
                )
                .await
                .unwrap();
            assert!(matches!(res, RotateOutcome::Rotated { .. }), "r{i}: {res:?}");
        }
        assert_eq!(
            store.sessions.live_sessions(&user.id, t0()).await.unwrap().len(),
            1
        );
    });
}

#[tokio::test]
async fn sessions_are_listed_and_ended_one_by_one_or_all_but_one() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap();
        let bruno = store.accounts.create_user(new_user("bruno")).await.unwrap();
        let exp = t0() + 1.hour();
        for (hash, family, ua) in [
            ("p", "phone", "Phone"),
            ("l", "laptop", "Laptop"),
            ("t", "tablet", "Tablet"),
        ] {
            store
                .sessions
                .start_session(token(hash, &ana.id, family, exp), client(ua))
                .await
                .unwrap();
        }
        store
            .sessions
            .start_session(token("b", &bruno.id, "bruno1", exp), client("Other"))
            .await
            .unwrap();
        // Using the laptop moves it to the front.
        store
            .sessions
            .rotate_refresh_token("l", token("l2", &ana.id, "x", exp), t0() + 1.minute(), grace())
            .await
            .unwrap();
        let live = store
            .sessions
            .live_sessions(&ana.id, t0() + 1.minute())
            .await
            .unwrap();
        let ids: Vec<&str> = live.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["laptop", "phone", "tablet"]);
        assert_eq!(live[0].client.as_deref(), Some("Laptop"));
        assert_eq!(live[0].address.as_deref(), Some("192.0.2.1"));
        assert_eq!(
            (live[0].created_at, live[0].last_used_at),
            (t0(), t0() + 1.minute())
        );

        // Nobody ends another user's session.
        assert!(!store.sessions.end_session(&ana.id, "bruno1", t0()).await.unwrap());
        assert!(store.sessions.end_session(&ana.id, "phone", t0()).await.unwrap());
        assert!(
            !store.sessions.end_session(&ana.id, "phone", t0()).await.unwrap(),
            "already ended"
        );
        let res = store
            .sessions
            .rotate_refresh_token("p", token("p2", &ana.id, "x", exp), t0(), grace())
            .await
            .unwrap();
        assert_eq!(res, RotateOutcome::Invalid);

        let ended = store
            .sessions
            .revoke_all_for_user(&ana.id, Some("laptop"), t0())
            .await
            .unwrap();
        assert_eq!(ended, ["tablet"]);
        let live = store.sessions.live_sessions(&ana.id, t0()).await.unwrap();
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].id, "laptop");
        assert!(store
            .sessions
            .session("tablet")
            .await
            .unwrap()
            .unwrap()
            .ended_at
            .is_some());
        assert!(store
            .sessions
            .session("bruno1")
            .await
            .unwrap()
            .unwrap()
            .ended_at
            .is_none());
        assert!(store.sessions.session("nope").await.unwrap().is_none());
    });
}

/// A refresh racing "log out everywhere" either completes first, and the token it issued is revoked
/// with the rest, or fails: no refresh token survives.
#[tokio::test]
async fn logging_out_everywhere_while_a_refresh_runs_leaves_no_token_alive() {
    for_each_backend!(|store| {
        let user = store.accounts.create_user(new_user("ana")).await.unwrap();
        let exp = t0() + 1.hour();
        for round in 0..25 {
            let old = format!("old{round}");
            let new = format!("new{round}");
            store
                .sessions
                .start_session(token(&old, &user.id, &format!("fam{round}"), exp), client("x"))
                .await
                .unwrap();
            let sessions = store.sessions.clone();
            let (o, n, u) = (old.clone(), new.clone(), user.id.clone());
            let refresh = tokio::spawn(async move {
                sessions
                    .rotate_refresh_token(&o, token(&n, &u, "x", exp), t0(), grace())
                    .await
            });
            let sessions = store.sessions.clone();
            let u = user.id.clone();
            let logout = tokio::spawn(async move { sessions.revoke_all_for_user(&u, None, t0()).await });
            refresh.await.unwrap().unwrap();
            logout.await.unwrap().unwrap();
            let after = store
                .sessions
                .rotate_refresh_token(
                    &new,
                    token(&format!("x{round}"), &user.id, "x", exp),
                    t0(),
                    grace(),
                )
                .await
                .unwrap();
            assert_eq!(after, RotateOutcome::Invalid, "round {round}");
            assert!(store
                .sessions
                .live_sessions(&user.id, t0())
                .await
                .unwrap()
                .is_empty());
        }
    });
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    // A fresh database per round: the rule under test keeps the last admin, so a round cannot undo it.
    for round in 0..5 {
        for_each_backend!(|store| {
            let mut a = new_user("admin_a");
            a.roles = Roles::admin();
            let mut b = new_user("admin_b");
            b.roles = Roles::admin();
            let a = store.accounts.create_user(a).await.unwrap();
            let b = store.accounts.create_user(b).await.unwrap();
            let demote = |id: UserId| {
                let accounts = store.accounts.clone();
                tokio::spawn(async move {
                    let update = AdminUserUpdate {
                        roles: Some(Roles::user()),
                        active: None,
                    };
                    accounts.admin_update(&id, update, t0()).await
                })
            };
            let (ra, rb) = (demote(a.id.clone()), demote(b.id.clone()));
            let results = [ra.await.unwrap(), rb.await.unwrap()];
            let refused = results
                .iter()
                .filter(|r| matches!(r, Err(StoreError::Conflict { what: "last_admin" })))
                .count();
            assert_eq!(refused, 1, "round {round}: {results:?}");
            assert_eq!(store.accounts.count_active_admins().await.unwrap(), 1);
            // The survivor cannot delete itself either.
            let survivor = if results[0].is_ok() { &b } else { &a };
            assert!(matches!(
                store.accounts.delete_user(&survivor.id).await,
                Err(StoreError::Conflict { what: "last_admin" })
            ));
        });
    }
}
