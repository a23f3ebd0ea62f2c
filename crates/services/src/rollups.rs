//! Keeps daily rollups in step with raw samples. An ingest marks the local days its samples touch, in
//! the same transaction as the samples (which also enqueues the user's `rollups.recompute` job); the job
//! recomputes marked days from the raw samples
//! of all sources (merged by priority), and a summary read first recomputes the reader's own marked
//! days, so summaries read only rollups yet always reflect what was stored. `rebuild` recomputes a
//! user's whole history; a test proves both give identical rows.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use jiff::civil::{date, Date};
use jiff::tz::Offset;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use wearhouse_analytics::rollup::micros;
use wearhouse_analytics::{
    bucket_cumulative, bucket_readings, daily_cumulative, daily_readings, daily_sleep, local_date,
    merge_intervals, merge_readings, sleep_sessions, DayFigures, SleepSession, SourcedInterval,
    StageInterval, ZoneHistory,
};
use wearhouse_model::{Metric, MetricKind, Provider, SleepStage, TimeZoneName, UserId};
use wearhouse_store::{
    DailyRollup, HourlyRollup, NewSample, SampleValue, SeriesRollups, SleepRollup, SourceRecord, Store,
    StoreError,
};

use crate::ServiceError;

/// How far before the recomputed days interval samples are read, so intervals that start earlier and
/// cross into those days are seen: the longest interval a sample may span (see `samples::MAX_INTERVAL`).
const INTERVAL_MARGIN_HOURS: i64 = 48;
/// Observed offsets range over UTC−12…UTC+14: a local day's instants lie within these hours around its
/// UTC day.
const OFFSET_SPAN_HOURS: (i64, i64) = (14, 12);
/// Instantaneous readings are merged per minute: within a minute, the best source present wins.
pub(crate) const READING_SLICE_SECS: i64 = 60;
/// Marked days of one metric closer than this are recomputed in one pass.
const RUN_GAP_DAYS: i32 = 31;
/// The longest run recomputed in one pass: bounds the samples held in memory (two months of
/// minute-level data from a few sources is tens of MB), whatever the history imported.
const MAX_RUN_DAYS: i32 = 62;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn offset_of(minutes: Option<i16>) -> Option<Offset> {
    minutes.and_then(|m| Offset::from_seconds(i32::from(m) * 60).ok())
}

fn utc_midnight(d: Date) -> i64 {
    d.to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0)
}

/// Days since 1970-01-01. Plain arithmetic (H. Hinnant's `days_from_civil`): a summary converts
/// every day of its range, and jiff's span arithmetic cost a twentieth of a year view.
pub(crate) fn epoch_day(d: Date) -> i32 {
    let (month, day) = (i32::from(d.month()), i32::from(d.day()));
    let year = i32::from(d.year()) - i32::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `day` days after 1970-01-01 (`civil_from_days`); 1970-01-01 outside jiff's years.
pub(crate) fn from_epoch_day(day: i32) -> Date {
    let z = i64::from(day) + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let d = day_of_year - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = year_of_era + era * 400 + i64::from(m <= 2);
    match (i16::try_from(y), i8::try_from(m), i8::try_from(d)) {
        (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).unwrap_or(date(1970, 1, 1)),
        _ => date(1970, 1, 1),
    }
}

/// The (metric, local day) pairs `samples` fall on, each judged by its own observed offset or the
/// user's zone at its time; an interval marks every day it spans.
pub(crate) fn days_touched(zones: &ZoneHistory, samples: &[NewSample]) -> Vec<(Metric, i32)> {
    // Runs for every sample stored, so the local day is plain arithmetic on the offset.
    let local_day = |seconds: i64, offset: Option<i16>| -> i32 {
        let offset = match offset_of(offset) {
            Some(o) => o,
            None => zones.zone_at(at(seconds)).to_offset(at(seconds)),
        };
        let day = (seconds + i64::from(offset.seconds())).div_euclid(86_400);
        i32::try_from(day).unwrap_or(if day < 0 { i32::MIN } else { i32::MAX })
    };
    let mut days = BTreeSet::new();
    let mut last = None;
    for s in samples {
        let a = local_day(s.start, s.offset_minutes);
        let b = if s.end == s.start {
            a
        } else {
            local_day(s.end, s.offset_minutes)
        };
        // Samples arrive in runs of one metric on one day: skip what was just marked.
        if last == Some((s.metric, a, b)) {
            continue;
        }
        last = Some((s.metric, a, b));
        // Across a zone change from east to west the end's date can precede the start's.
        let (mut lo, mut hi) = (a.min(b), a.max(b));
        if s.metric == Metric::Sleep {
            // A stage sample can extend a session that ends the next day, or join the previous
            // day's session to this one.
            (lo, hi) = (lo - 1, hi + 1);
        }
        days.extend((lo..=hi).map(|d| (s.metric, d)));
    }
    days.into_iter().collect()
}

/// What the merge needs to know of a source: its priority, its family (sources of one provider, whose
/// summaries nest inside their finer data) and whether it is a summary.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SourceTraits {
    pub rank: u32,
    pub family: u32,
    pub summary: bool,
}

