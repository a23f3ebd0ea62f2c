//! The writing half of an import: validates what the reader produced, resolves sources, and stores
//! samples and activities tagged with the import, counting what was new, duplicate or skipped.

use std::collections::{BTreeMap, HashMap, HashSet};

use wearhouse_analytics::ZoneHistory;
use wearhouse_formats::fit::Completeness;
use wearhouse_formats::{ParsedActivity, ParsedSample, Warning};
use wearhouse_model::{ActivityFields, ActivityId, DeviceKind, Provider, SourceDescriptor, UserId};
use wearhouse_store::{
    ActivityRecord, Created, ImportProgress, NewActivity, NewSample, Recording, RevisionChange, StoreError,
};

use super::ImportService;
use crate::rollups::{days_touched, zone_history, ZonePeriods};
use crate::ServiceError;

/// Warnings kept in a report (the rest are only counted).
const MAX_REPORTED_WARNINGS: usize = 200;

/// What an import found besides what it stored.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    /// Records not imported, by reason (`implausible_value:heart_rate`, `unmapped_type:HK…`).
    pub skipped: BTreeMap<String, u64>,
    /// Records of types the catalogue does not map, kept as read (`GET /api/v1/raw-records`), by type.
    pub raw: BTreeMap<String, u64>,
    pub warning_counts: BTreeMap<String, u64>,
    /// The first warnings, each with where it arose.
    pub warnings: Vec<ReportedWarning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ReportedWarning>,
    /// Rows a failed import had stored and that were removed again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolled_back: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded: Option<Superseded>,
}

/// The earlier import of the same file, read by older readers, that an import replaced.
#[derive(Debug, serde::Serialize)]
pub struct Superseded {
    pub import: String,
    /// Rows the earlier reading had stored that the new one did not read again, removed with it.
    pub removed: u64,
}

#[derive(Debug, serde::Serialize)]
pub struct ReportedWarning {
    pub code: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Report {
    pub(crate) fn skip(&mut self, reason: impl Into<String>, count: u64) {
        *self.skipped.entry(reason.into()).or_default() += count;
    }

    pub(crate) fn warn(&mut self, warnings: Vec<Warning>) {
        for w in warnings {
            *self.warning_counts.entry(w.code.to_owned()).or_default() += 1;
            if self.warnings.len() < MAX_REPORTED_WARNINGS {
                self.warnings.push(ReportedWarning {
                    code: w.code.to_owned(),
                    detail: w.detail,
                    location: Some(w.location.to_string()),
                });
            }
        }
    }
}

pub(crate) struct Writer<'a> {
    pub service: &'a ImportService,
    pub user: &'a UserId,
    pub import_id: &'a str,
    /// The earlier import of the same file that this one reads again and replaces.
    supersedes: Option<&'a str>,
    pub progress: ImportProgress,
    pub report: Report,
    sources: HashMap<SourceKey, i64>,
    last_source: Option<(SourceKey, i64)>,
    /// The user's time zones, read once per import (rollup marks need local days), with the periods
    /// they came from for the check at the end (see `finish`).
    zones: Option<(ZoneHistory, ZonePeriods)>,
    /// Whether floating samples (wall-clock times, see `ParsedSample::floating`) were stored: they were
    /// placed by `zones`, so a change of the history during the import must place them again.
    floating_stored: bool,
    /// The batch (of samples or raw records) being stored while the next one is read.
    storing: Option<tokio::task::JoinHandle<Result<Stored, StoreError>>>,
    /// Activities read and not yet stored (stored together, see `ACTIVITY_BATCH`).
    activities: Vec<NewActivity>,
    /// Activities of this import counted in this run: those it created, and those an earlier attempt
    /// of it created before its process stopped, each counted once (a second copy is a duplicate).
    counted: HashSet<ActivityId>,
}

/// What storing one batch added.
struct Stored {
    imported: u64,
    duplicates: u64,
}

/// How much of a recording an activity holds (see [`Completeness`]), from what is stored of it.
fn completeness(f: &ActivityFields) -> Completeness {
    let totals = [
        f.distance,
        f.energy,
        f.avg_heart_rate,
        f.max_heart_rate,
        f.elevation_gain,
    ];
    Completeness {
        recorded_until: f.end,
        has_totals: totals.iter().any(Option::is_some),
    }
}

