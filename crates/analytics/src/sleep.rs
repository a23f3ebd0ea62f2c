//! Sleep sessions from sleep-stage samples.
//!
//! Stage samples from several sources (a watch's stages, a phone's in-bed period, a ring's night) are
//! merged by time slice like every other metric: in each slice the best-ranked source's stage counts.
//! In-bed periods are a separate layer (a phone reports in-bed *around* a watch's stages, not instead of
//! them). Samples closer than [`SESSION_GAP_SECS`] form one session, which belongs to the local day on
//! which it ends.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::Timestamp;
use wearhouse_model::SleepStage;

use crate::{sleep_date, ZoneHistory};

/// Samples separated by more than an hour belong to different sessions (a night and an afternoon nap).
pub const SESSION_GAP_SECS: i64 = 3600;

/// One sleep-stage sample: `[start, end)` in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StageInterval {
    pub start: i64,
    pub end: i64,
    pub stage: SleepStage,
    pub source: u32,
    /// Lower wins; ties go to the lower source id.
    pub rank: u32,
    pub offset_minutes: Option<i16>,
}

/// A night (or nap) with its derived totals, all in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct SleepSession {
    pub start: i64,
    pub end: i64,
    /// The local day it counts for: the day it ends.
    pub date: Date,
    /// Time in bed: the in-bed samples' span when there are any, else the session's.
    pub in_bed: f64,
    /// Time in any sleep stage.
    pub asleep: f64,
    pub awake: f64,
    /// Seconds per stage, for the stages present (asleep-unspecified, core, deep, rem, awake).
    pub stages: BTreeMap<SleepStage, f64>,
    /// Asleep ÷ in bed, 0–1.
    pub efficiency: f64,
    /// Sources whose samples made the session, ascending.
    pub sources: Vec<u32>,
    /// The merged stages in order, without gaps between touching pieces of one stage: the night's
    /// hypnogram. Their lengths per stage are `stages`.
    pub hypnogram: Vec<StagePiece>,
}

/// Totals of the sessions ending on one local day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SleepDay {
    pub sessions: u32,
    pub in_bed: f64,
    pub asleep: f64,
    pub awake: f64,
    pub stages: BTreeMap<SleepStage, f64>,
}

impl SleepDay {
    pub fn add(&mut self, s: &SleepSession) {
        self.sessions += 1;
        self.in_bed += s.in_bed;
        self.asleep += s.asleep;
        self.awake += s.awake;
        for (stage, secs) in &s.stages {
            *self.stages.entry(*stage).or_default() += secs;
        }
    }

    /// Combines days into a period's totals.
    pub fn combine(&mut self, other: &SleepDay) {
        self.sessions += other.sessions;
        self.in_bed += other.in_bed;
        self.asleep += other.asleep;
        self.awake += other.awake;
        for (stage, secs) in &other.stages {
            *self.stages.entry(*stage).or_default() += secs;
        }
    }

    pub fn efficiency(&self) -> Option<f64> {
        (self.in_bed > 0.0).then(|| (self.asleep / self.in_bed).min(1.0))
    }
}

/// A slice of a night's merged stages (Unix seconds): what a hypnogram draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StagePiece {
    pub start: i64,
    pub end: i64,
    pub stage: SleepStage,
}

/// Sweeps the stage samples: in each slice between boundaries the best-ranked active sample wins.
fn merge_stages(stages: &[StageInterval]) -> Vec<StagePiece> {
    let mut bounds: Vec<i64> = stages.iter().flat_map(|s| [s.start, s.end]).collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut order: Vec<&StageInterval> = stages.iter().collect();
    order.sort_by_key(|s| s.start);
    let mut active: Vec<&StageInterval> = Vec::new();
    let mut next = 0;
    let mut pieces: Vec<StagePiece> = Vec::new();
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        while next < order.len() && order[next].start <= a {
            active.push(order[next]);
            next += 1;
        }
        active.retain(|s| s.end > a);
        let Some(best) = active.iter().min_by_key(|s| (s.rank, s.source)) else {
            continue;
        };
        match pieces.last_mut() {
            Some(p) if p.end == a && p.stage == best.stage => p.end = b,
            _ => pieces.push(StagePiece {
                start: a,
                end: b,
                stage: best.stage,
            }),
        }
    }
    pieces
}

