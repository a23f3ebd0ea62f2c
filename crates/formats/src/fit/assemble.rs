//! Builds activities and samples from [`Collected`] messages: one activity per session, records and laps
//! placed in the session whose time span holds them, streams relative to the session start, sleep stages
//! as intervals, and RMSSD from the RR intervals. When sessions end and how long they moved is
//! [`timing`]'s to say, whose weight-scale readings to keep [`people`]'s.

use jiff::tz::TimeZone;
use jiff::Timestamp;
use wearhouse_model::activity::MAX_STREAM_POINTS;
use wearhouse_model::{ActivityType, Lap, Metric, SleepStage, StreamKey, Streams};

use super::collect::{Collected, FileId, Point, RawSample, Session};
use super::people::{self, FitAccount};
use super::profile;
use super::timing;
use crate::{Location, ParsedActivity, ParsedFile, ParsedSample, Warning};

/// FIT seconds to an instant. Every `u32` is in jiff's range, so the fallback is never taken.
pub fn instant(fit_seconds: u32) -> Timestamp {
    Timestamp::from_second(i64::from(fit_seconds) + profile::FIT_EPOCH_UNIX).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// An observed UTC offset in whole minutes, when plausible (−12:00…+14:00, as the model requires).
fn offset_minutes(seconds: Option<i64>) -> Option<i16> {
    let minutes = (seconds? as f64 / 60.0).round();
    (-720.0..=840.0).contains(&minutes).then_some(minutes as i16)
}

/// "Garmin fenix 5", "Wahoo ELEMNT BOLT", …: manufacturer and product as far as the file names them.
fn device_name(id: &FileId, creator_product_name: Option<&str>) -> Option<String> {
    let maker = id.manufacturer.and_then(profile::manufacturer_name);
    let product = id
        .product_name
        .as_deref()
        .or(creator_product_name)
        .map(str::to_owned)
        .or_else(|| {
            let garmin = matches!(id.manufacturer, Some(profile::GARMIN | profile::GARMIN_FR405));
            let name = id
                .product
                .filter(|_| garmin)
                .and_then(profile::garmin_product_name);
            name.map(str::to_owned)
        });
    match (maker, product) {
        (Some(m), Some(p)) if p.to_lowercase().starts_with(&m.to_lowercase()) => Some(p),
        (Some(m), Some(p)) => Some(format!("{m} {p}")),
        (Some(m), None) => Some(match id.product {
            Some(n) => format!("{m} (product {n})"),
            None => m.to_owned(),
        }),
        (None, Some(p)) => Some(p),
        (None, None) => None,
    }
}

/// Index of the last session starting at or before `t` whose span holds `t`. Sessions are sorted by start.
fn session_at(sessions: &[Session], t: u32) -> Option<usize> {
    let i = sessions.partition_point(|s| s.start <= t).checked_sub(1)?;
    (t <= sessions.get(i)?.end).then_some(i)
}

/// How many seconds before a session's start a record may lie and still belong to it.
const EARLY_RECORD_SLACK: u32 = 10;

/// FIT `date_time` values below this are seconds since the device powered on, not since the FIT epoch
/// (its clock was not set yet): no calendar year can be read from them.
const MIN_DATE_TIME: u32 = 0x1000_0000;

/// `truncated`: the file was cut off (not merely damaged), so records after the last session are the
/// start of a leg whose session was never written.
pub fn assemble(mut c: Collected, account: Option<&FitAccount>, truncated: bool) -> ParsedFile {
    let mut warnings = Vec::new();
    let device = c
        .file_ids
        .first()
        .and_then(|id| device_name(id, c.creator_product_name.as_deref()));
    let activity_offset = offset_minutes(c.activity_offset);
    let sample_offset = offset_minutes(c.monitoring_offset.or(c.activity_offset));

    c.points.sort_by_key(|p| p.timestamp);
    fill_stored_heart_rate(&mut c.points, &mut c.stored_heart_rate);
    c.sessions.sort_by_key(|s| s.start);
    // A watch that died mid-workout leaves records but no session: keep them as one activity. So does a
    // file cut off in a later leg of a multisport recording (the 920XT writes each leg's session at the
    // leg's end): the leg so far becomes an activity whose external id is the complete file's for it.
    let written_end = c.sessions.iter().map(|s| s.end).max();
    let unwritten_from = match written_end {
        None => 0,
        Some(_) if !truncated => c.points.len(),
        Some(end) => c.points.partition_point(|p| p.timestamp <= end),
    };
    if let (Some(first), Some(last)) = (c.points.get(unwritten_from), c.points.last()) {
        // A multisport recording writes a `sport` message as each leg begins: the leg's is the one after
        // those of the legs already written.
        let sport = match written_end {
            None => c.sports.first(),
            Some(_) => c.sports.get(c.sessions.len()),
        };
        c.sessions.push(Session::unwritten(
            c.file_ids.len().checked_sub(1),
            first.timestamp,
            last.timestamp,
            sport.cloned().unwrap_or((0, 0, None)),
        ));
    }

    // Indices rather than copies: a point is 160 bytes and a long ride has tens of thousands.
    let mut per_session: Vec<Vec<usize>> = vec![Vec::new(); c.sessions.len()];
    let mut outside = 0usize;
    for (k, point) in c.points.iter().enumerate() {
        let t = point.timestamp;
        let index = session_at(&c.sessions, t).or_else(|| {
            // Devices often log the first record a few seconds before the session's start: such a
            // record starts the session (points come sorted, so later ones then fall inside it).
            let next = c.sessions.partition_point(|s| s.start <= t);
            let free = next == 0 || c.sessions.get(next - 1).is_some_and(|s| s.end < t);
            let session = c.sessions.get_mut(next)?;
            (free && session.start - t <= EARLY_RECORD_SLACK).then(|| {
                session.start = t;
                next
            })
        });
        match index.and_then(|i| per_session.get_mut(i)) {
            Some(indices) => indices.push(k),
            None => outside += 1,
        }
    }
    if outside > 0 {
        warnings.push(Warning {
            code: "records_outside_sessions",
            detail: format!("{outside} record messages fall outside every session and were left out"),
            location: Location::Entry("record".into()),
        });
    }
    if c.untimed_points > 0 {
        warnings.push(Warning {
            code: "record_without_time",
            detail: format!(
                "{} record messages carry no time and were left out",
                c.untimed_points
            ),
            location: Location::Entry("record".into()),
        });
    }
    let mut per_session_laps: Vec<Vec<Lap>> = vec![Vec::new(); c.sessions.len()];
    for lap in &c.laps {
        let Some(i) = session_at(&c.sessions, lap.start) else {
            continue;
        };
        let (Some(session), Some(laps)) = (c.sessions.get(i), per_session_laps.get_mut(i)) else {
            continue;
        };
        laps.push(Lap {
            start_offset: f64::from(lap.start.saturating_sub(session.start)),
            duration: lap.elapsed.unwrap_or(0.0).max(0.0),
            distance: lap.distance,
            energy: lap.calories,
            avg_heart_rate: lap.avg_heart_rate,
            max_heart_rate: lap.max_heart_rate,
        });
    }
    let rr_per_session = split_rr(&c.sessions, &c.rr_intervals);
    let pauses = timing::pauses(&c.timer_events);

    // External ids: serial and creation time identify the file; a file with several sessions adds the
    // session's position so each activity keeps its own id across re-imports. So does a multisport leg
    // alone in a file cut off after it, to keep the id it has in the complete file.
    let bases: Vec<Option<String>> = c
        .sessions
        .iter()
        .map(|s| {
            let id = c.file_ids.get(s.file_id?)?;
            Some(format!(
                "fit:{}:{}",
                id.serial?,
                instant(id.time_created?).as_second()
            ))
        })
        .collect();
    let mut activities = Vec::with_capacity(c.sessions.len());
    let mut samples = Vec::new();
    for (i, ((session, points), laps)) in c
        .sessions
        .iter()
        .zip(per_session)
        .zip(per_session_laps)
        .enumerate()
    {
        let file_id = session.file_id.and_then(|k| c.file_ids.get(k));
        let last_record = points.last().and_then(|&k| c.points.get(k)).map(|p| p.timestamp);
        let end = timing::session_end(session, last_record);
        let mut activity = ParsedActivity::new(
            ActivityType::from_fit(session.sport, session.sub_sport),
            instant(session.start),
            instant(end),
        );
        activity.sport_label = session
            .profile_name
            .clone()
            .or_else(|| profile::sport_name(session.sport).map(str::to_owned));
        activity.offset_minutes = activity_offset;
        activity.device = file_id
            .and_then(|id| device_name(id, c.creator_product_name.as_deref()))
            .or_else(|| device.clone());
        activity.external_id = bases.get(i).cloned().flatten().map(|base| {
            let siblings = bases.iter().filter(|b| b.as_ref() == Some(&base)).count();
            if siblings > 1 || session.leg_of_several {
                format!("{base}:{i}")
            } else {
                base
            }
        });
        activity.distance = session.distance;
        activity.energy = session.calories;
        activity.avg_heart_rate = session.avg_heart_rate;
        activity.max_heart_rate = session.max_heart_rate;
        activity.elevation_gain = session.ascent;
        let duration = end.saturating_sub(session.start);
        activity.moving_time = timing::moving_time(session, &c.points, &points, &pauses, duration);
        activity.laps = laps;
        activity.streams = streams(session.start, &c.points, &points);
        if activity.streams.len() > MAX_STREAM_POINTS {
            warnings.push(Warning {
                code: "stream_downsampled",
                detail: format!(
                    "session {i} has {} points; kept {MAX_STREAM_POINTS} evenly spaced",
                    activity.streams.len()
                ),
                location: Location::Entry("record".into()),
            });
            activity.streams = std::mem::take(&mut activity.streams).downsample(MAX_STREAM_POINTS);
        }
        if let Some(rmssd) = rr_per_session.get(i).and_then(|rr| rmssd_ms(rr)) {
            samples.push(ParsedSample {
                metric: Metric::HrvRmssd,
                start: activity.start,
                end: activity.end,
                value: rmssd,
                offset_minutes: activity_offset,
                source_name: None,
                device: activity.device.clone(),
                external_id: None,
                summary: false,
                floating: false,
            });
        }
        activities.push(activity);
    }

    // The file's year, for the ages in its user profiles.
    let year = c
        .file_ids
        .first()
        .and_then(|id| id.time_created)
        .into_iter()
        .chain(c.weighings.first().map(|w| w.time))
        .find(|&t| t >= MIN_DATE_TIME)
        .map(|t| instant(t).to_zoned(TimeZone::UTC).year());
    let (readings, mut skipped) = people::owners_readings(&c.weighings, &c.user_profiles, account, year);
    warnings.append(&mut skipped);
    let raw = readings
        .into_iter()
        .chain(c.samples.iter().copied())
        .chain(sleep_samples(&c.sleep_levels));
    samples.extend(raw.map(|s| ParsedSample {
        metric: s.metric,
        start: instant(s.start),
        end: instant(s.end),
        value: s.value,
        offset_minutes: sample_offset,
        source_name: None,
        device: device.clone(),
        external_id: None,
        summary: false,
        floating: false,
    }));

    ParsedFile {
        activities,
        routes: Vec::new(),
        samples,
        device,
        warnings,
    }
}

/// Records without a heart rate take the mean of the strap's stored readings since the previous record
/// (as the SDK's `HrToRecordMesgBroadcastPlugin` merges them), so a swim gets its heart rate back.
fn fill_stored_heart_rate(points: &mut [Point], stored: &mut [(f64, f64)]) {
    if stored.is_empty() {
        return;
    }
    stored.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut next = 0usize;
    let mut previous: Option<f64> = None;
    for point in points.iter_mut() {
        let t = f64::from(point.timestamp);
        let from = previous.unwrap_or(t - 1.0);
        while stored.get(next).is_some_and(|&(at, _)| at <= from) {
            next += 1;
        }
        let (mut sum, mut n) = (0.0, 0u32);
        let mut k = next;
        while let Some(&(at, bpm)) = stored.get(k) {
            if at > t {
                break;
            }
            sum += bpm;
            n += 1;
            k += 1;
        }
        if point.heart_rate.is_none() && n > 0 {
            point.heart_rate = Some((sum / f64::from(n)).round());
        }
        previous = Some(t);
    }
}

/// Reads one stream channel's value from a point.
type Channel = fn(&Point) -> Option<f64>;

/// Time-aligned streams from a session's points (`indices` into `points`, sorted by time, all at or after
/// `start`). A channel the device never recorded is left out rather than stored as all gaps.
fn streams(start: u32, points: &[Point], indices: &[usize]) -> Streams {
    let chosen = || indices.iter().filter_map(|&k| points.get(k));
    let mut out = Streams {
        time: chosen()
            .map(|p| f64::from(p.timestamp.saturating_sub(start)))
            .collect(),
        ..Streams::default()
    };
    let channels: [(StreamKey, Channel); 9] = [
        (StreamKey::Lat, |p| p.lat),
        (StreamKey::Lon, |p| p.lon),
        (StreamKey::Altitude, |p| p.altitude),
        (StreamKey::HeartRate, |p| p.heart_rate),
        (StreamKey::Cadence, |p| p.cadence),
        (StreamKey::Power, |p| p.power),
        (StreamKey::Speed, |p| p.speed),
        (StreamKey::Distance, |p| p.distance),
        (StreamKey::Temperature, |p| p.temperature),
    ];
    for (key, get) in channels {
        if chosen().any(|p| get(p).is_some()) {
            out.channels.insert(key, chosen().map(get).collect());
        }
    }
    out
}

/// HRV messages carry no times, so the RR series is laid end to end from the first session's start and
/// each interval goes to the session its end falls in. With one session (the usual case) that is all.
fn split_rr(sessions: &[Session], rr: &[f64]) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::new(); sessions.len()];
    let Some(first) = sessions.first() else {
        return out;
    };
    if sessions.len() == 1 {
        if let Some(only) = out.first_mut() {
            only.extend_from_slice(rr);
        }
        return out;
    }
    let mut t = f64::from(first.start);
    for &interval in rr {
        t += interval;
        let at = t.min(f64::from(u32::MAX)) as u32;
        if let Some(bucket) = session_at(sessions, at).and_then(|i| out.get_mut(i)) {
            bucket.push(interval);
        }
    }
    out
}