/// Whether `item` holds more of the same recording than `stored` (same external id, same source, same
/// start): a file uploaded whole after a cut-off upload ends later, or carries the device's totals the
/// cut-off one lacked. Trashed activities and copies the user merged away are left alone, and so are
/// activities of another source (a session summary does not replace the recording it summarises).
fn more_complete(item: &NewActivity, stored: &ActivityRecord) -> bool {
    stored.deleted_at.is_none()
        && stored.merged_into.is_none()
        && item.source_id == stored.source_id
        && item.fields.start == stored.fields.start
        && completeness(&item.fields) > completeness(&stored.fields)
}

/// The stored fields of a workout a file gave, before validation: text cut to the store's lengths, the
/// moving time to the elapsed, and an end equal to the start (some apps keep the length only in the
/// duration) moved by the moving time.
pub fn activity_fields(a: &ParsedActivity) -> ActivityFields {
    let cut = |text: &Option<String>, max: usize| text.as_ref().map(|t| t.chars().take(max).collect());
    let end = match a.moving_time {
        Some(m) if a.end <= a.start && (1.0..14.0 * 86_400.0).contains(&m) => a
            .start
            .checked_add(jiff::SignedDuration::from_secs_f64(m))
            .unwrap_or(a.end),
        _ => a.end,
    };
    let mut fields = ActivityFields::new(a.activity_type, a.start, end);
    fields.offset_minutes = a.offset_minutes;
    fields.distance = a.distance;
    fields.energy = a.energy;
    fields.avg_heart_rate = a.avg_heart_rate;
    fields.max_heart_rate = a.max_heart_rate;
    fields.elevation_gain = a.elevation_gain;
    fields.moving_time = a.moving_time.map(|m| m.min(fields.duration() as f64));
    fields.title = cut(&a.title, wearhouse_model::activity::MAX_TITLE_CHARS);
    fields.notes = cut(&a.notes, wearhouse_model::activity::MAX_NOTES_CHARS);
    fields.private_notes = cut(&a.private_notes, wearhouse_model::activity::MAX_NOTES_CHARS);
    fields.gear = cut(&a.gear, wearhouse_model::activity::MAX_GEAR_CHARS);
    fields.commute = a.commute;
    fields.rpe = a.rpe;
    fields.laps = a.laps.clone();
    fields.sets = a.sets.clone();
    fields
}

/// Whether `item`, the same workout as `stored` read from another file, says something about it that
/// `stored` does not (a title, notes, gear, the commute flag, the effort), for a stored workout that is
/// neither trashed nor merged away.
fn fills_in(item: &NewActivity, stored: &ActivityRecord) -> bool {
    let (new, old) = (&item.fields, &stored.fields);
    stored.deleted_at.is_none()
        && stored.merged_into.is_none()
        && ((new.title.is_some() && old.title.is_none())
            || (new.notes.is_some() && old.notes.is_none())
            || (new.private_notes.is_some() && old.private_notes.is_none())
            || (new.gear.is_some() && old.gear.is_none())
            || (new.commute && !old.commute)
            || (new.rpe.is_some() && old.rpe.is_none()))
}

/// Activities stored per transaction: an Apple Health export lists hundreds of workouts in a row.
const ACTIVITY_BATCH: usize = 100;

