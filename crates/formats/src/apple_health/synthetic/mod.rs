//! A deterministic, realistic `export.xml` of N days for benchmarks and tests: an iPhone and an Apple
//! Watch writing overlapping steps and distance, heart rate every few minutes (every few seconds in a
//! workout), energy, stand hours, sleep stages at night, weekly body measurements, blood-pressure
//! correlations (with the top-level copies real exports have), a workout most days with statistics,
//! events and a route file, and an activity summary per day. About 1,640 records and 670 kB per day, so
//! 365 days come to the ~600,000 records and ~245 MB of a heavy user's year.
//!
//! Like real exports, dates are stamped with the offset of the export moment (the user lives in
//! Europe/Berlin and exported in winter, so summer records say `+0100` although they were measured at
//! `+0200`), and records come grouped by type. Randomness is a splitmix64 seeded per (type, day), so
//! output depends only on `days` and `seed`; no `rand` dependency needed.

// `x % n == 0` rather than `is_multiple_of`, which needs Rust 1.87; the workspace supports 1.85.
#![allow(clippy::manual_is_multiple_of)]

mod records;
mod workouts;
mod writer;

use std::collections::BTreeMap;
use std::io::{self, Write};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use wearhouse_model::Metric;

use super::date::{civil_from_days, days_from_civil};
use writer::{Counting, Gen};

/// What [`write_export`] wrote, counted the way the reader reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneratedStats {
    pub days: u32,
    pub bytes: u64,
    /// `Record` elements written, including the copies inside correlations.
    pub record_elements: u64,
    /// Records a reader should yield as samples (each correlation member once).
    pub samples: u64,
    pub unmapped: u64,
    pub workouts: u64,
    pub correlations: u64,
    /// Records inside correlations that repeat a top-level record.
    pub correlation_copies: u64,
    pub activity_summaries: u64,
    /// Workouts written in the older format, with inline `Location` points.
    pub inline_routes: u64,
    pub route_points: u64,
    pub per_metric: BTreeMap<Metric, u64>,
}

/// The zone the synthetic user lives in, written as `HKTimeZone` on some records.
pub const TIME_ZONE: &str = "Europe/Berlin";

/// The first day of every synthetic export.
const START: (i64, u32, u32) = (2024, 1, 1);

/// Writes an export of `days` days (from 2024-01-01) to `out`. Deterministic in `days` and `seed`.
pub fn write_export<W: Write>(out: W, days: u32, seed: u64) -> io::Result<GeneratedStats> {
    let zone = TimeZone::get(TIME_ZONE).unwrap_or(TimeZone::UTC);
    let midnights: Vec<i64> = (0..=days).map(|d| local_midnight(&zone, d)).collect();
    let plans: Vec<DayPlan> = midnights
        .iter()
        .take(days as usize)
        .enumerate()
        .map(|(d, &midnight)| plan(seed, d as u32, midnight))
        .collect();
    let export_at = midnights.last().copied().unwrap_or(0) + 9 * 3600;
    // The exporting phone's offset at export time, stamped on every date (the quirk the reader undoes).
    let stamp_offset = jiff::Timestamp::from_second(export_at)
        .map(|t| zone.to_offset(t).seconds())
        .unwrap_or(0);
    let mut g = Gen::new(Counting::new(out), stamp_offset, seed);
    g.stats.days = days;
    g.header(export_at)?;
    records::write_all(&mut g, seed, &plans)?;
    workouts::write_all(&mut g, seed, &plans)?;
    g.footer()
}

/// splitmix64, seeded per (stream, day) so each record type's days are independent and reproducible.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64, stream: u64, day: u32) -> Self {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (u64::from(day) << 32));
        rng.next();
        rng
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    pub(super) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sport {
    Running,
    Cycling,
    Walking,
    Strength,
}

impl Sport {
    pub(super) fn healthkit(self) -> &'static str {
        match self {
            Sport::Running => "HKWorkoutActivityTypeRunning",
            Sport::Cycling => "HKWorkoutActivityTypeCycling",
            Sport::Walking => "HKWorkoutActivityTypeWalking",
            Sport::Strength => "HKWorkoutActivityTypeTraditionalStrengthTraining",
        }
    }
}

pub(super) struct WorkoutPlan {
    pub(super) sport: Sport,
    pub(super) start: i64,
    pub(super) end: i64,
    /// Metres (0 for strength).
    pub(super) distance: f64,
}

/// One day's shape, derived from (seed, day) alone so every record type's pass agrees on it.
pub(super) struct DayPlan {
    pub(super) day: u32,
    pub(super) midnight: i64,
    pub(super) wake: i64,
    pub(super) bed: i64,
    /// A workout six days a week.
    pub(super) workout: Option<WorkoutPlan>,
}

fn plan(seed: u64, day: u32, midnight: i64) -> DayPlan {
    let mut rng = Rng::new(seed, 0xDA7, day);
    let wake = midnight + 6 * 3600 + 30 * 60 + rng.below(3600) as i64;
    let bed = midnight + 22 * 3600 + 30 * 60 + rng.below(3600) as i64;
    let workout = (day % 7 != 6).then(|| {
        let sport = match day % 4 {
            0 | 2 => Sport::Running,
            1 => Sport::Cycling,
            _ if day % 8 == 3 => Sport::Strength,
            _ => Sport::Walking,
        };
        let start = midnight + 7 * 3600 + rng.below(11 * 3600) as i64;
        let minutes = 25 + rng.below(35) as i64;
        let speed = match sport {
            Sport::Running => rng.range(2.6, 3.4),
            Sport::Cycling => rng.range(6.0, 8.0),
            Sport::Walking => rng.range(1.2, 1.6),
            Sport::Strength => 0.0,
        };
        WorkoutPlan {
            sport,
            start,
            end: start + minutes * 60,
            distance: speed * (minutes * 60) as f64,
        }
    });
    DayPlan {
        day,
        midnight,
        wake,
        bed,
        workout,
    }
}

/// The instant of local midnight on `START + day` in the user's zone.
fn local_midnight(zone: &TimeZone, day: u32) -> i64 {
    let (y, m, d) = START;
    let days = days_from_civil(y, m, d) + i64::from(day);
    let (y, m, d) = civil_from_days(days);
    Date::new(y as i16, m as i8, d as i8)
        .ok()
        .and_then(|date| date.to_zoned(zone.clone()).ok())
        .map_or(days * 86_400, |z| z.timestamp().as_second())
}
