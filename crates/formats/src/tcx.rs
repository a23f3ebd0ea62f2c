//! TCX (Garmin TrainingCenterDatabase v2) reader: each `<Activity>` becomes one activity with its laps,
//! streams and totals; courses (plans) are ignored. An activity's `external_id` is its start instant
//! ([`start_external_id`]): a TCX carries no device identity, and the same file may arrive on its own
//! or inside an archive.
//!
//! Hand-written on quick-xml's borrowing namespace-aware reader rather than the `tcx` crate: that crate
//! was measured at ~20 MB/s and drops the ActivityExtension values (speed, run cadence, watts). Core
//! elements are matched by local name; the extension elements by namespace URI, because writers bind it
//! to whatever prefix they like (`ns3:` from Garmin Connect, `ext:` from others), and a prefix match would
//! silently lose the power of a ride. Pure: bytes in, records out.

use jiff::{SignedDuration, Timestamp};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::NsReader;
use wearhouse_model::{ActivityType, Lap};

use crate::records::start_external_id;
use crate::track::xml::{self, attribute, decode_text, malformed, non_blank, TimeText};
use crate::track::{self, activity_type_from_label, TrackPoint};
use crate::{FormatError, Location, ParsedActivity, ParsedFile, Warning};

/// The namespace of Garmin's `TPX` trackpoint extension (`Speed`, `RunCadence`, `Watts`).
const ACTIVITY_EXTENSION_V2: &[u8] = b"http://www.garmin.com/xmlschemas/ActivityExtension/v2";

/// Reads a TCX file. Fails only when the bytes are not well-formed XML or the root is not
/// `<TrainingCenterDatabase>`; an activity without times or a point going back in time is a [`Warning`].
pub fn read_tcx(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    let mut reader = NsReader::from_reader(bytes);
    let mut doc = Document::default();
    let mut root_closed = false;
    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| malformed(&e.to_string(), reader.buffer_position()))?;
        match event {
            Event::Start(_) | Event::Empty(_) if root_closed => {
                return Err(malformed("a second element after the root", pos));
            }
            Event::Start(e) => doc.open(&reader, &e, pos)?,
            Event::Empty(e) => {
                doc.open(&reader, &e, pos)?;
                doc.close(&mut root_closed);
            }
            Event::End(_) => doc.close(&mut root_closed),
            Event::Text(t) => doc.text(&t.into_inner(), true),
            Event::CData(t) => doc.text(&t.into_inner(), false),
            Event::Eof => break,
            _ => {}
        }
    }
    if !doc.stack.is_empty() {
        return Err(malformed(
            "the file ends before </TrainingCenterDatabase>",
            reader.buffer_position(),
        ));
    }
    if !doc.saw_root {
        return Err(FormatError::new(
            "not_tcx",
            "no <TrainingCenterDatabase> element",
            Location::Byte(0),
        ));
    }
    Ok(doc.finish())
}

/// What an open element means here, classified by its parent so that, say, a `<DistanceMeters>` is a
/// lap total directly in a `<Lap>` and a cumulative reading in a `<Trackpoint>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    Activities,
    /// `MultiSportSession`, `FirstSport`, `NextSport`: containers whose `Activity` children count.
    MultiSport,
    Activity,
    Id,
    Notes,
    Creator,
    CreatorName,
    Author,
    AuthorName,
    Lap,
    LapTime,
    LapDistance,
    LapCalories,
    LapAvgHr,
    LapAvgHrValue,
    LapMaxHr,
    LapMaxHrValue,
    Track,
    Trackpoint,
    Time,
    Position,
    Lat,
    Lon,
    Altitude,
    Distance,
    HeartRate,
    HeartRateValue,
    Cadence,
    Extensions,
    Tpx,
    Speed,
    RunCadence,
    Watts,
    Other,
}