/// A source as files name it: the provider, the device or app name, and whether it gives summaries.
type SourceKey = (&'static str, Option<String>, bool);

/// A device name's likely kind, so default priorities work for imported sources.
fn kind_of(name: &str, provider: Provider) -> DeviceKind {
    let n = name.to_ascii_lowercase();
    if n.contains("watch") || n.contains("forerunner") || n.contains("fenix") || n.contains("venu") {
        DeviceKind::Watch
    } else if n.contains("edge") || n.contains("elemnt") || n.contains("bolt") {
        DeviceKind::BikeComputer
    } else if n.contains("iphone") || n.contains("phone") || n.contains("pixel") || n.contains("galaxy") {
        DeviceKind::Phone
    } else if n.contains("ring") || n.contains("oura") {
        DeviceKind::Ring
    } else if n.contains("scale") || n.contains("body") {
        DeviceKind::Scale
    } else if matches!(
        provider,
        Provider::Garmin | Provider::Wahoo | Provider::Polar | Provider::Suunto
    ) {
        DeviceKind::Watch
    } else {
        DeviceKind::App
    }
}

impl<'a> Writer<'a> {
    pub fn new(
        service: &'a ImportService,
        user: &'a UserId,
        import_id: &'a str,
        supersedes: Option<&'a str>,
    ) -> Self {
        Self {
            service,
            user,
            import_id,
            supersedes,
            progress: ImportProgress::default(),
            report: Report::default(),
            sources: HashMap::new(),
            last_source: None,
            zones: None,
            floating_stored: false,
            storing: None,
            activities: Vec::new(),
            counted: HashSet::new(),
        }
    }

    async fn source(
        &mut self,
        provider: &'static str,
        name: Option<&str>,
        summary: bool,
    ) -> Result<i64, ServiceError> {
        // Records come in runs from one source: the last one answers most lookups without a key.
        if let Some(((p, n, s), id)) = &self.last_source {
            if *p == provider && n.as_deref() == name && *s == summary {
                return Ok(*id);
            }
        }
        let key = (provider, name.map(str::to_owned), summary);
        if let Some(id) = self.sources.get(&key) {
            self.last_source = Some((key, *id));
            return Ok(*id);
        }
        let provider_value: Provider = provider.parse().unwrap_or(Provider::Other);
        let fallback = match provider_value {
            Provider::AppleHealth => "Apple Health",
            Provider::Garmin => "Garmin",
            Provider::Fitbit => "Fitbit",
            Provider::GoogleFit => "Google Fit",
            _ => "Imported file",
        };
        let shown = name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or(fallback);
        let descriptor =
            SourceDescriptor::new(provider_value, kind_of(shown, provider_value), shown, None, None)
                .or_else(|_| SourceDescriptor::new(provider_value, DeviceKind::App, fallback, None, None))
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let descriptor = if summary {
            descriptor.summarising()
        } else {
            descriptor
        };
        let now = self.service.clock.now();
        let id = self
            .service
            .store
            .samples
            .ensure_source(self.user, &descriptor, now)
            .await?;
        self.sources.insert(key.clone(), id);
        self.last_source = Some((key, id));
        Ok(id)
    }

    /// The zone history the file's readers read wall-clock times in (stored as `periods`): floating
    /// samples keep the offsets it gave, and the end of the import checks it still holds.
    pub(crate) fn use_zones(&mut self, periods: ZonePeriods) {
        self.zones = Some((zone_history(periods.clone()), periods));
    }

    pub async fn samples(
        &mut self,
        provider: &'static str,
        samples: Vec<ParsedSample>,
    ) -> Result<(), ServiceError> {
        let zones = match self.zones.take() {
            Some(z) => z,
            None => {
                let periods = self.service.store.accounts.zone_history(self.user).await?;
                (zone_history(periods.clone()), periods)
            }
        };
        let mut rows = Vec::with_capacity(samples.len());
        for s in samples {
            let spec = s.metric.spec();
            if !(s.value.is_finite() && s.value >= spec.min && s.value <= spec.max) {
                self.report
                    .skip(format!("implausible_value:{}", s.metric.as_str()), 1);
                continue;
            }
            let (start, end) = (s.start.as_second(), s.end.as_second().max(s.start.as_second()));
            if end - start > crate::samples::MAX_INTERVAL.as_secs() {
                self.report
                    .skip(format!("interval_too_long:{}", s.metric.as_str()), 1);
                continue;
            }
            let name = s.source_name.as_deref().or(s.device.as_deref());
            let source_id = self.source(provider, name, s.summary).await?;
            // A floating sample keeps the offsets its wall-clock times were read at, so that a change
            // of the history can read them again (see `NewSample::floating_end_offset`).
            let (offset_minutes, floating_end_offset) = if s.floating {
                match (offset_at(&zones.0, s.start), offset_at(&zones.0, s.end)) {
                    (Some(at_start), Some(at_end)) => (Some(at_start), Some(at_end)),
                    _ => (s.offset_minutes, None),
                }
            } else {
                (s.offset_minutes, None)
            };
            self.floating_stored |= floating_end_offset.is_some();
            rows.push(NewSample {
                source_id,
                metric: s.metric,
                start,
                end,
                value: s.value,
                offset_minutes,
                floating_end_offset,
                external_id: s.external_id,
            });
        }
        if rows.is_empty() {
            self.zones = Some(zones);
            return Ok(());
        }
        let touched = days_touched(&zones.0, &rows);
        self.zones = Some(zones);
        // One batch is stored while the next is read and prepared.
        self.settle().await?;
        let (store, user, import_id) = (
            self.service.store.clone(),
            self.user.clone(),
            self.import_id.to_owned(),
        );
        let now = self.service.clock.now();
        self.storing = Some(tokio::spawn(async move {
            let inserted = store
                .samples
                .insert_samples(&user, &rows, &touched, now, Some(&import_id))
                .await?;
            Ok(Stored {
                imported: inserted,
                duplicates: rows.len() as u64 - inserted,
            })
        }));
        Ok(())
    }

    /// Waits for the batch being stored, if any, and counts what it stored. Called before anything
    /// else is written, so batches are stored in order and one at a time.
    async fn settle(&mut self) -> Result<(), ServiceError> {
        let Some(storing) = self.storing.take() else {
            return Ok(());
        };
        let stored = storing
            .await
            .map_err(|e| ServiceError::Internal(format!("storing a batch stopped: {e}")))??;
        self.progress.imported += stored.imported as i64;
        self.progress.duplicates += stored.duplicates as i64;
        Ok(())
    }

    pub async fn raw(
        &mut self,
        records: Vec<wearhouse_formats::apple_health::UnmappedRecord>,
    ) -> Result<(), ServiceError> {
        let rows: Vec<wearhouse_store::RawRecord> = records
            .into_iter()
            .map(|u| wearhouse_store::RawRecord {
                record_type: u.record_type,
                start: u.start.as_second(),
                end: u.end.as_second().max(u.start.as_second()),
                value: u.value.unwrap_or_default(),
                unit: u.unit.unwrap_or_default(),
                source_name: u.source_name.or(u.device).unwrap_or_default(),
            })
            .collect();
        for r in &rows {
            *self.report.raw.entry(r.record_type.clone()).or_default() += 1;
        }
        self.settle().await?;
        let (store, user, import_id) = (
            self.service.store.clone(),
            self.user.clone(),
            self.import_id.to_owned(),
        );
        self.storing = Some(tokio::spawn(async move {
            let inserted = store.raw.insert_raw(&user, Some(&import_id), &rows).await?;
            Ok(Stored {
                imported: 0,
                duplicates: rows.len() as u64 - inserted,
            })
        }));
        Ok(())
    }

    /// Keeps a route without times as a planned route, once per content, and says so in the report:
    /// the file gave no workout, and its user should learn where the route went.
    pub async fn route(&mut self, route: wearhouse_formats::PlannedRoute) -> Result<(), ServiceError> {
        use sha2::Digest;
        let points: Vec<(f64, f64, Option<f64>)> =
            route.points.iter().map(|p| (p.lat, p.lon, p.elevation)).collect();
        let points = serde_json::to_string(&points)
            .map_err(|e| ServiceError::Internal(format!("a route's points: {e}")))?;
        let content_key: String = sha2::Sha256::digest(points.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.settle().await?;
        let new = wearhouse_store::NewPlannedRoute {
            id: wearhouse_model::RouteId::generate(),
            content_key,
            name: route.name.clone(),
            description: route.description,
            distance: route.distance,
            elevation_gain: route.elevation_gain,
            point_count: i64::try_from(route.points.len()).unwrap_or(i64::MAX),
            points,
            created_at: self.service.clock.now(),
        };
        let stored = self
            .service
            .store
            .routes
            .insert_planned_route(self.user, Some(self.import_id), &new)
            .await?;
        if !stored {
            self.progress.duplicates += 1;
            return Ok(());
        }
        let name = route
            .name
            .map_or_else(|| "a route".to_owned(), |n| format!("the route '{n}'"));
        self.report.warn(vec![Warning {
            code: "kept_as_route",
            detail: format!(
                "{name} ({:.1} km) has no times: it is a plan, not a workout, and was kept as route {}",
                new.distance / 1000.0,
                new.id
            ),
            location: wearhouse_formats::Location::Byte(0),
        }]);
        Ok(())
    }

    pub async fn activity(
        &mut self,
        provider: &'static str,
        format: &'static str,
        a: ParsedActivity,
        source_name: Option<String>,
    ) -> Result<(), ServiceError> {
        let fields = activity_fields(&a);
        if let Err(e) = fields.validate() {
            self.report.skip(format!("invalid_activity:{}", e.code), 1);
            return Ok(());
        }
        let streams = Some(a.streams).filter(|s| !s.is_empty() && s.validate().is_ok());
        // Files without ids are keyed by what they recorded, so a re-import finds the same activity.
        let external_id = a.external_id.unwrap_or_else(|| {
            format!(
                "{format}:{}:{}",
                fields.activity_type.as_str(),
                fields.start.as_second()
            )
        });
        let source_id = self
            .source(provider, source_name.as_deref().or(a.device.as_deref()), false)
            .await?;
        let item = NewActivity {
            id: ActivityId::generate(),
            fields,
            source_id: Some(source_id),
            external_id: Some(external_id.chars().take(255).collect()),
            streams,
            import_id: Some(self.import_id.to_owned()),
        };
        self.activities.push(item);
        if self.activities.len() >= ACTIVITY_BATCH {
            self.store_activities().await?;
        }
        Ok(())
    }

    /// Stores the activities collected so far, in one transaction.
    async fn store_activities(&mut self) -> Result<(), ServiceError> {
        if self.activities.is_empty() {
            return Ok(());
        }
        self.settle().await?;
        let items = std::mem::take(&mut self.activities);
        let now = self.service.clock.now();
        let created = self
            .service
            .store
            .activities
            .create_activities(self.user, &items, now)
            .await?;
        for (created, item) in created.into_iter().zip(&items) {
            match created {
                Created::New(stored) => {
                    self.counted.insert(stored.id);
                    self.progress.activities += 1;
                }
                // Stored by an earlier attempt of this import, cut short by a stopped process: its own.
                Created::Existing(stored)
                    if stored.import_id.as_deref() == Some(self.import_id)
                        && self.counted.insert(stored.id.clone()) =>
                {
                    self.progress.activities += 1;
                }
                // Read again from the same file: the new reading replaces the old one's.
                Created::Existing(stored)
                    if stored.import_id.is_some() && stored.import_id.as_deref() == self.supersedes =>
                {
                    self.take_over(item, &stored).await?;
                    self.progress.duplicates += 1;
                }
                Created::Existing(stored) if more_complete(item, &stored) => {
                    if self.replace_recording(item, &stored, false).await? {
                        self.progress.activities += 1;
                    } else {
                        self.progress.duplicates += 1;
                    }
                }
                Created::Existing(stored) if fills_in(item, &stored) => {
                    self.fill_in(item, &stored).await?;
                    self.progress.duplicates += 1;
                }
                Created::Existing(_) => self.progress.duplicates += 1,
            }
        }
        Ok(())
    }

    /// Takes over an activity the import this one supersedes wrote: it gets the new reading, unless it
    /// holds more of the recording than the new reading does (a complete upload replaced it), and passes
    /// to this import either way, so retiring the old import leaves it.
    async fn take_over(&mut self, item: &NewActivity, stored: &ActivityRecord) -> Result<(), ServiceError> {
        let keeps_more = completeness(&stored.fields) > completeness(&item.fields);
        if keeps_more || !self.replace_recording(item, stored, true).await? {
            self.service
                .store
                .activities
                .adopt_activity(self.user, &stored.id, self.import_id)
                .await?;
        }
        Ok(())
    }

    /// Gives a stored workout what another service wrote about it and it lacks (a FIT file uploaded
    /// first, then the Strava export whose row names the same recording: its title, notes, gear,
    /// commute flag). Words the user wrote in Wearhouse stay; a concurrent edit wins.
    async fn fill_in(&mut self, item: &NewActivity, stored: &ActivityRecord) -> Result<(), ServiceError> {
        let revisions = self
            .service
            .store
            .activities
            .revisions(self.user, &stored.id)
            .await?;
        if revisions.iter().any(|r| r.change == RevisionChange::Update) {
            return Ok(());
        }
        let (new, mut fields) = (&item.fields, stored.fields.clone());
        fields.title = fields.title.or_else(|| new.title.clone());
        fields.notes = fields.notes.or_else(|| new.notes.clone());
        fields.private_notes = fields.private_notes.or_else(|| new.private_notes.clone());
        fields.gear = fields.gear.or_else(|| new.gear.clone());
        fields.commute |= new.commute;
        fields.rpe = fields.rpe.or(new.rpe);
        let now = self.service.clock.now();
        let result = self
            .service
            .store
            .activities
            .update_activity(self.user, &stored.id, stored.revision, &fields, now)
            .await;
        match result {
            Ok(_) | Err(StoreError::Conflict { .. } | StoreError::NotFound) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Gives a stored activity the copy of its recording that this import read: a more complete one, or
    /// (`take_over`) a newer reading of the file it came from, which the activity then passes to. A
    /// reading without laps or streams keeps the stored ones, and if the user edited the activity, its
    /// title, notes, visibility and type stay as they left them. `false` when the user changed or
    /// deleted the activity meanwhile: their version stands.
    async fn replace_recording(
        &mut self,
        item: &NewActivity,
        stored: &ActivityRecord,
        take_over: bool,
    ) -> Result<bool, ServiceError> {
        let mut fields = item.fields.clone();
        if fields.laps.is_empty() {
            fields.laps.clone_from(&stored.fields.laps);
        }
        let revisions = self
            .service
            .store
            .activities
            .revisions(self.user, &stored.id)
            .await?;
        if revisions.iter().any(|r| r.change == RevisionChange::Update) {
            fields.title.clone_from(&stored.fields.title);
            fields.notes.clone_from(&stored.fields.notes);
            fields.private_notes.clone_from(&stored.fields.private_notes);
            fields.gear.clone_from(&stored.fields.gear);
            fields.commute = stored.fields.commute;
            fields.rpe = stored.fields.rpe;
            fields.visibility = stored.fields.visibility;
            fields.activity_type = stored.fields.activity_type;
        }
        let now = self.service.clock.now();
        let result = self
            .service
            .store
            .activities
            .replace_recording(
                self.user,
                &stored.id,
                stored.revision,
                &Recording {
                    fields: &fields,
                    streams: item.streams.as_ref(),
                    import_id: take_over.then_some(self.import_id),
                },
                now,
            )
            .await;
        match result {
            Ok(_) => Ok(true),
            // The user changed or deleted it meanwhile: their version stands.
            Err(StoreError::Conflict { .. } | StoreError::NotFound) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Stores everything still held or in flight. Called at the end of the import, also when it
    /// failed (a rollback must not race a batch still being written).
    pub async fn finish(&mut self) -> Result<(), ServiceError> {
        self.store_activities().await?;
        self.settle().await?;
        // A change of the time zones during the import did not mark the days of what was stored
        // after it (they were marked under the periods read at the start).
        if let Some((_, periods)) = &self.zones {
            self.service
                .rollups
                .recheck_zones(self.user, periods, self.floating_stored)
                .await?;
        }
        Ok(())
    }
}

/// The UTC offset `history` gives at `instant`, in whole minutes (`None` for a zone whose offset then
/// was not whole minutes: local mean time before the 1900s).
fn offset_at(history: &ZoneHistory, instant: jiff::Timestamp) -> Option<i16> {
    let seconds = history.zone_at(instant).to_offset(instant).seconds();
    if seconds % 60 != 0 {
        return None;
    }
    i16::try_from(seconds / 60).ok()
}
