//! One `<Record>`: reading its attributes into a sample or an unmapped record, and finishing it once
//! its children (the `HKTimeZone` metadata) have been seen, with correlation copies dropped.

use std::hash::{Hash, Hasher};
use std::io::BufRead;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use wearhouse_model::Metric;

use crate::ParsedSample;

use super::cache::{TypeEntry, MAX_DEDUP_KEYS};
use super::mapping::{self, TypeKind};
use super::scan::{Scanner, Tag};
use super::state::{lossy, number, offset_minutes, timestamp, Pending, State};
use super::text::{clean_string, decoded, read_decoded};
use super::{HealthRecord, UnmappedRecord};

/// What a record's `value` became.
#[derive(Debug)]
pub(super) enum Body {
    Sample(Metric, f64),
    Unmapped {
        type_index: usize,
        unit: Option<String>,
        value: Option<String>,
    },
}

/// A `<Record>` read from its start tag, waiting for `</Record>`: an `HKTimeZone` may still come.
#[derive(Debug)]
pub(super) struct PendingRecord {
    pub(super) body: Body,
    pub(super) start: Timestamp,
    pub(super) end: Timestamp,
    pub(super) source_name: Option<String>,
    pub(super) device: Option<String>,
    pub(super) time_zone: Option<TimeZone>,
    pub(super) dedup_key: Option<u64>,
    pub(super) in_correlation: bool,
}

/// A record's natural key (type, source, dates, unit, value as written) as a 64-bit hash: two records
/// with the same key are the same HealthKit sample written twice.
pub(super) fn dedup_key(parts: [&[u8]; 6]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for part in parts {
        part.hash(&mut hasher);
    }
    hasher.finish()
}

impl State {
    /// Counts an unreadable record; an open one swallows its children until `</Record>`.
    pub(super) fn skip_record(&mut self, empty: bool) -> Option<HealthRecord> {
        self.counts.skipped += 1;
        if !empty {
            self.pending = Some(Pending::Skip);
        }
        None
    }

    pub(super) fn start_record<R: BufRead>(
        &mut self,
        scan: &Scanner<R>,
        tag: &Tag,
        empty: bool,
    ) -> Option<HealthRecord> {
        let (mut ty, mut source, mut unit, mut value, mut start, mut end, mut device, mut zone) =
            (None, None, None, None, None, None, None, None);
        let (mut source_at, mut value_at, mut start_at, mut end_at, mut zone_at) = (0, 0, 0, 0, 0);
        for a in scan.attrs() {
            let v = Some(scan.bytes(&a.value));
            match scan.bytes(&a.name) {
                b"type" => ty = v,
                b"sourceName" | b"source" => (source, source_at) = (v, a.value_offset),
                b"unit" => unit = v,
                b"value" => (value, value_at) = (v, a.value_offset),
                b"startDate" => (start, start_at) = (v, a.value_offset),
                b"endDate" => (end, end_at) = (v, a.value_offset),
                b"device" => device = v,
                // iOS 8 wrote metadata as attributes.
                b"HKTimeZone" => (zone, zone_at) = (v, a.value_offset),
                _ => {}
            }
        }
        let Some(ty) = ty.filter(|t| !t.is_empty()) else {
            self.diag.warn("missing_type", tag.offset, || {
                "a Record without a type was skipped".to_owned()
            });
            return self.skip_record(empty);
        };
        let type_index = self.caches.types.index(ty, |raw| TypeEntry {
            info: mapping::classify(&decoded(raw)),
            name: clean_string(raw).0,
        });
        let Some(info) = self.caches.types.value(type_index).map(|e| e.info) else {
            return self.skip_record(empty);
        };
        let Some(start_ts) = timestamp(start) else {
            let at = if start.is_some() { start_at } else { tag.offset };
            self.diag.warn("unparsable_date", at, || {
                format!(
                    "a Record's startDate {:?} is not a date; the record was skipped",
                    lossy(start)
                )
            });
            return self.skip_record(empty);
        };
        let Some(end_ts) = timestamp(end) else {
            let at = if end.is_some() { end_at } else { tag.offset };
            self.diag.warn("unparsable_date", at, || {
                format!(
                    "a Record's endDate {:?} is not a date; the record was skipped",
                    lossy(end)
                )
            });
            return self.skip_record(empty);
        };
        if end_ts < start_ts {
            self.diag.warn("end_before_start", tag.offset, || {
                "a Record ends before it starts; the record was skipped".to_owned()
            });
            return self.skip_record(empty);
        }
        let source_name = source.map(|raw| self.source(raw, source_at));
        let device = device.and_then(|raw| self.caches.device(raw));
        let time_zone = zone.and_then(|raw| self.zone(raw, zone_at));
        let mut average = None;
        let parsed = match info.kind {
            TypeKind::Quantity(metric) => {
                // A `value`, when present, wins. Without one, iOS 8's `average` stands in (see
                // `reads_average_as_value`), looked up only then: one more name in the loop above
                // costs every attribute of every record a comparison (0.3 % of the instructions).
                let mut reading = value;
                if value.is_none() && mapping::reads_average_as_value(metric) {
                    average = scan
                        .attrs()
                        .iter()
                        .find(|a| scan.bytes(&a.name) == b"average")
                        .map(|a| (scan.bytes(&a.value), a.value_offset));
                    reading = average.map(|(v, _)| v);
                }
                match (number(reading), unit.and_then(|u| self.caches.unit(metric, u))) {
                    (Some(v), Some(unit)) => Some((metric, mapping::to_canonical(metric, unit, v))),
                    (None, _) => {
                        let (at, attribute) = match (average, reading) {
                            (Some((_, at)), _) => (at, "average"),
                            (None, Some(_)) => (value_at, "value"),
                            (None, None) => (tag.offset, "value"),
                        };
                        self.diag.warn("unparsable_value", at, || match reading {
                            Some(_) => format!(
                                "{attribute} {:?} is not a number; the record is kept unmapped",
                                lossy(reading)
                            ),
                            None => format!(
                                "a record of {} has no value; it is kept unmapped",
                                metric.as_str()
                            ),
                        });
                        None
                    }
                    (Some(_), None) => {
                        self.diag.warn("unconvertible_unit", tag.offset, || {
                            format!(
                                "unit {:?} does not fit {}; the record is kept unmapped",
                                lossy(unit.map(decoded).as_deref()),
                                metric.as_str()
                            )
                        });
                        None
                    }
                }
            }
            TypeKind::Sleep => self.category(value, value_at, Metric::Sleep, |v| {
                mapping::sleep_stage(v).map(|s| f64::from(s.code()))
            }),
            TypeKind::StandHour => self.category(value, value_at, Metric::StandHours, mapping::stand_hours),
            TypeKind::Mindful => {
                let seconds = (end_ts.as_second() - start_ts.as_second()) as f64;
                Some((Metric::MindfulMinutes, seconds / 60.0))
            }
            TypeKind::Unmapped => None,
        };
        let body = match parsed {
            Some((metric, v)) => Body::Sample(metric, v),
            None => Body::Unmapped {
                type_index,
                unit: unit.map(|u| self.clean(u, tag.offset)),
                value: value.map(|v| self.clean(v, value_at)),
            },
        };
        let dedup_key = info.correlation_member.then(|| {
            dedup_key([
                ty,
                source.unwrap_or_default(),
                start.unwrap_or_default(),
                end.unwrap_or_default(),
                unit.unwrap_or_default(),
                value.or(average.map(|(v, _)| v)).unwrap_or_default(),
            ])
        });
        let record = PendingRecord {
            body,
            start: start_ts,
            end: end_ts,
            source_name,
            device,
            time_zone,
            dedup_key,
            in_correlation: self.correlation.is_some(),
        };
        if empty {
            self.finish_record(record)
        } else {
            self.pending = Some(Pending::Record(record));
            None
        }
    }