/// Total length of the union of intervals.
fn union_length(mut spans: Vec<(i64, i64)>) -> i64 {
    spans.sort_unstable();
    let mut total = 0;
    let mut current: Option<(i64, i64)> = None;
    for (s, e) in spans {
        match &mut current {
            Some((_, ce)) if s <= *ce => *ce = (*ce).max(e),
            _ => {
                if let Some((cs, ce)) = current {
                    total += ce - cs;
                }
                current = Some((s, e));
            }
        }
    }
    total + current.map_or(0, |(s, e)| e - s)
}

/// The sleep sessions in `samples`, in time order.
pub fn sleep_sessions(samples: &[StageInterval], zones: &ZoneHistory) -> Vec<SleepSession> {
    let mut sorted: Vec<StageInterval> = samples.iter().copied().filter(|s| s.end > s.start).collect();
    sorted.sort_by_key(|s| (s.start, s.end));
    // Cluster by gaps.
    let mut clusters: Vec<Vec<StageInterval>> = Vec::new();
    let mut cluster_end = i64::MIN;
    for s in sorted {
        match clusters.last_mut() {
            Some(c) if s.start <= cluster_end.saturating_add(SESSION_GAP_SECS) => {
                c.push(s);
                cluster_end = cluster_end.max(s.end);
            }
            _ => {
                clusters.push(vec![s]);
                cluster_end = s.end;
            }
        }
    }
    clusters
        .into_iter()
        .map(|cluster| {
            let start = cluster.iter().map(|s| s.start).min().unwrap_or_default();
            let last = cluster.iter().max_by_key(|s| s.end).copied();
            let end = last.map_or(start, |s| s.end);
            let in_bed_spans: Vec<(i64, i64)> = cluster
                .iter()
                .filter(|s| s.stage == SleepStage::InBed)
                .map(|s| (s.start, s.end))
                .collect();
            let stage_samples: Vec<StageInterval> = cluster
                .iter()
                .copied()
                .filter(|s| s.stage != SleepStage::InBed)
                .collect();
            let mut stages: BTreeMap<SleepStage, f64> = BTreeMap::new();
            let hypnogram = merge_stages(&stage_samples);
            for p in &hypnogram {
                *stages.entry(p.stage).or_default() += (p.end - p.start) as f64;
            }
            let asleep: f64 = stages.iter().filter(|(s, _)| s.is_asleep()).map(|(_, v)| v).sum();
            let awake = stages.get(&SleepStage::Awake).copied().unwrap_or(0.0);
            let in_bed = if in_bed_spans.is_empty() {
                (end - start) as f64
            } else {
                union_length(in_bed_spans) as f64
            };
            let mut sources: Vec<u32> = cluster.iter().map(|s| s.source).collect();
            sources.sort_unstable();
            sources.dedup();
            let offset = last
                .and_then(|s| s.offset_minutes)
                .and_then(|m| Offset::from_seconds(i32::from(m) * 60).ok());
            let end_instant = Timestamp::from_second(end).unwrap_or(Timestamp::UNIX_EPOCH);
            SleepSession {
                start,
                end,
                date: sleep_date(end_instant, offset, zones),
                in_bed,
                asleep,
                awake,
                efficiency: if in_bed > 0.0 {
                    (asleep / in_bed).min(1.0)
                } else {
                    0.0
                },
                stages,
                sources,
                hypnogram,
            }
        })
        .collect()
}

