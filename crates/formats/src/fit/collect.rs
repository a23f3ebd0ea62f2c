//! Turns the decoder's data messages into plain values in canonical units: sessions, laps, record points,
//! RR intervals and health samples. It owns the FIT semantics (scales, offsets, semicircles, the
//! compressed speed/distance field, cumulative monitoring counters) but not how they become activities;
//! that is [`super::assemble`].

use wearhouse_model::{Metric, Sex};

use super::decode::{DataMessage, MessageSink};
use super::people::{UserProfile, Weighing};
use super::profile::{self, mesg};

/// The creator as named by one `file_id` message.
#[derive(Debug, Clone, Default)]
pub struct FileId {
    pub manufacturer: Option<u16>,
    pub product: Option<u16>,
    pub serial: Option<u32>,
    pub time_created: Option<u32>,
    pub product_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Session {
    /// Index into [`Collected::file_ids`] of the file id in force when the session was written.
    pub file_id: Option<usize>,
    pub start: u32,
    /// The last instant a record of this session may carry: the session message's timestamp (it is
    /// written when the activity is saved, after the last record), else start + elapsed time.
    pub end: u32,
    /// start + `total_elapsed_time`, rounded to the second and at most `end`: when the timer stopped. The
    /// timestamp can be much later (the athlete saved the activity minutes after stopping: 20 minutes in
    /// the Edge 810 sample), so it is not the activity's end.
    pub elapsed_end: Option<u32>,
    /// A multisport leg that another follows (the session's `trigger`): even alone in a file cut off
    /// after it, it is one of several.
    pub leg_of_several: bool,
    pub sport: u8,
    pub sub_sport: u8,
    pub profile_name: Option<String>,
    pub timer: Option<f64>,
    /// `total_moving_time`, seconds, when the device computed it.
    pub moving: Option<f64>,
    pub distance: Option<f64>,
    pub calories: Option<f64>,
    pub avg_heart_rate: Option<f64>,
    pub max_heart_rate: Option<f64>,
    pub ascent: Option<f64>,
}

impl Session {
    /// A session the file never wrote (the recording stopped before it), spanning the records given.
    pub fn unwritten(file_id: Option<usize>, start: u32, end: u32, sport: Sport) -> Self {
        let (sport, sub_sport, profile_name) = sport;
        Self {
            file_id,
            start,
            end,
            elapsed_end: None,
            leg_of_several: false,
            sport,
            sub_sport,
            profile_name,
            timer: None,
            moving: None,
            distance: None,
            calories: None,
            avg_heart_rate: None,
            max_heart_rate: None,
            ascent: None,
        }
    }
}

/// A `sport` message: sport, sub-sport, the user's name for the profile.
pub type Sport = (u8, u8, Option<String>);

#[derive(Debug, Clone)]
pub struct LapMsg {
    pub start: u32,
    pub elapsed: Option<f64>,
    pub distance: Option<f64>,
    pub calories: Option<f64>,
    pub avg_heart_rate: Option<f64>,
    pub max_heart_rate: Option<f64>,
}

/// One `record` message in canonical units (degrees, metres, bpm, rpm, watts, m/s, °C).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Point {
    pub timestamp: u32,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub altitude: Option<f64>,
    pub heart_rate: Option<f64>,
    pub cadence: Option<f64>,
    pub power: Option<f64>,
    pub speed: Option<f64>,
    pub distance: Option<f64>,
    pub temperature: Option<f64>,
}

/// A health reading before device and offset are attached: FIT seconds, canonical value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawSample {
    pub metric: Metric,
    pub start: u32,
    pub end: u32,
    pub value: f64,
}

