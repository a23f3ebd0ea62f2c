//! The writing half of an import: validates what the reader produced, resolves sources, and stores
//! samples and activities tagged with the import, counting what was new, duplicate or skipped.

use std::collections::{BTreeMap, HashMap};

use wearhouse_formats::{ParsedActivity, ParsedSample, Warning};
use wearhouse_model::{ActivityFields, ActivityId, DeviceKind, Provider, SourceDescriptor, UserId};
use wearhouse_store::{Created, ImportProgress, NewActivity, NewSample};

use super::ImportService;
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
    pub progress: ImportProgress,
    pub report: Report,
    sources: HashMap<(&'static str, Option<String>), i64>,
}

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
    pub fn new(service: &'a ImportService, user: &'a UserId, import_id: &'a str) -> Self {
        Self {
            service,
            user,
            import_id,
            progress: ImportProgress::default(),
            report: Report::default(),
            sources: HashMap::new(),
        }
    }

    async fn source(&mut self, provider: &'static str, name: Option<&str>) -> Result<i64, ServiceError> {
        let key = (provider, name.map(str::to_owned));
        if let Some(id) = self.sources.get(&key) {
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
        let now = self.service.clock.now();
        let id = self
            .service
            .store
            .samples
            .ensure_source(self.user, &descriptor, now)
            .await?;
        self.sources.insert(key, id);
        Ok(id)
    }

    pub async fn samples(
        &mut self,
        provider: &'static str,
        samples: Vec<ParsedSample>,
    ) -> Result<(), ServiceError> {
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
            let source_id = self.source(provider, name).await?;
            rows.push(NewSample {
                source_id,
                metric: s.metric,
                start,
                end,
                value: s.value,
                offset_minutes: s.offset_minutes,
                external_id: s.external_id,
            });
        }
        if rows.is_empty() {
            return Ok(());
        }
        let touched = self.service.rollups.touched_days(self.user, &rows).await?;
        let now = self.service.clock.now();
        let inserted = self
            .service
            .store
            .samples
            .insert_samples(self.user, &rows, &touched, now, Some(self.import_id))
            .await?;
        self.progress.imported += inserted as i64;
        self.progress.duplicates += rows.len() as i64 - inserted as i64;
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
        let inserted = self
            .service
            .store
            .raw
            .insert_raw(self.user, Some(self.import_id), &rows)
            .await?;
        self.progress.duplicates += rows.len() as i64 - inserted as i64;
        Ok(())
    }

    pub async fn activity(
        &mut self,
        provider: &'static str,
        format: &'static str,
        a: ParsedActivity,
        source_name: Option<String>,
    ) -> Result<(), ServiceError> {
        // Some apps write equal start and end dates and keep the length only in the duration.
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
        fields.title = a.title.map(|t| {
            t.chars()
                .take(wearhouse_model::activity::MAX_TITLE_CHARS)
                .collect()
        });
        fields.notes = a.notes.map(|t| {
            t.chars()
                .take(wearhouse_model::activity::MAX_NOTES_CHARS)
                .collect()
        });
        fields.laps = a.laps;
        fields.sets = a.sets;
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
            .source(provider, source_name.as_deref().or(a.device.as_deref()))
            .await?;
        let item = NewActivity {
            id: ActivityId::generate(),
            fields,
            source_id: Some(source_id),
            external_id: Some(external_id.chars().take(255).collect()),
            streams,
            import_id: Some(self.import_id.to_owned()),
        };
        let now = self.service.clock.now();
        match self
            .service
            .store
            .activities
            .create_activities(self.user, &[item], now)
            .await?
            .pop()
        {
            Some(Created::New(_)) => self.progress.activities += 1,
            _ => self.progress.duplicates += 1,
        }
        Ok(())
    }
}