    pub(super) fn category(
        &mut self,
        value: Option<&[u8]>,
        value_at: u64,
        metric: Metric,
        map: impl Fn(&[u8]) -> Option<f64>,
    ) -> Option<(Metric, f64)> {
        let mapped = value.and_then(|v| read_decoded(v, &map));
        if mapped.is_none() {
            self.diag.warn("unknown_category_value", value_at, || {
                format!(
                    "{} value {:?} is unknown; the record is kept unmapped",
                    metric.as_str(),
                    lossy(value)
                )
            });
        }
        mapped.map(|v| (metric, v))
    }

    pub(super) fn finish_pending(&mut self) -> Option<HealthRecord> {
        match self.pending.take()? {
            Pending::Record(record) => self.finish_record(record),
            Pending::Skip => None,
        }
    }

    pub(super) fn finish_record(&mut self, record: PendingRecord) -> Option<HealthRecord> {
        if let Some(key) = record.dedup_key {
            let dedup = &mut self.dedup;
            let (seen, mine) = if record.in_correlation {
                (&dedup.top_level, &mut dedup.in_correlation)
            } else {
                (&dedup.in_correlation, &mut dedup.top_level)
            };
            if seen.contains(&key) {
                self.counts.correlation_duplicates += 1;
                return None;
            }
            if mine.len() < MAX_DEDUP_KEYS {
                mine.insert(key);
            } else if !dedup.full_reported {
                dedup.full_reported = true;
                self.diag.warn("dedup_capacity", 0, || {
                    format!(
                        "more than {MAX_DEDUP_KEYS} correlation records: later duplicates are not suppressed"
                    )
                });
            }
        }
        let zone = record
            .time_zone
            .as_ref()
            .or(self.correlation.as_ref().and_then(|c| c.time_zone.as_ref()));
        let offset_minutes = offset_minutes(zone, record.start);
        Some(match record.body {
            Body::Sample(metric, value) => HealthRecord::Sample(ParsedSample {
                metric,
                start: record.start,
                end: record.end,
                value,
                offset_minutes,
                source_name: record.source_name,
                device: record.device,
                external_id: None,
                summary: false,
                floating: false,
            }),
            Body::Unmapped {
                type_index,
                unit,
                value,
            } => HealthRecord::Unmapped(UnmappedRecord {
                record_type: self
                    .caches
                    .types
                    .value(type_index)
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
                unit,
                value,
                start: record.start,
                end: record.end,
                offset_minutes,
                source_name: record.source_name,
                device: record.device,
            }),
        })
    }
}