/// Everything the messages said, in file order.
#[derive(Debug, Default)]
pub struct Collected {
    pub file_ids: Vec<FileId>,
    /// `product_name` of the creator's `device_info` (device index 0), when the file_id has none.
    pub creator_product_name: Option<String>,
    /// The `sport` messages in file order. A multisport recording writes one before each leg.
    pub sports: Vec<Sport>,
    /// Local time minus UTC at the activity's end, seconds (`activity.local_timestamp − timestamp`).
    pub activity_offset: Option<i64>,
    /// The same from `monitoring_info`, for daily health files.
    pub monitoring_offset: Option<i64>,
    pub sessions: Vec<Session>,
    pub laps: Vec<LapMsg>,
    pub points: Vec<Point>,
    /// `record` messages with no time at all (no field 253 and no earlier time to compress against).
    pub untimed_points: usize,
    /// RR intervals in seconds, in file order (HRV messages carry no timestamps of their own).
    pub rr_intervals: Vec<f64>,
    /// Heart rate stored by a strap (`hr` messages): (FIT seconds with fraction, bpm), in file order.
    pub stored_heart_rate: Vec<(f64, f64)>,
    pub samples: Vec<RawSample>,
    /// `weight_scale` readings, kept apart from `samples` until it is known whose they are.
    pub weighings: Vec<Weighing>,
    pub user_profiles: Vec<UserProfile>,
    /// Timer events in file order: (time, whether the timer runs from then on).
    pub timer_events: Vec<(u32, bool)>,
    /// `(timestamp, sleep_level)` in file order.
    pub sleep_levels: Vec<(u32, u8)>,
    /// Raw 12-bit distance of the last `compressed_speed_distance`, and the distance accumulated (1/16 m).
    compressed_distance: Option<(u16, u64)>,
    /// Per monitoring `activity_type`, the last cumulative step count and its time.
    step_counters: [Option<(u32, f64)>; 32],
    first_monitoring_time: Option<u32>,
    /// `hr` event clock: the anchor (wall time, event time in 1/1024 s) and the accumulated event time.
    hr_anchor: Option<(f64, u64)>,
    hr_event_time: u64,
    hr_last_raw: u64,
}

/// Semicircles to degrees: 2^31 semicircles are 180°.
fn degrees(semicircles: f64, limit: f64) -> Option<f64> {
    let deg = semicircles * (180.0 / 2_147_483_648.0);
    (deg.abs() <= limit).then_some(deg)
}

impl MessageSink for Collected {
    fn message(&mut self, _part: usize, msg: &DataMessage<'_>) {
        match msg.global {
            mesg::RECORD => self.record(msg),
            mesg::HRV => self
                .rr_intervals
                .extend(msg.numbers(profile::hrv::TIME).flatten().map(|ms| ms / 1000.0)),
            mesg::HR => self.stored_heart_rate(msg),
            mesg::MONITORING => self.monitoring(msg),
            mesg::LAP => self.lap(msg),
            mesg::SESSION => self.session(msg),
            mesg::FILE_ID => self.file_id(msg),
            mesg::DEVICE_INFO => {
                use profile::device_info as f;
                if msg.uint(f::DEVICE_INDEX) == Some(0) && self.creator_product_name.is_none() {
                    self.creator_product_name = msg.text(f::PRODUCT_NAME);
                }
            }
            mesg::SPORT => {
                use profile::sport as f;
                self.sports.push((
                    msg.uint(f::SPORT).map_or(0, clamp_u8),
                    msg.uint(f::SUB_SPORT).map_or(0, clamp_u8),
                    msg.text(f::NAME),
                ));
            }
            mesg::EVENT => {
                use profile::event as f;
                let (Some(ts), Some(f::TIMER)) = (msg.timestamp, msg.uint(f::EVENT)) else {
                    return;
                };
                match msg.uint(f::EVENT_TYPE) {
                    Some(f::START) => self.timer_events.push((ts, true)),
                    Some(t) if f::STOPS.contains(&t) => self.timer_events.push((ts, false)),
                    _ => {}
                }
            }
            mesg::USER_PROFILE => self.user_profile(msg),
            mesg::ACTIVITY => {
                if let (Some(utc), Some(local)) =
                    (msg.timestamp, msg.uint(profile::activity::LOCAL_TIMESTAMP))
                {
                    self.activity_offset = Some(i64::from(local) - i64::from(utc));
                }
            }
            mesg::MONITORING_INFO => {
                if let (Some(utc), Some(local)) =
                    (msg.timestamp, msg.uint(profile::monitoring_info::LOCAL_TIMESTAMP))
                {
                    self.monitoring_offset = Some(i64::from(local) - i64::from(utc));
                }
            }
            mesg::WEIGHT_SCALE => self.weight(msg),
            mesg::SLEEP_LEVEL => {
                if let (Some(ts), Some(level)) = (msg.timestamp, msg.uint(profile::sleep_level::SLEEP_LEVEL))
                {
                    self.sleep_levels.push((ts, clamp_u8(level)));
                }
            }
            _ => {}
        }
    }
}