impl Tag {
    /// `in_extension_ns` resolves the element's namespace; it is only asked for the few extension
    /// names, so namespace lookups stay off the hot path.
    fn classify(local: &[u8], parent: Tag, in_extension_ns: impl Fn() -> bool) -> Tag {
        match (parent, local) {
            (Tag::Root, b"Activities") => Tag::Activities,
            (Tag::Root, b"Author") => Tag::Author,
            (Tag::Author, b"Name") => Tag::AuthorName,
            (Tag::Activities, b"MultiSportSession") | (Tag::MultiSport, b"FirstSport" | b"NextSport") => {
                Tag::MultiSport
            }
            (Tag::Activities | Tag::MultiSport, b"Activity") => Tag::Activity,
            (Tag::Activity, b"Id") => Tag::Id,
            (Tag::Activity, b"Notes") => Tag::Notes,
            (Tag::Activity, b"Creator") => Tag::Creator,
            (Tag::Creator, b"Name") => Tag::CreatorName,
            (Tag::Activity, b"Lap") => Tag::Lap,
            (Tag::Lap, b"TotalTimeSeconds") => Tag::LapTime,
            (Tag::Lap, b"DistanceMeters") => Tag::LapDistance,
            (Tag::Lap, b"Calories") => Tag::LapCalories,
            (Tag::Lap, b"AverageHeartRateBpm") => Tag::LapAvgHr,
            (Tag::Lap, b"MaximumHeartRateBpm") => Tag::LapMaxHr,
            (Tag::LapAvgHr, b"Value") => Tag::LapAvgHrValue,
            (Tag::LapMaxHr, b"Value") => Tag::LapMaxHrValue,
            (Tag::Lap, b"Track") => Tag::Track,
            (Tag::Track, b"Trackpoint") => Tag::Trackpoint,
            (Tag::Trackpoint, b"Time") => Tag::Time,
            (Tag::Trackpoint, b"Position") => Tag::Position,
            (Tag::Position, b"LatitudeDegrees") => Tag::Lat,
            (Tag::Position, b"LongitudeDegrees") => Tag::Lon,
            (Tag::Trackpoint, b"AltitudeMeters") => Tag::Altitude,
            (Tag::Trackpoint, b"DistanceMeters") => Tag::Distance,
            (Tag::Trackpoint, b"HeartRateBpm") => Tag::HeartRate,
            (Tag::HeartRate, b"Value") => Tag::HeartRateValue,
            (Tag::Trackpoint, b"Cadence") => Tag::Cadence,
            (Tag::Trackpoint, b"Extensions") => Tag::Extensions,
            (Tag::Extensions, b"TPX") if in_extension_ns() => Tag::Tpx,
            (Tag::Tpx, b"Speed") if in_extension_ns() => Tag::Speed,
            (Tag::Tpx, b"RunCadence") if in_extension_ns() => Tag::RunCadence,
            (Tag::Tpx, b"Watts") if in_extension_ns() => Tag::Watts,
            _ => Tag::Other,
        }
    }
}

/// A `<Lap>` as read.
#[derive(Debug, Clone, Default)]
struct RawLap {
    start: Option<Timestamp>,
    total_time: Option<f64>,
    distance: Option<f64>,
    calories: Option<f64>,
    avg_hr: Option<f64>,
    max_hr: Option<f64>,
}

/// An `<Activity>` being read.
#[derive(Debug, Default)]
struct RawActivity {
    at: u64,
    sport: Option<String>,
    id: Option<String>,
    notes: Option<String>,
    creator: Option<String>,
    laps: Vec<RawLap>,
    points: Vec<TrackPoint>,
    /// Number of `<Track>`s seen so far: each is a segment.
    tracks: u32,
    untimed: usize,
}

/// A `<Trackpoint>` being read; its time is required to keep it.
#[derive(Debug, Default)]
struct RawPoint {
    time: Option<Timestamp>,
    run_cadence: Option<f64>,
    point: TrackPoint,
}

#[derive(Debug, Default)]
struct Document {
    stack: Vec<Tag>,
    saw_root: bool,
    author: Option<String>,
    activity: Option<RawActivity>,
    point: Option<RawPoint>,
    activities: Vec<ParsedActivity>,
    zoneless: Option<(String, u64)>,
    unparsable_times: usize,
    warnings: Vec<Warning>,
}

