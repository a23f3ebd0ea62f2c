//! Invalidations through the machine's Redis (`WEARHOUSE_TEST_REDIS_URL`, as CI sets it; without it
//! these tests say so and pass).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use wearhouse_cache::{subscribe, RedisBus};
use wearhouse_services::cache_bus::{CacheBus, Invalidation};

fn redis() -> Option<String> {
    let url = std::env::var("WEARHOUSE_TEST_REDIS_URL").ok();
    if url.is_none() {
        eprintln!("skipped: needs Redis (set WEARHOUSE_TEST_REDIS_URL)");
    }
    url
}

#[tokio::test]
async fn what_one_process_announces_every_subscriber_applies_after_dropping_everything_first() {
    let Some(url) = redis() else { return };
    let seen: Arc<Mutex<Vec<Invalidation>>> = Arc::default();
    let apply = {
        let seen = seen.clone();
        Arc::new(move |i: &Invalidation| seen.lock().unwrap().push(i.clone()))
    };
    let (ready, subscribed) = tokio::sync::oneshot::channel();
    let task = subscribe(&url, apply, Some(ready));
    subscribed.await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![Invalidation::All],
        "a new subscriber starts empty"
    );

    let bus = RedisBus::connect(&url).await.unwrap();
    let session = format!("ses_{}", uuid::Uuid::new_v4().simple());
    bus.publish(&Invalidation::Session(session.clone())).await;
    bus.publish(&Invalidation::User("usr_0192f4c1a7b37c3e9d2a5b8e6f1c0d94".into()))
        .await;
    for _ in 0..200 {
        if seen.lock().unwrap().len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let seen = seen.lock().unwrap().clone();
    // Other tests may publish on the same Redis at the same time: look for ours, in order.
    let ours: Vec<&Invalidation> = seen
        .iter()
        .filter(|i| match i {
            Invalidation::Session(s) => *s == session,
            Invalidation::User(u) => u == "usr_0192f4c1a7b37c3e9d2a5b8e6f1c0d94",
            Invalidation::All => false,
        })
        .collect();
    assert_eq!(
        ours,
        vec![
            &Invalidation::Session(session.clone()),
            &Invalidation::User("usr_0192f4c1a7b37c3e9d2a5b8e6f1c0d94".into())
        ]
    );
    task.abort();
}

#[tokio::test]
async fn an_unreachable_redis_is_one_clear_error() {
    let err = RedisBus::connect("redis://127.0.0.1:1/")
        .await
        .err()
        .expect("nothing listens on port 1");
    assert!(
        err.to_string().starts_with("Redis at redis://127.0.0.1:1/"),
        "{err}"
    );
}

#[tokio::test]
async fn a_shared_bucket_lets_its_burst_through_then_refuses_until_a_token_comes_back() {
    use wearhouse_cache::RedisBuckets;
    use wearhouse_services::buckets::SharedBuckets;
    let Some(url) = redis() else { return };
    let buckets = RedisBuckets::new(RedisBus::connect(&url).await.unwrap().connection());
    let key = format!("test:{}", uuid::Uuid::new_v4().simple());
    // Three requests at once, then one a second.
    let interval = Duration::from_secs(1);
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let d = buckets.take(&key, interval, 3).await.unwrap();
        assert!(d.allowed);
        remaining.push(d.remaining);
    }
    assert_eq!(remaining, vec![2, 1, 0]);
    let refused = buckets.take(&key, interval, 3).await.unwrap();
    assert!(!refused.allowed);
    assert_eq!(refused.retry_after_secs, 1);
    assert!(refused.reset_secs >= 2 && refused.reset_secs <= 3, "{refused:?}");
    // Another key is another bucket.
    let other = buckets.take(&format!("{key}:other"), interval, 3).await.unwrap();
    assert_eq!((other.allowed, other.remaining), (true, 2));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let back = buckets.take(&key, interval, 3).await.unwrap();
    assert!(back.allowed, "a token came back after an interval: {back:?}");
}