fn clamp_u8(v: u32) -> u8 {
    u8::try_from(v).unwrap_or(u8::MAX)
}

fn clamp_u16(v: u32) -> u16 {
    u16::try_from(v).unwrap_or(u16::MAX)
}

impl Collected {
    fn record(&mut self, msg: &DataMessage<'_>) {
        use profile::record as f;
        let Some(timestamp) = msg.timestamp else {
            self.untimed_points += 1;
            return;
        };
        let mut point = Point {
            timestamp,
            lat: msg.number(f::POSITION_LAT).and_then(|s| degrees(s, 90.0)),
            lon: msg.number(f::POSITION_LONG).and_then(|s| degrees(s, 180.0)),
            altitude: msg
                .scaled(f::ENHANCED_ALTITUDE, 5.0, 500.0)
                .or_else(|| msg.scaled(f::ALTITUDE, 5.0, 500.0)),
            heart_rate: msg.number(f::HEART_RATE),
            cadence: msg.number(f::CADENCE),
            power: msg.number(f::POWER),
            speed: msg
                .scaled(f::ENHANCED_SPEED, 1000.0, 0.0)
                .or_else(|| msg.scaled(f::SPEED, 1000.0, 0.0)),
            distance: msg.scaled(f::DISTANCE, 100.0, 0.0),
            temperature: msg.number(f::TEMPERATURE),
        };
        if let Some(&[b0, b1, b2]) = msg.bytes(f::COMPRESSED_SPEED_DISTANCE) {
            // 12 bits of speed (1/100 m/s), then 12 bits of distance (1/16 m) that roll over at 256 m
            // and are accumulated, as the SDK's component expansion does.
            let speed = u16::from(b0) | (u16::from(b1 & 0x0F) << 8);
            let raw_distance = u16::from(b1 >> 4) | (u16::from(b2) << 4);
            let (last, total) = self.compressed_distance.unwrap_or((0, 0));
            let total = total + u64::from(raw_distance.wrapping_sub(last) & 0x0FFF);
            self.compressed_distance = Some((raw_distance, total));
            point.speed = point.speed.or(Some(f64::from(speed) / 100.0));
            point.distance = point.distance.or(Some(total as f64 / 16.0));
        }
        self.points.push(point);
    }