/// A user's sources by id.
pub(crate) type Sources = HashMap<i64, SourceTraits>;

/// The merge's view of the user's sources.
pub(crate) fn source_traits(records: &[SourceRecord]) -> Sources {
    records
        .iter()
        .map(|s| {
            let provider = s.descriptor.provider;
            // A provider's position in the catalogue of providers: small, stable within a process.
            let family = Provider::ALL.iter().position(|p| *p == provider).unwrap_or(0) as u32;
            let traits = SourceTraits {
                rank: s.rank(),
                family,
                summary: s.descriptor.summary,
            };
            (s.id, traits)
        })
        .collect()
}

/// Samples as the merge takes them. A sample of a source the user no longer has ranks last.
pub(crate) fn merge_input(samples: &[SampleValue], sources: &Sources) -> Vec<SourcedInterval> {
    samples
        .iter()
        .map(|s| {
            // Source ids are small positive integers; they fit u32.
            let source = u32::try_from(s.source_id).unwrap_or(u32::MAX);
            let traits = sources.get(&s.source_id).copied().unwrap_or(SourceTraits {
                rank: u32::MAX,
                family: u32::MAX,
                summary: false,
            });
            SourcedInterval {
                start: micros(s.start),
                end: micros(s.end),
                value: s.value,
                source,
                rank: traits.rank,
                offset_minutes: s.offset_minutes,
                family: traits.family,
                summary: traits.summary,
            }
        })
        .collect()
}

/// Days `first..=last` of one metric, recomputed together.
type Run = (Metric, Date, Date);

/// Work running on a task of its own.
type Pending<T> = tokio::task::JoinHandle<Result<T, ServiceError>>;

/// Waits for pending work and passes on its result.
async fn settle<T>(pending: Pending<T>) -> Result<T, ServiceError> {
    pending
        .await
        .map_err(|e| ServiceError::Internal(format!("rollup task stopped: {e}")))?
}

/// The rows of one run, ready to store.
enum Computed {
    Sleep(Vec<SleepRollup>),
    Series {
        daily: Vec<DailyRollup>,
        hours: (i64, i64),
        hourly: Vec<HourlyRollup>,
    },
}

/// Sleep samples that can belong to sessions ending on days `first..=last`: a session may start a day
/// before it ends, its samples may be long, and it may continue past the last day's midnight.
fn sleep_window(first: Date, last: Date) -> (i64, i64) {
    (
        utc_midnight(first) - (OFFSET_SPAN_HOURS.0 + INTERVAL_MARGIN_HOURS + 24) * 3600,
        utc_midnight(last) + (24 + OFFSET_SPAN_HOURS.1 + 24) * 3600,
    )
}

/// A user's zone periods as stored: `(valid_from, zone)`, oldest first.
pub type ZonePeriods = Vec<(Timestamp, TimeZoneName)>;

/// The history `periods` (as stored) describe.
pub(crate) fn zone_history(periods: Vec<(Timestamp, TimeZoneName)>) -> ZoneHistory {
    ZoneHistory::from_names(&periods)
}

/// Rollup maintenance, shared by ingestion (marks days), summaries (flush before reading) and the
/// `rollups.recompute` job (flushes a user whose days were marked). Clones share the per-user locks
/// and the job worker's wake-up.
#[derive(Clone)]
pub struct Rollups {
    store: Store,
    /// One lock per user, so the worker and a reader never recompute the same user's days at once.
    locks: Arc<Mutex<HashMap<UserId, Arc<tokio::sync::Mutex<()>>>>>,
    wake: Arc<Notify>,
}