/// Root mean square of successive RR differences, in milliseconds. Intervals outside 0.3–2 s (200–30
/// bpm) and jumps over 20 % of the previous interval are artefacts or ectopic beats and are skipped, as
/// HRV tools commonly do; fewer than 30 clean pairs give no value.
fn rmssd_ms(rr: &[f64]) -> Option<f64> {
    let clean = |x: f64| (0.3..=2.0).contains(&x);
    let (sum, n) = rr
        .windows(2)
        .filter_map(|w| match *w {
            [a, b] if clean(a) && clean(b) && (b - a).abs() <= 0.2 * a => Some((b - a) * 1000.0),
            _ => None,
        })
        .fold((0.0, 0usize), |(s, n), d| (s + d * d, n + 1));
    let value = (n >= 30).then(|| (sum / n as f64).sqrt())?;
    // The metric's plausible range starts at 1 ms.
    (value >= 1.0).then_some(value)
}

/// Sleep levels become stage intervals: each lasts until the next reading; runs of one stage merge.
/// "Unmeasurable" readings end the previous stage and start nothing. The last reading, and one followed
/// by a gap over an hour, get one minute (Garmin writes a level at least every few minutes).
fn sleep_samples(levels: &[(u32, u8)]) -> Vec<RawSample> {
    const LAST: u32 = 60;
    const GAP: u32 = 3600;
    let mut levels = levels.to_vec();
    levels.sort_by_key(|&(ts, _)| ts);
    let mut out: Vec<RawSample> = Vec::new();
    for (i, &(ts, level)) in levels.iter().enumerate() {
        let stage = match level {
            1 => SleepStage::Awake,
            2 => SleepStage::Core,
            3 => SleepStage::Deep,
            4 => SleepStage::Rem,
            _ => continue,
        };
        let end = match levels.get(i + 1) {
            Some(&(next, _)) if next.saturating_sub(ts) <= GAP => next,
            _ => ts.saturating_add(LAST),
        };
        let value = f64::from(stage.code());
        match out.last_mut() {
            Some(prev) if prev.value == value && prev.end == ts => prev.end = end,
            _ => out.push(RawSample {
                metric: Metric::Sleep,
                start: ts,
                end,
                value,
            }),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn rmssd_of_an_alternating_series() {
        let rr: Vec<f64> = (0..100).map(|i| if i % 2 == 0 { 0.8 } else { 0.85 }).collect();
        let v = rmssd_ms(&rr).unwrap();
        assert!((v - 50.0).abs() < 1e-6, "{v}");
        assert_eq!(rmssd_ms(&rr[..10]), None, "too few pairs");
    }

    #[test]
    fn sleep_levels_become_merged_intervals() {
        let levels = [(100, 2), (160, 2), (220, 3), (280, 0), (340, 4), (10_000, 1)];
        let s = sleep_samples(&levels);
        let got: Vec<(u32, u32, f64)> = s.iter().map(|s| (s.start, s.end, s.value)).collect();
        assert_eq!(
            got,
            vec![
                (100, 220, 3.0),
                (220, 280, 4.0),
                (340, 400, 5.0),
                (10_000, 10_060, 2.0)
            ]
        );
    }

    #[test]
    fn offsets_are_bounded_minutes() {
        assert_eq!(offset_minutes(Some(-7 * 3600)), Some(-420));
        assert_eq!(offset_minutes(Some(20 * 3600)), None);
        assert_eq!(offset_minutes(None), None);
    }
}