    fn session(&mut self, msg: &DataMessage<'_>) {
        use profile::session as f;
        let elapsed = msg.scaled(f::TOTAL_ELAPSED_TIME, 1000.0, 0.0);
        let derived_start = msg
            .timestamp
            .zip(elapsed)
            .map(|(end, elapsed)| end.saturating_sub(elapsed.max(0.0).ceil() as u32));
        let (start, derived) = match (msg.uint(f::START_TIME), derived_start) {
            // A start so late that the session would end over a minute after its own timestamp is
            // wrong (the Fenix 2 writes the first GPS fix's time); trust the end and the elapsed time.
            (Some(start), Some(derived)) if start > derived.saturating_add(60) => (derived, true),
            (Some(start), _) => (start, false),
            (None, Some(derived)) => (derived, true),
            (None, None) => return,
        };
        let end = msg
            .timestamp
            .or_else(|| Some(start.saturating_add(elapsed?.max(0.0).round() as u32)))
            .unwrap_or(start)
            .max(start);
        // Never after the message was written: rounding can overshoot it by a second (the 920XT's swim
        // would overlap its transition), and a start derived from the timestamp ends at it.
        let elapsed_end = if derived {
            msg.timestamp
        } else {
            elapsed
                .filter(|e| e.is_finite() && *e > 0.0)
                .map(|e| start.saturating_add(e.round() as u32))
                .map(|e| msg.timestamp.map_or(e, |ts| e.min(ts)).max(start))
        };
        self.sessions.push(Session {
            file_id: self.file_ids.len().checked_sub(1),
            start,
            end,
            elapsed_end,
            leg_of_several: msg.uint(f::TRIGGER) == Some(f::AUTO_MULTI_SPORT),
            sport: msg.uint(f::SPORT).map_or(0, clamp_u8),
            sub_sport: msg.uint(f::SUB_SPORT).map_or(0, clamp_u8),
            profile_name: msg.text(f::SPORT_PROFILE_NAME),
            timer: msg.scaled(f::TOTAL_TIMER_TIME, 1000.0, 0.0),
            moving: msg
                .scaled(f::TOTAL_MOVING_TIME, 1000.0, 0.0)
                .filter(|m| m.is_finite() && *m >= 0.0),
            distance: msg.scaled(f::TOTAL_DISTANCE, 100.0, 0.0),
            calories: msg.number(f::TOTAL_CALORIES),
            avg_heart_rate: msg.number(f::AVG_HEART_RATE),
            max_heart_rate: msg.number(f::MAX_HEART_RATE),
            ascent: msg.number(f::TOTAL_ASCENT),
        });
    }

    fn lap(&mut self, msg: &DataMessage<'_>) {
        use profile::lap as f;
        let elapsed = msg.scaled(f::TOTAL_ELAPSED_TIME, 1000.0, 0.0);
        let Some(start) = msg.uint(f::START_TIME).or(msg.timestamp) else {
            return;
        };
        let elapsed = elapsed.or_else(|| {
            let end = msg.timestamp?;
            (end >= start).then(|| f64::from(end - start))
        });
        self.laps.push(LapMsg {
            start,
            elapsed,
            distance: msg.scaled(f::TOTAL_DISTANCE, 100.0, 0.0),
            calories: msg.number(f::TOTAL_CALORIES),
            avg_heart_rate: msg.number(f::AVG_HEART_RATE),
            max_heart_rate: msg.number(f::MAX_HEART_RATE),
        });
    }

    fn file_id(&mut self, msg: &DataMessage<'_>) {
        use profile::file_id as f;
        self.file_ids.push(FileId {
            manufacturer: msg.uint(f::MANUFACTURER).map(clamp_u16),
            product: msg.uint(f::PRODUCT).map(clamp_u16),
            serial: msg.uint(f::SERIAL_NUMBER),
            time_created: msg.uint(f::TIME_CREATED),
            product_name: msg.text(f::PRODUCT_NAME),
        });
    }

    fn weight(&mut self, msg: &DataMessage<'_>) {
        use profile::weight_scale as f;
        let Some(ts) = msg.timestamp else { return };
        let finite = |v: &f64| v.is_finite();
        self.weighings.push(Weighing {
            profile: msg
                .uint(f::USER_PROFILE_INDEX)
                .map(|i| clamp_u16(i & profile::MESSAGE_INDEX_MASK)),
            time: ts,
            // 0xFFFE is the `weight` type's "calculating" marker, not a weight.
            mass_kg: msg
                .number(f::WEIGHT)
                .filter(|&raw| raw != f64::from(0xFFFEu16))
                .map(|raw| raw / 100.0)
                .filter(finite),
            fat_percent: msg.scaled(f::PERCENT_FAT, 100.0, 0.0).filter(finite),
        });
    }

    fn user_profile(&mut self, msg: &DataMessage<'_>) {
        use profile::user_profile as f;
        // Without a message index, a profile is known by its position (the SDK numbers them so).
        let index = msg
            .uint(profile::MESSAGE_INDEX)
            .map_or(self.user_profiles.len() as u32, |i| {
                i & profile::MESSAGE_INDEX_MASK
            });
        self.user_profiles.push(UserProfile {
            index: clamp_u16(index),
            sex: match msg.uint(f::GENDER) {
                Some(0) => Some(Sex::Female),
                Some(1) => Some(Sex::Male),
                _ => None,
            },
            age: msg.uint(f::AGE).map(clamp_u8),
            height_m: msg.scaled(f::HEIGHT, 100.0, 0.0).filter(|h| *h > 0.0),
        });
    }