impl Document {
    fn open(&mut self, reader: &NsReader<&[u8]>, e: &BytesStart<'_>, pos: u64) -> Result<(), FormatError> {
        let name = e.local_name();
        let local = name.as_ref();
        let Some(&parent) = self.stack.last() else {
            if local != b"TrainingCenterDatabase" {
                return Err(FormatError::new(
                    "not_tcx",
                    format!(
                        "the root element is <{}>, not <TrainingCenterDatabase>",
                        String::from_utf8_lossy(e.name().as_ref())
                    ),
                    Location::Byte(pos),
                ));
            }
            self.saw_root = true;
            self.stack.push(Tag::Root);
            return Ok(());
        };
        let in_extension_ns = || {
            let (namespace, _) = reader.resolve_element(e.name());
            namespace == ResolveResult::Bound(Namespace(ACTIVITY_EXTENSION_V2))
        };
        let tag = Tag::classify(local, parent, in_extension_ns);
        match tag {
            Tag::Activity => {
                self.activity = Some(RawActivity {
                    at: pos,
                    sport: attribute(e, b"Sport", pos)?
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty()),
                    ..RawActivity::default()
                });
            }
            Tag::Lap => {
                let start = attribute(e, b"StartTime", pos)?.and_then(|s| self.time(s.as_bytes(), pos));
                if let Some(activity) = &mut self.activity {
                    activity.laps.push(RawLap {
                        start,
                        ..RawLap::default()
                    });
                }
            }
            Tag::Track => {
                if let Some(activity) = &mut self.activity {
                    activity.tracks = activity.tracks.saturating_add(1);
                }
            }
            Tag::Trackpoint => {
                let segment = self.activity.as_ref().map_or(0, |a| a.tracks);
                self.point = Some(RawPoint {
                    point: TrackPoint {
                        segment,
                        ..TrackPoint::default()
                    },
                    ..RawPoint::default()
                });
            }
            _ => {}
        }
        self.stack.push(tag);
        Ok(())
    }

    fn close(&mut self, root_closed: &mut bool) {
        match self.stack.pop() {
            Some(Tag::Trackpoint) => {
                let (Some(raw), Some(activity)) = (self.point.take(), &mut self.activity) else {
                    return;
                };
                match raw.time {
                    Some(time) => {
                        let mut point = raw.point;
                        point.time = time;
                        point.cadence = point.cadence.or(raw.run_cadence);
                        activity.points.push(point);
                    }
                    None => activity.untimed += 1,
                }
            }
            Some(Tag::Activity) => {
                if let Some(raw) = self.activity.take() {
                    if let Some(activity) = self.finish_activity(raw) {
                        self.activities.push(activity);
                    }
                }
            }
            Some(Tag::Root) => *root_closed = true,
            _ => {}
        }
    }

    /// Parses a time, noting the first zone-less one for the file's warning.
    fn time(&mut self, raw: &[u8], pos: u64) -> Option<Timestamp> {
        match xml::parse_time(raw) {
            TimeText::Zoned(t) => Some(t),
            TimeText::AssumedUtc(t) => {
                if self.zoneless.is_none() {
                    self.zoneless = Some((String::from_utf8_lossy(raw.trim_ascii()).into_owned(), pos));
                }
                Some(t)
            }
            TimeText::Invalid => {
                self.unparsable_times += 1;
                None
            }
        }
    }

    fn text(&mut self, raw: &[u8], escaped: bool) {
        let Some(&tag) = self.stack.last() else { return };
        let at = self.activity.as_ref().map_or(0, |a| a.at);
        match tag {
            Tag::Time => {
                let time = self.time(raw, at);
                if let Some(point) = &mut self.point {
                    point.time = time;
                }
            }
            Tag::Lat | Tag::Lon | Tag::Altitude | Tag::Distance | Tag::HeartRateValue | Tag::Cadence => {
                let (Some(raw_point), Some(value)) = (&mut self.point, xml::parse_number(raw)) else {
                    return;
                };
                let point = &mut raw_point.point;
                match tag {
                    Tag::Lat => point.lat = Some(value),
                    Tag::Lon => point.lon = Some(value),
                    Tag::Altitude => point.altitude = Some(value),
                    Tag::Distance => point.distance = Some(value),
                    Tag::HeartRateValue => point.heart_rate = Some(value),
                    _ => point.cadence = Some(value),
                }
            }
            Tag::Speed | Tag::RunCadence | Tag::Watts => {
                let (Some(raw_point), Some(value)) = (&mut self.point, xml::parse_number(raw)) else {
                    return;
                };
                match tag {
                    Tag::Speed => raw_point.point.speed = Some(value),
                    Tag::RunCadence => raw_point.run_cadence = Some(value),
                    _ => raw_point.point.power = Some(value),
                }
            }
            Tag::LapTime | Tag::LapDistance | Tag::LapCalories | Tag::LapAvgHrValue | Tag::LapMaxHrValue => {
                let lap = self.activity.as_mut().and_then(|a| a.laps.last_mut());
                let (Some(lap), Some(value)) = (lap, xml::parse_number(raw)) else {
                    return;
                };
                match tag {
                    Tag::LapTime => lap.total_time = Some(value),
                    Tag::LapDistance => lap.distance = Some(value),
                    // Calories is an integer in the schema, but some writers put "123.0".
                    Tag::LapCalories => lap.calories = Some(value),
                    Tag::LapAvgHrValue => lap.avg_hr = Some(value),
                    _ => lap.max_hr = Some(value),
                }
            }
            Tag::Id | Tag::Notes | Tag::CreatorName => {
                let Some(activity) = &mut self.activity else {
                    return;
                };
                let field = match tag {
                    Tag::Id => &mut activity.id,
                    Tag::Notes => &mut activity.notes,
                    _ => &mut activity.creator,
                };
                field
                    .get_or_insert_with(String::new)
                    .push_str(&decode_text(raw, escaped));
            }
            Tag::AuthorName => {
                self.author
                    .get_or_insert_with(String::new)
                    .push_str(&decode_text(raw, escaped));
            }
            _ => {}
        }
    }

    fn warn(&mut self, code: &'static str, detail: String, at: u64) {
        self.warnings.push(Warning {
            code,
            detail,
            location: Location::Byte(at),
        });
    }

    fn finish_activity(&mut self, mut raw: RawActivity) -> Option<ParsedActivity> {
        let id = non_blank(raw.id.take());
        let id_time = id.as_deref().and_then(|id| self.time(id.as_bytes(), raw.at));
        if raw.untimed > 0 {
            self.warn(
                "point_without_time",
                format!("{} trackpoints without a usable time were skipped", raw.untimed),
                raw.at,
            );
        }
        let backwards = track::drop_backwards(&mut raw.points);
        if backwards > 0 {
            self.warn(
                "time_went_backwards",
                format!("{backwards} trackpoints earlier than the point before them were skipped"),
                raw.at,
            );
        }
        // The activity starts at its Id (Garmin writes the start time there), or at whatever comes first
        // if a lap or point claims to be earlier, so no offset is ever negative.
        let candidates = [
            id_time,
            raw.laps.iter().filter_map(|l| l.start).min(),
            raw.points.first().map(|p| p.time),
        ];
        let Some(start) = candidates.into_iter().flatten().min() else {
            self.warn(
                "no_timestamps",
                "an activity without any times was skipped".into(),
                raw.at,
            );
            return None;
        };
        let built = track::assemble(&raw.points, start, &Location::Byte(raw.at), &mut self.warnings);

        let mut laps = Vec::with_capacity(raw.laps.len());
        let mut end = raw.points.last().map_or(start, |p| p.time);
        let mut next_offset = 0.0;
        for lap in &raw.laps {
            let duration = lap.total_time.unwrap_or(0.0).max(0.0);
            // A lap without a readable StartTime follows the one before it.
            let start_offset = lap.start.map_or(next_offset, |s| track::seconds_since(start, s));
            let lap_end_offset = start_offset + duration;
            // Only hostile durations near f64::MAX overflow; such a lap ends where it starts.
            next_offset = if lap_end_offset.is_finite() {
                lap_end_offset
            } else {
                start_offset
            };
            if let Some(lap_end) = SignedDuration::try_from_secs_f64(next_offset)
                .ok()
                .and_then(|d| start.checked_add(d).ok())
            {
                end = end.max(lap_end);
            }
            laps.push(Lap {
                start_offset,
                duration,
                distance: lap.distance,
                energy: lap.calories,
                avg_heart_rate: lap.avg_hr,
                max_heart_rate: lap.max_hr,
            });
        }

        let sport = raw.sport.take();
        let activity_type = sport
            .as_deref()
            .map_or(ActivityType::Other, activity_type_from_label);
        let mut activity = ParsedActivity::new(activity_type, start, end);
        activity.sport_label = sport;
        // The Id is the start time by the schema, so identity is the start instant, whatever file the
        // TCX came in; the Id text itself is not kept (`2021-04-19T20:57:39.686Z` and
        // `2021-04-19T22:57:39.686+02:00` are one workout). An Id that is not a time (against the
        // schema) is nothing the workout's other files share, so then its first time counts.
        activity.external_id = Some(start_external_id(id_time.unwrap_or(start)));
        activity.notes = non_blank(raw.notes.take());
        activity.device = non_blank(raw.creator.take());
        // Lap totals are what the device computed; the streams are the fallback when laps say nothing.
        activity.distance = sum(laps.iter().map(|l| l.distance))
            .or(built.recorded_distance)
            .or(built.path_distance);
        activity.energy = sum(laps.iter().map(|l| l.energy));
        activity.avg_heart_rate = weighted_average(&laps).or(built.avg_heart_rate);
        activity.max_heart_rate = laps
            .iter()
            .filter_map(|l| l.max_heart_rate)
            .reduce(f64::max)
            .or(built.max_heart_rate);
        activity.elevation_gain = built.elevation_gain;
        activity.moving_time = built.moving_time;
        activity.laps = laps;
        activity.streams = built.streams;
        Some(activity)
    }

    fn finish(mut self) -> ParsedFile {
        if let Some((example, at)) = self.zoneless.take() {
            self.warn(
                "time_without_zone",
                format!("times without a zone (\"{example}\") were read as UTC"),
                at,
            );
        }
        if self.unparsable_times > 0 {
            let detail = format!("{} times could not be read", self.unparsable_times);
            self.warn("unparsable_time", detail, 0);
        }
        let device = self
            .activities
            .iter()
            .find_map(|a| a.device.clone())
            .or_else(|| non_blank(self.author.take()));
        ParsedFile {
            activities: self.activities,
            routes: Vec::new(),
            samples: Vec::new(),
            device,
            warnings: self.warnings,
        }
    }
}

/// The sum of the values present, `None` when none is.
fn sum(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    track::finite(values.flatten().reduce(|a, b| a + b))
}

/// Average heart rate over laps weighted by their duration (a 10-minute lap counts ten times a
/// 1-minute one); a plain mean when no lap has a duration.
fn weighted_average(laps: &[Lap]) -> Option<f64> {
    let rated: Vec<(f64, f64)> = laps
        .iter()
        .filter_map(|l| l.avg_heart_rate.map(|hr| (hr, l.duration)))
        .collect();
    if rated.is_empty() {
        return None;
    }
    let weight: f64 = rated.iter().map(|(_, d)| d).sum();
    let average = if weight > 0.0 {
        rated.iter().map(|(hr, d)| hr * d).sum::<f64>() / weight
    } else {
        rated.iter().map(|(hr, _)| hr).sum::<f64>() / rated.len() as f64
    };
    track::finite(Some(average))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