/// Per-day totals of the sessions, keyed by the day each ends on.
pub fn daily_sleep(sessions: &[SleepSession]) -> BTreeMap<Date, SleepDay> {
    let mut days: BTreeMap<Date, SleepDay> = BTreeMap::new();
    for s in sessions {
        days.entry(s.date).or_default().add(s);
    }
    days
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    use super::*;

    fn at(hhmm: &str, day: i8) -> i64 {
        let (h, m) = hhmm.split_once(':').unwrap();
        date(2026, 3, day)
            .at(h.parse().unwrap(), m.parse().unwrap(), 0, 0)
            .to_zoned(TimeZone::get("Europe/Berlin").unwrap())
            .unwrap()
            .timestamp()
            .as_second()
    }

    fn stage(from: (&str, i8), to: (&str, i8), stage: SleepStage, source: u32, rank: u32) -> StageInterval {
        StageInterval {
            start: at(from.0, from.1),
            end: at(to.0, to.1),
            stage,
            source,
            rank,
            offset_minutes: None,
        }
    }

    fn berlin() -> ZoneHistory {
        ZoneHistory::fixed(TimeZone::get("Europe/Berlin").unwrap())
    }

    #[test]
    fn a_night_across_midnight_counts_for_the_day_it_ends_with_stage_totals() {
        use SleepStage::*;
        let night = [
            // The phone's in-bed period around the watch's stages.
            stage(("22:30", 9), ("06:45", 10), InBed, 2, 5),
            stage(("23:00", 9), ("01:00", 10), Core, 1, 1),
            stage(("01:00", 10), ("02:30", 10), Deep, 1, 1),
            stage(("02:30", 10), ("02:45", 10), Awake, 1, 1),
            stage(("02:45", 10), ("06:30", 10), Rem, 1, 1),
        ];
        let sessions = sleep_sessions(&night, &berlin());
        assert_eq!(sessions.len(), 1);
        let s = &sessions[0];
        assert_eq!(s.date, date(2026, 3, 10));
        assert_eq!(s.in_bed, 8.25 * 3600.0);
        assert_eq!(s.stages[&Core], 2.0 * 3600.0);
        assert_eq!(s.stages[&Deep], 1.5 * 3600.0);
        assert_eq!(s.stages[&Rem], 3.75 * 3600.0);
        assert_eq!(s.awake, 0.25 * 3600.0);
        assert_eq!(s.asleep, 7.25 * 3600.0);
        assert!((s.efficiency - 7.25 / 8.25).abs() < 1e-12);
        assert_eq!(s.sources, [1, 2]);
    }

    #[test]
    fn overlapping_sources_are_not_double_counted() {
        use SleepStage::*;
        // A ring and a watch both record the same night; the watch ranks higher.
        let samples = [
            stage(("23:00", 9), ("07:00", 10), Asleep, 3, 4),
            stage(("23:30", 9), ("03:00", 10), Core, 1, 1),
            stage(("03:00", 10), ("06:00", 10), Deep, 1, 1),
        ];
        let s = &sleep_sessions(&samples, &berlin())[0];
        // Ring fills 23:00–23:30 and 06:00–07:00 where the watch has nothing.
        assert_eq!(s.stages[&Asleep], 1.5 * 3600.0);
        assert_eq!(s.asleep, 8.0 * 3600.0, "naive sum would be 14.5 h");
        assert_eq!(s.in_bed, 8.0 * 3600.0);
        // The hypnogram: the ring where the watch has nothing, the watch's stages elsewhere.
        let piece = |a: (&str, i8), b: (&str, i8), stage| StagePiece {
            start: at(a.0, a.1),
            end: at(b.0, b.1),
            stage,
        };
        assert_eq!(
            s.hypnogram,
            [
                piece(("23:00", 9), ("23:30", 9), Asleep),
                piece(("23:30", 9), ("03:00", 10), Core),
                piece(("03:00", 10), ("06:00", 10), Deep),
                piece(("06:00", 10), ("07:00", 10), Asleep),
            ]
        );
    }

    #[test]
    fn a_nap_is_its_own_session_and_both_add_to_the_day() {
        use SleepStage::*;
        let samples = [
            stage(("23:00", 9), ("07:00", 10), Asleep, 1, 1),
            stage(("14:00", 10), ("14:30", 10), Asleep, 1, 1),
        ];
        let sessions = sleep_sessions(&samples, &berlin());
        assert_eq!(sessions.len(), 2);
        let days = daily_sleep(&sessions);
        let day = &days[&date(2026, 3, 10)];
        assert_eq!(day.sessions, 2);
        assert_eq!(day.asleep, 8.5 * 3600.0);
    }

    #[test]
    fn the_dst_night_is_seven_hours_not_eight() {
        // 29 March 2026: Berlin springs forward at 02:00; 23:00 to 07:00 local is 7 hours.
        let s = &sleep_sessions(
            &[stage(("23:00", 28), ("07:00", 29), SleepStage::Asleep, 1, 1)],
            &berlin(),
        )[0];
        assert_eq!(s.asleep, 7.0 * 3600.0);
        assert_eq!(s.date, date(2026, 3, 29));
    }
}