    fn monitoring(&mut self, msg: &DataMessage<'_>) {
        use profile::monitoring as f;
        let Some(ts) = msg.timestamp else { return };
        let first = *self.first_monitoring_time.get_or_insert(ts);
        if let Some(bpm) = msg.number(f::HEART_RATE) {
            self.push_sample(Metric::HeartRate, ts, ts, bpm);
        }
        let activity_type = msg
            .uint(f::ACTIVITY_TYPE)
            .or_else(|| msg.uint(f::CURRENT_ACTIVITY_TYPE_INTENSITY).map(|b| b & 0x1F));
        let Some(activity_type) = activity_type.map(clamp_u8) else {
            return;
        };
        if activity_type != f::WALKING && activity_type != f::RUNNING {
            return;
        }
        // `cycles` is a running total per activity type that resets each day: a sample is the step
        // count since the previous reading of the same type.
        let Some(total) = msg.number(f::CYCLES) else {
            return;
        };
        let Some(counter) = self.step_counters.get_mut(usize::from(activity_type)) else {
            return;
        };
        let (since, previous) = counter.unwrap_or((first, 0.0));
        *counter = Some((ts, total));
        let steps = if total >= previous {
            total - previous
        } else {
            total
        };
        if steps > 0.0 && ts >= since {
            self.push_sample(Metric::Steps, since, ts, steps);
        }
    }

    /// Expands `hr` messages into timed readings. Their times are a strap's event clock (1/1024 s): the
    /// message with a full timestamp anchors it, later ones send 12-bit increments that accumulate, as the
    /// SDK's `HrToRecordMesgBroadcastPlugin` does.
    fn stored_heart_rate(&mut self, msg: &DataMessage<'_>) {
        use profile::hr as f;
        let mut events: Vec<u64> = Vec::new();
        for full in msg.numbers(f::EVENT_TIMESTAMP).flatten() {
            self.hr_event_time = full as u64;
            self.hr_last_raw = full as u64;
            events.push(self.hr_event_time);
        }
        if let Some(packed) = msg.bytes(f::EVENT_TIMESTAMP_12) {
            for i in 0..packed.len() * 8 / 12 {
                let bit = i * 12;
                let (Some(&lo), Some(&hi)) = (packed.get(bit / 8), packed.get(bit / 8 + 1)) else {
                    break;
                };
                let pair = u16::from(lo) | (u16::from(hi) << 8);
                let raw = u64::from((pair >> (bit % 8)) & 0x0FFF);
                self.hr_event_time += raw.wrapping_sub(self.hr_last_raw) & 0x0FFF;
                self.hr_last_raw = raw;
                events.push(self.hr_event_time);
            }
        }
        if let (Some(ts), Some(&first)) = (msg.uint(profile::TIMESTAMP), events.first()) {
            let fraction = msg
                .scaled(f::FRACTIONAL_TIMESTAMP, 32768.0, 0.0)
                .or_else(|| msg.scaled(f::TIME256, 256.0, 0.0))
                .unwrap_or(0.0);
            self.hr_anchor = Some((f64::from(ts) + fraction, first));
        }
        let Some((wall, event)) = self.hr_anchor else {
            return;
        };
        for (bpm, at) in msg.numbers(f::FILTERED_BPM).zip(events) {
            if let Some(bpm) = bpm {
                let t = wall + (at as f64 - event as f64) / 1024.0;
                self.stored_heart_rate.push((t, bpm));
            }
        }
    }

    fn push_sample(&mut self, metric: Metric, start: u32, end: u32, value: f64) {
        if value.is_finite() {
            self.samples.push(RawSample {
                metric,
                start,
                end,
                value,
            });
        }
    }
}
