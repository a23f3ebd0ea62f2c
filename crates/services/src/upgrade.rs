//! Upgrades of stored data that a release needs beyond its schema migrations: records whose identity
//! rule changed get their new keys (so importing the same files again adds nothing), and rollups whose
//! rules changed are recomputed. Each upgrade runs once per database, in order; the last one applied is
//! kept in the settings table, so every process that opens the database agrees on it.

use wearhouse_store::Store;

use crate::ServiceError;

/// The settings key holding the number of the last upgrade applied.
const DATA_VERSION_KEY: &str = "data_version";

/// What an upgrade run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UpgradeReport {
    /// The data version before and after.
    pub from: u32,
    pub to: u32,
    /// Days marked for their rollups to be recomputed.
    pub days_marked: u64,
}

impl UpgradeReport {
    pub fn changed(&self) -> bool {
        self.from != self.to
    }
}

/// One upgrade: its number and what it does.
struct Upgrade {
    version: u32,
    /// Says what changed, for the log.
    what: &'static str,
    steps: &'static [Step],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Recompute every rollup (the merge's rules changed).
    RecomputeRollups,
}

/// Every upgrade, oldest first. A database created by this release starts at the last one.
const UPGRADES: &[Upgrade] = &[Upgrade {
    version: 1,
    what: "merged figures by time share, with summary sources nested in their provider's finer data",
    steps: &[Step::RecomputeRollups],
}];

/// The data version this release writes.
pub fn current_version() -> u32 {
    UPGRADES.last().map_or(0, |u| u.version)
}

/// Applies the upgrades the database has not had yet (on a new database they find nothing to change).
/// Every step may run again without harm, so a crash between a step and the version's record only
/// repeats work. Safe to call on every start.
pub async fn upgrade(store: &Store) -> Result<UpgradeReport, ServiceError> {
    let stored = store.settings.get(DATA_VERSION_KEY).await?;
    let from = match stored {
        Some(v) => v
            .parse::<u32>()
            .map_err(|_| ServiceError::Internal(format!("settings.{DATA_VERSION_KEY} is {v:?}")))?,
        None => 0,
    };
    let mut report = UpgradeReport {
        from,
        to: from,
        days_marked: 0,
    };
    for upgrade in UPGRADES.iter().filter(|u| u.version > from) {
        tracing::info!(
            version = upgrade.version,
            "upgrading stored data: {}",
            upgrade.what
        );
        for step in upgrade.steps {
            match step {
                Step::RecomputeRollups => report.days_marked += store.rollups.mark_every_day().await?,
            }
        }
        store
            .settings
            .set(DATA_VERSION_KEY, &upgrade.version.to_string())
            .await?;
        report.to = upgrade.version;
    }
    Ok(report)
}
