//! One import may add at most 256 MiB to the resident memory of the process running it, whatever the
//! input: each hostile input of `wearhouse bench memory` is imported here, in a process of its own (this
//! test binary holds this one test, so nothing else allocates meanwhile), with the server's allocator.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wearhouse::commands::bench_memory::{measure, write_hostile_inputs, BUDGET_MIB};
use wearhouse::config::Config;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_import_raises_memory_by_more_than_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    let inputs_dir = dir.path().join("inputs");
    std::fs::create_dir_all(&inputs_dir).unwrap();
    // The oversized entries at a tenth of the bench's 1.5 GiB: still far past every reader's limit.
    let inputs = write_hostile_inputs(&inputs_dir, 0.1).unwrap();
    let config = Config {
        data_dir: dir.path().join("data"),
        ..Config::default()
    };
    let runs = measure(&config, &inputs).await.unwrap();
    assert_eq!(runs.len(), inputs.len());
    for run in &runs {
        println!("{}: +{:.1} MiB", run.label, run.rise_mib);
        assert_eq!(run.status, "done", "{}: {}", run.label, run.report);
        assert!(
            run.rise_mib <= BUDGET_MIB,
            "{} raised resident memory by {:.1} MiB",
            run.label,
            run.rise_mib
        );
    }
    let warned = |label: &str| {
        let run = runs.iter().find(|r| r.label.contains(label)).unwrap();
        run.report["warning_counts"]["entry_too_large"].as_u64()
    };
    assert_eq!(
        warned("expanding far past"),
        Some(1),
        "an oversized entry is reported"
    );
    assert_eq!(
        warned("understates"),
        Some(1),
        "so is one whose archive lies about its size"
    );
    let fitbit = runs
        .iter()
        .find(|r| r.label.starts_with("Fitbit heart-rate"))
        .unwrap();
    assert!(
        fitbit.imported > 400_000,
        "an entry at the limit is read: {}",
        fitbit.imported
    );
    for format in ["FIT", "GPX", "TCX"] {
        let run = runs.iter().find(|r| r.label.starts_with(format)).unwrap();
        assert_eq!(
            run.activities, 1,
            "a {format} file at the limit is read: {}",
            run.report
        );
    }
}
