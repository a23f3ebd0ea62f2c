//! Upgrades of stored data that a release needs beyond its schema migrations: records whose identity
//! rule changed get their new keys (so importing the same files again adds nothing), and rollups whose
//! rules changed are recomputed. Each upgrade runs once per database, in order; the last one applied is
//! kept in the settings table, so every process that opens the database agrees on it.

use jiff::Timestamp;
use wearhouse_model::UserId;
use wearhouse_store::{ActivityRecord, Rekeyed, Store};

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
    /// Activities given a new external id, and those of them found to be another's duplicate (trashed).
    pub activities_rekeyed: u64,
    pub duplicates_trashed: u64,
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
    /// Key workouts that their files identify only by their start the way readers now do
    /// ([`wearhouse_formats::start_external_id`]), so a re-import finds them, and trash the copies the
    /// old keys let in (a TCX imported bare and again inside its Takeout archive).
    KeyWorkoutsByStart,
}

/// External ids earlier readers gave workouts that are now keyed by their start: Google Fit sessions
/// and their TCX files (`googlefit:…`), the import's fallback for a TCX without an `Id` (`tcx:…`,
/// `google_fit:…` inside a Takeout), and a TCX's raw `Id` text (a time, `2021-04-19T20:57:39.686Z`).
const START_KEYED_BEFORE: &[&str] = &["googlefit:%", "google_fit:%", "tcx:%", "____-__-__T%"];

/// Every upgrade, oldest first. A new database runs them all too, finding nothing to change.
const UPGRADES: &[Upgrade] = &[
    Upgrade {
        version: 1,
        what: "figures merged by time share, summaries nested in finer data, workouts keyed by content",
        steps: &[Step::KeyWorkoutsByStart, Step::RecomputeRollups],
    },
    Upgrade {
        version: 2,
        what: "rollups and sleep packed per block of days and hours (schemas 0018 and 0020 left them empty)",
        steps: &[Step::RecomputeRollups],
    },
    Upgrade {
        version: 3,
        // Nothing stored changes; files imported before are read again when uploaded again, so what
        // the readers now take from them arrives (an import records the version that read it).
        what: "readers take more from the same files: WHOOP and Garmin exports, Oura readiness, Fitbit floors and \
               minutes, GPX files without times as routes",
        steps: &[],
    },
    Upgrade {
        version: 4,
        // As in 3: a Google Fit Takeout uploaded again is read again.
        what: "Google Fit energy split into basal and active by its basal rate, and its Heart Points",
        steps: &[],
    },
];

/// The data version this release writes.
pub fn current_version() -> u32 {
    UPGRADES.last().map_or(0, |u| u.version)
}

/// Applies the upgrades the database has not had yet (on a new database they find nothing to change).
/// Every step may run again without harm, so a crash between a step and the version's record only
/// repeats work. Safe to call on every start.
pub async fn upgrade(store: &Store, now: Timestamp) -> Result<UpgradeReport, ServiceError> {
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
        ..UpgradeReport::default()
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
                Step::KeyWorkoutsByStart => key_workouts_by_start(store, now, &mut report).await?,
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

/// The start a workout keyed the old way is now keyed by: a TCX's raw `Id` is the time readers key it by
/// (read as UTC when it names no offset, as the TCX reader does); any other old key gives way to the
/// start the file gave, kept to the microsecond in the activity's fields.
fn old_key_start(activity: &ActivityRecord) -> Timestamp {
    let id = activity.external_id.as_deref().unwrap_or_default();
    id.parse::<Timestamp>()
        .ok()
        .or_else(|| {
            let civil = id.trim_end_matches('Z').parse::<jiff::civil::DateTime>().ok()?;
            civil
                .to_zoned(jiff::tz::TimeZone::UTC)
                .ok()
                .map(|z| z.timestamp())
        })
        .unwrap_or(activity.fields.start)
}

async fn key_workouts_by_start(
    store: &Store,
    now: Timestamp,
    report: &mut UpgradeReport,
) -> Result<(), ServiceError> {
    let mut keyed: Vec<(UserId, ActivityRecord, String)> = store
        .activities
        .activities_keyed_like(START_KEYED_BEFORE)
        .await?
        .into_iter()
        .map(|(user, activity)| {
            let key = wearhouse_formats::start_external_id(old_key_start(&activity));
            (user, activity, key)
        })
        .collect();
    // Of copies that now share a key, the first to take it keeps it: a live one before one in the trash
    // or merged into another, then the oldest (the list comes oldest first; the sort is stable).
    keyed.sort_by_key(|(user, a, key)| {
        let set_aside = a.deleted_at.is_some() || a.merged_into.is_some();
        (user.as_str().to_owned(), key.clone(), set_aside)
    });
    for (user, activity, key) in keyed {
        match store
            .activities
            .rekey_activity(&user, &activity.id, &key, now)
            .await?
        {
            Rekeyed::Rekeyed => report.activities_rekeyed += 1,
            Rekeyed::Duplicate => report.duplicates_trashed += 1,
        }
    }
    Ok(())
}
