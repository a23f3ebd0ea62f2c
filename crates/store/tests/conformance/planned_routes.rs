//! Planned routes: stored once per content, listed newest first by page, read with their points,
//! deleted, and removed with the import that stored them.

use super::*;

fn route(key: &str, name: &str, at: Timestamp) -> NewPlannedRoute {
    NewPlannedRoute {
        id: RouteId::generate(),
        content_key: key.into(),
        name: Some(name.into()),
        description: None,
        distance: 1234.5,
        elevation_gain: Some(42.0),
        point_count: 2,
        points: "[[59.9,10.7,12.0],[59.91,10.71,null]]".into(),
        created_at: at,
    }
}

#[tokio::test]
async fn routes_are_stored_once_listed_by_page_read_and_deleted() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap().id;
        let bob = store.accounts.create_user(new_user("bob")).await.unwrap().id;
        let first = route("k1", "Loop", t0());
        assert!(store
            .routes
            .insert_planned_route(&ana, None, &first)
            .await
            .unwrap());
        // The same content again, under a new id: nothing new. Another user may hold it too.
        assert!(!store
            .routes
            .insert_planned_route(&ana, None, &route("k1", "Again", t0()))
            .await
            .unwrap());
        assert!(store
            .routes
            .insert_planned_route(&bob, None, &route("k1", "Bob's", t0()))
            .await
            .unwrap());
        let second = route("k2", "Hill", t0() + 1.hour());
        assert!(store
            .routes
            .insert_planned_route(&ana, None, &second)
            .await
            .unwrap());

        let page = store.routes.planned_routes(&ana, None, 1).await.unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].id, second.id, "newest first");
        let rest = store
            .routes
            .planned_routes(&ana, Some(&page[0].id), 10)
            .await
            .unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].id, first.id);
        assert_eq!(rest[0].name.as_deref(), Some("Loop"));
        assert_eq!(rest[0].distance, 1234.5);
        assert_eq!(rest[0].elevation_gain, Some(42.0));
        assert_eq!(rest[0].point_count, 2);
        assert_eq!(rest[0].created_at, t0());

        let (record, points) = store
            .routes
            .planned_route(&ana, &first.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.id, first.id);
        assert_eq!(points, first.points);
        assert!(
            store
                .routes
                .planned_route(&bob, &first.id)
                .await
                .unwrap()
                .is_none(),
            "not bob's"
        );
        assert!(!store.routes.delete_planned_route(&bob, &first.id).await.unwrap());
        assert!(store.routes.delete_planned_route(&ana, &first.id).await.unwrap());
        assert!(store
            .routes
            .planned_route(&ana, &first.id)
            .await
            .unwrap()
            .is_none());
    });
}

#[tokio::test]
async fn an_import_rolled_back_takes_its_routes_with_it() {
    for_each_backend!(|store| {
        let ana = store.accounts.create_user(new_user("ana")).await.unwrap().id;
        let import = store
            .imports
            .create_import(
                &ana,
                &NewImport {
                    id: "imp_0123456789abcdef0123456789abcdef".into(),
                    format: "gpx".into(),
                    file_name: Some("plans.gpx".into()),
                    sha256: "ab".repeat(32),
                    bytes_total: 10,
                    data_version: 1,
                    supersedes: None,
                },
                t0(),
            )
            .await
            .unwrap();
        let kept = route("k1", "Kept", t0());
        store
            .routes
            .insert_planned_route(&ana, None, &kept)
            .await
            .unwrap();
        store
            .routes
            .insert_planned_route(&ana, Some(&import.id), &route("k2", "Imported", t0()))
            .await
            .unwrap();
        store.imports.roll_back_import(&import.id).await.unwrap();
        let left = store.routes.planned_routes(&ana, None, 10).await.unwrap();
        assert_eq!(left.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), [kept.id]);
    });
}