impl Rollups {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            locks: Arc::default(),
            wake: Arc::new(Notify::new()),
        }
    }

    fn user_lock(&self, user: &UserId) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        locks.entry(user.clone()).or_default().clone()
    }

    /// Waits until no recompute of the user's rollups is running in this process (a rebuild after a
    /// priority change, say), so that a read after it sees its result. Cheap when none runs: reads that
    /// find no marked days take no lock beyond this moment.
    pub async fn settled(&self, user: &UserId) {
        drop(self.user_lock(user).lock().await);
    }

    /// The (metric, local day) pairs `samples` fall on, each judged by its own observed offset or the
    /// user's zone at its time (an interval marks every day it spans), and the zone periods that judged
    /// them, for [`Rollups::recheck_zones`] once the samples are stored.
    pub async fn touched_days(
        &self,
        user: &UserId,
        samples: &[NewSample],
    ) -> Result<(Vec<(Metric, i32)>, ZonePeriods), ServiceError> {
        let periods = self.store.accounts.zone_history(user).await?;
        let touched = days_touched(&zone_history(periods.clone()), samples);
        Ok((touched, periods))
    }

    /// Called after storing samples whose days were marked under `used`. A history change that
    /// committed in between marked the days of the samples stored before it, not of these: when the
    /// history is no longer `used`, every day of the user is marked again, so none stays counted on
    /// the old zone's days. Rare (a change racing an ingest), and then a full recompute is the price.
    /// When `floating` samples were stored (placed by `used`), each of the user's floating samples is
    /// first placed again by the history now stored: the change moved those stored before it.
    pub async fn recheck_zones(
        &self,
        user: &UserId,
        used: &ZonePeriods,
        floating: bool,
    ) -> Result<(), ServiceError> {
        let mut current = self.store.accounts.zone_history(user).await?;
        if current == *used {
            return Ok(());
        }
        tracing::info!(user = %user, "time zones changed while samples were stored; every day is recomputed");
        if floating {
            let mut attempts = 0;
            loop {
                match self.store.accounts.rederive_floating(user, &current).await {
                    Ok(_) => break,
                    // Yet another change: it moved what was stored before it; place the rest by it.
                    Err(StoreError::Conflict { .. }) if attempts < 4 => {
                        attempts += 1;
                        current = self.store.accounts.zone_history(user).await?;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        self.mark_all_days(user).await
    }

    /// Tells the worker that days were marked.
    /// Wakes this process's job worker: marks were written, so a recompute job is queued.
    pub fn wake_worker(&self) {
        self.wake.notify_one();
    }

    /// What wakes the job worker; shared with the job runner so a local write starts its job at once.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Recomputes the user's marked days now (before a read, so users see their own writes).
    pub async fn flush(&self, user: &UserId) -> Result<(), ServiceError> {
        let lock = self.user_lock(user);
        let _guard = lock.lock().await;
        let marks = self.store.rollups.dirty_days(user).await?;
        if marks.is_empty() {
            return Ok(());
        }
        let zones = self.zones(user).await?;
        let sources = self.sources(user).await?;
        // Runs of days per metric, each recomputed in one pass. Marks up to a month apart share a run:
        // recomputing an unmarked day in between is harmless (a rollup is a pure function of the raw
        // samples) and far cheaper than one pass per day for sparse metrics like weight.
        let mut runs: Vec<(Metric, i32, i32)> = Vec::new();
        for (metric, day, _) in &marks {
            match runs.last_mut() {
                Some((m, first, last))
                    if m == metric && *day <= *last + RUN_GAP_DAYS && *day - *first < MAX_RUN_DAYS =>
                {
                    *last = *day
                }
                _ => runs.push((*metric, *day, *day)),
            }
        }
        // One run after another, but pipelined: while a run is computed here, the next one's samples
        // are read and the previous one's rows written, each on a thread of its own. (Computing several
        // runs at once was no faster on a small machine and raised peak memory.)
        let runs: Vec<Run> = runs
            .into_iter()
            .map(|(m, first, last)| (m, from_epoch_day(first), from_epoch_day(last)))
            .collect();
        let summaries = sources.values().any(|s| s.summary);
        let mut reading = runs.first().map(|run| self.read_ahead(user, *run, summaries));
        let mut writing: Option<Pending<()>> = None;
        for (i, run) in runs.iter().enumerate() {
            let samples = match reading.take() {
                Some(read) => settle(read).await?,
                None => Vec::new(),
            };
            reading = runs
                .get(i + 1)
                .map(|next| self.read_ahead(user, *next, summaries));
            let rows = self.compute(*run, &zones, &sources, &samples);
            drop(samples);
            if let Some(write) = writing.take() {
                settle(write).await?;
            }
            writing = Some(self.write_behind(user, *run, rows));
        }
        if let Some(write) = writing {
            settle(write).await?;
        }
        self.store.rollups.clear_dirty(user, &marks).await?;
        Ok(())
    }

    /// Recomputes the marked days of every user until none are left; returns how many users' days were
    /// recomputed. A user whose recompute fails is logged and skipped (their marks stay for a later
    /// pass); it stops when every user left failed.
    pub async fn drain(&self) -> Result<usize, ServiceError> {
        let mut done = 0;
        loop {
            let users = self.store.rollups.users_with_dirty_days(100).await?;
            if users.is_empty() {
                return Ok(done);
            }
            let mut progressed = false;
            for user in users {
                match self.flush(&user).await {
                    Ok(()) => {
                        progressed = true;
                        done += 1;
                    }
                    Err(e) => {
                        tracing::warn!(user = %user, error = %e.with_causes(), "recomputing rollups failed")
                    }
                }
            }
            if !progressed {
                return Ok(done); // every user failed: wait for the next tick rather than spin
            }
        }
    }

    pub(crate) async fn zones(&self, user: &UserId) -> Result<ZoneHistory, ServiceError> {
        Ok(zone_history(self.store.accounts.zone_history(user).await?))
    }

    /// Recomputes every day of every metric the user has samples for.
    pub async fn rebuild(&self, user: &UserId) -> Result<(), ServiceError> {
        let lock = self.user_lock(user);
        let _guard = lock.lock().await;
        self.rebuild_locked(user).await
    }

    /// Marks every day of the user's history for recomputation (after a change of what counts, like
    /// the order of their sources, or samples removed by a rolled-back import). The marks enqueue the
    /// user's recompute job (a database trigger), and a summary read recomputes them first, so the
    /// reader never sees figures of the old rule.
    pub async fn mark_all_days(&self, user: &UserId) -> Result<(), ServiceError> {
        self.store.rollups.mark_user_days(user).await?;
        self.wake_worker();
        Ok(())
    }

    async fn rebuild_locked(&self, user: &UserId) -> Result<(), ServiceError> {
        // Marks made while rebuilding stay, and are recomputed after.
        let marks = self.store.rollups.dirty_days(user).await?;
        let zones = self.zones(user).await?;
        let sources = self.sources(user).await?;
        for metric in Metric::ALL {
            let samples = self
                .store
                .samples
                .sample_values(user, *metric, i64::MIN, i64::MAX)
                .await?;
            let mut days = samples.iter().flat_map(|s| {
                let offset = offset_of(s.offset_minutes);
                [
                    local_date(at(s.start), offset, &zones),
                    local_date(at(s.end), offset, &zones),
                ]
            });
            let Some(first) = days.next() else { continue };
            let (first, last) = days.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)));
            if *metric == Metric::Sleep {
                let (first, last) = (
                    first.yesterday().unwrap_or(first),
                    last.tomorrow().unwrap_or(last),
                );
                let rows = self.sleep_rows(&zones, &sources, &samples, first, last);
                self.store
                    .rollups
                    .replace_sleep(user, epoch_day(first), epoch_day(last), &rows)
                    .await?;
                continue;
            }
            let hours = (
                samples
                    .iter()
                    .map(|s| s.start)
                    .min()
                    .unwrap_or(0)
                    .div_euclid(3600),
                samples.iter().map(|s| s.end).max().unwrap_or(0).div_euclid(3600),
            );
            let (daily, hourly) = self.rows(*metric, &zones, &sources, &samples, (first, last), hours);
            let series = SeriesRollups {
                metric: *metric,
                days: (epoch_day(first), epoch_day(last)),
                daily: &daily,
                hours,
                hourly: &hourly,
            };
            self.store.rollups.replace_series(user, &series).await?;
        }
        self.store.rollups.clear_dirty(user, &marks).await?;
        // A rebuild repairs rollups without a mark: responses cached from the old ones must go.
        self.store.rollups.advance_data_version(user).await?;
        Ok(())
    }

    /// The samples a recompute of days `first..=last` of `metric` must read: starting from
    /// `from` (inclusive) to `to` (exclusive). `summaries`: the user has summary sources.
    pub(crate) fn read_window(metric: Metric, first: Date, last: Date, summaries: bool) -> (i64, i64) {
        if metric == Metric::Sleep {
            return sleep_window(first, last);
        }
        // Intervals can start up to the margin before the days; a summary that reaches into them nests
        // over the finer data inside it, which can lie up to the margin after them.
        let (before, after) = match metric.kind() {
            MetricKind::Instantaneous => (0, 0),
            _ if summaries => (INTERVAL_MARGIN_HOURS, INTERVAL_MARGIN_HOURS),
            _ => (INTERVAL_MARGIN_HOURS, 0),
        };
        (
            utc_midnight(first) - (OFFSET_SPAN_HOURS.0 + before) * 3600,
            utc_midnight(last) + (24 + OFFSET_SPAN_HOURS.1 + after) * 3600,
        )
    }

    /// Starts reading the samples a recompute needs, on its own task, so it proceeds while the caller
    /// computes the previous run.
    fn read_ahead(
        &self,
        user: &UserId,
        (metric, first, last): Run,
        summaries: bool,
    ) -> Pending<Vec<SampleValue>> {
        let (store, user) = (self.store.clone(), user.clone());
        let (from, to) = Self::read_window(metric, first, last, summaries);
        tokio::spawn(async move { Ok(store.samples.sample_values(&user, metric, from, to).await?) })
    }

    /// Computes the rollup rows of a run from its samples.
    fn compute(
        &self,
        (metric, first, last): Run,
        zones: &ZoneHistory,
        sources: &Sources,
        samples: &[SampleValue],
    ) -> Computed {
        if metric == Metric::Sleep {
            return Computed::Sleep(self.sleep_rows(zones, sources, samples, first, last));
        }
        // Every hour from 14 h before the first day's UTC midnight to 12 h after the last's end: local
        // days lie within, and the samples read cover each of these hours completely.
        let hours = (
            (utc_midnight(first) - OFFSET_SPAN_HOURS.0 * 3600).div_euclid(3600),
            (utc_midnight(last) + (24 + OFFSET_SPAN_HOURS.1) * 3600).div_euclid(3600) - 1,
        );
        let (daily, hourly) = self.rows(metric, zones, sources, samples, (first, last), hours);
        Computed::Series { daily, hours, hourly }
    }

    /// Stores a run's rows on a task of its own, so the next run is computed meanwhile.
    fn write_behind(&self, user: &UserId, (metric, first, last): Run, rows: Computed) -> Pending<()> {
        let (store, user) = (self.store.clone(), user.clone());
        tokio::spawn(async move {
            let days = (epoch_day(first), epoch_day(last));
            match rows {
                Computed::Sleep(rows) => store.rollups.replace_sleep(&user, days.0, days.1, &rows).await?,
                Computed::Series { daily, hours, hourly } => {
                    let series = SeriesRollups {
                        metric,
                        days,
                        daily: &daily,
                        hours,
                        hourly: &hourly,
                    };
                    store.rollups.replace_series(&user, &series).await?
                }
            }
            Ok(())
        })
    }

    /// Sleep samples that can belong to sessions ending on days `first..=last`: a session may start a
    /// day before it ends, its samples may be long, and it may continue past the last day's midnight.
    async fn sleep_samples(
        &self,
        user: &UserId,
        first: Date,
        last: Date,
    ) -> Result<Vec<SampleValue>, ServiceError> {
        let (from, to) = sleep_window(first, last);
        Ok(self
            .store
            .samples
            .sample_values(user, Metric::Sleep, from, to)
            .await?)
    }

    /// The sleep sessions ending on days `first..=last`.
    pub async fn sleep_sessions(
        &self,
        user: &UserId,
        first: Date,
        last: Date,
    ) -> Result<Vec<SleepSession>, ServiceError> {
        let zones = self.zones(user).await?;
        let samples = self.sleep_samples(user, first, last).await?;
        let sources = self.sources(user).await?;
        let mut sessions = self.sessions(&zones, &sources, &samples);
        sessions.retain(|s| (first..=last).contains(&s.date));
        Ok(sessions)
    }

    fn sessions(&self, zones: &ZoneHistory, sources: &Sources, samples: &[SampleValue]) -> Vec<SleepSession> {
        let stages: Vec<StageInterval> = samples
            .iter()
            .filter_map(|s| {
                Some(StageInterval {
                    start: s.start,
                    end: s.end,
                    stage: SleepStage::from_code(u8::try_from(s.value as i64).ok()?)?,
                    source: u32::try_from(s.source_id).unwrap_or(u32::MAX),
                    rank: sources.get(&s.source_id).map_or(u32::MAX, |t| t.rank),
                    offset_minutes: s.offset_minutes,
                })
            })
            .collect();
        sleep_sessions(&stages, zones)
    }

    fn sleep_rows(
        &self,
        zones: &ZoneHistory,
        sources: &Sources,
        samples: &[SampleValue],
        first: Date,
        last: Date,
    ) -> Vec<SleepRollup> {
        let sessions = self.sessions(zones, sources, samples);
        daily_sleep(&sessions)
            .into_iter()
            .filter(|(d, _)| (first..=last).contains(d))
            .map(|(d, day)| {
                let stage = |s: SleepStage| day.stages.get(&s).copied().unwrap_or(0.0);
                SleepRollup {
                    day: epoch_day(d),
                    sessions: i64::from(day.sessions),
                    in_bed: day.in_bed,
                    asleep: day.asleep,
                    awake: day.awake,
                    unspecified: stage(SleepStage::Asleep),
                    core: stage(SleepStage::Core),
                    deep: stage(SleepStage::Deep),
                    rem: stage(SleepStage::Rem),
                }
            })
            .collect()
    }

    async fn sources(&self, user: &UserId) -> Result<Sources, ServiceError> {
        Ok(source_traits(&self.store.samples.sources(user).await?))
    }

    /// The rollup rows for days `first..=last` from the samples given.
    fn rows(
        &self,
        metric: Metric,
        zones: &ZoneHistory,
        sources: &Sources,
        samples: &[SampleValue],
        (first, last): (Date, Date),
        hour_range: (i64, i64),
    ) -> (Vec<DailyRollup>, Vec<HourlyRollup>) {
        let intervals = merge_input(samples, sources);
        let (days, hours) = match metric.kind() {
            MetricKind::Cumulative => {
                let merged = merge_intervals(&intervals);
                (
                    daily_cumulative(&merged, zones),
                    bucket_cumulative(&merged, micros(3600)),
                )
            }
            MetricKind::Instantaneous => {
                let merged = merge_readings(&intervals, micros(READING_SLICE_SECS));
                (
                    daily_readings(&merged, zones),
                    bucket_readings(&merged, micros(3600)),
                )
            }
            // Sleep stages get their own summary (per night, per stage); not rolled up per day here.
            MetricKind::Category => Default::default(),
        };
        let (first_hour, last_hour) = hour_range;
        let hourly = hours
            .into_iter()
            .map(|(start, b)| (start.div_euclid(micros(3600)), b))
            .filter(|(hour, _)| (first_hour..=last_hour).contains(hour))
            .map(|(hour, b)| HourlyRollup {
                metric,
                hour,
                total: b.figures.total,
                minimum: b.figures.minimum,
                maximum: b.figures.maximum,
                count: b.figures.count,
                sources: b.sources.into_iter().map(i64::from).collect(),
            })
            .collect();
        let daily = days
            .into_iter()
            .filter(|(d, _)| (first..=last).contains(d))
            .map(|(d, f): (Date, DayFigures)| DailyRollup {
                metric,
                day: epoch_day(d),
                total: f.total,
                minimum: f.minimum,
                maximum: f.maximum,
                count: f.count,
            })
            .collect();
        (daily, hourly)
    }
}

#[cfg(test)]
mod epoch_day_tests {
    use super::*;
    use jiff::Span;

    #[test]
    fn epoch_days_agree_with_jiff_across_its_years() {
        let origin = date(1970, 1, 1);
        let mut day = -4_371_587; // jiff's earliest date, -9999-01-01
        while day <= 2_932_896 {
            let expected = origin.checked_add(Span::new().days(i64::from(day))).unwrap();
            assert_eq!(from_epoch_day(day), expected, "{day}");
            assert_eq!(epoch_day(expected), day, "{expected}");
            day += if (-1_000..=60_000).contains(&day) { 1 } else { 97 };
        }
        assert_eq!(from_epoch_day(i32::MAX), origin);
        assert_eq!(from_epoch_day(i32::MIN), origin);
    }
}
