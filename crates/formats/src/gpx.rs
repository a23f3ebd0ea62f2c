//! GPX 1.0 and 1.1 reader: each track (`<trk>`) becomes one activity with streams and derived totals;
//! a route (`<rte>`) counts as a workout only when its points carry times and the file has no track; a
//! track or route without any time is a plan, kept as a [`PlannedRoute`]; waypoints are ignored.
//!
//! Hand-written on quick-xml's borrowing slice reader rather than the `gpx` crate: that crate (and `tcx`
//! for TCX) was measured at ~20 MB/s and drops the extensions that make a track a workout — heart rate,
//! cadence, power, temperature. This reader does one pass, allocates per point only what it keeps, and
//! matches extension elements by *local name*, because GPX writers put them in namespaces that vary
//! wildly (Garmin TrackPointExtension v1/v2, PowerExtension, Cluetrust, Apple's un-namespaced `<speed>`).
//! Pure: bytes in, records out.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::track::xml::{self, attribute, decode_text, malformed, non_blank, TimeText};
use crate::track::{self, activity_type_from_label, TrackPoint};
use crate::{FormatError, Location, ParsedActivity, ParsedFile, PlannedRoute, RoutePoint, Warning};

/// Reads a GPX file. Fails only when the bytes are not well-formed XML or the root is not `<gpx>`;
/// anything odd inside (a track without times, a point going back in time) is a [`Warning`].
pub fn read_gpx(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    let mut reader = Reader::from_reader(bytes);
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
            Event::Start(e) => doc.open(&e, pos)?,
            Event::Empty(e) => {
                doc.open(&e, pos)?;
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
        return Err(malformed("the file ends before </gpx>", reader.buffer_position()));
    }
    if !doc.saw_root {
        return Err(FormatError::new("not_gpx", "no <gpx> element", Location::Byte(0)));
    }
    Ok(doc.finish())
}

/// What an open element means here. Children are classified by their parent, so a `<time>` counts as a
/// point's time only directly inside a point, never in `<metadata>` or a waypoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    Track,
    Route,
    Segment,
    Point,
    Name,
    Desc,
    Type,
    Time,
    Ele,
    HeartRate,
    Cadence,
    AirTemp,
    WaterTemp,
    Speed,
    Power,
    Other,
}

impl Tag {
    /// `in_point` is true while a `<trkpt>`/`<rtept>` is open.
    fn classify(local: &[u8], parent: Tag, in_point: bool) -> Tag {
        match (parent, local) {
            (Tag::Root, b"trk") => Tag::Track,
            (Tag::Root, b"rte") => Tag::Route,
            (Tag::Track, b"trkseg") => Tag::Segment,
            (Tag::Segment, b"trkpt") | (Tag::Route, b"rtept") => Tag::Point,
            (Tag::Track | Tag::Route, b"name") => Tag::Name,
            (Tag::Track | Tag::Route, b"desc") => Tag::Desc,
            (Tag::Track | Tag::Route, b"type") => Tag::Type,
            (Tag::Point, b"time") => Tag::Time,
            (Tag::Point, b"ele") => Tag::Ele,
            // Anywhere below a point: inside <extensions> (GPX 1.1) or directly in the point (GPX 1.0,
            // which also has a core <speed>). Extensions of a track, waypoint or metadata are not read.
            _ if in_point => Tag::extension(local),
            _ => Tag::Other,
        }
    }

    /// Extension values by local name; Garmin's TrackPointExtension `course` and Apple's
    /// `course`/`hAcc`/`vAcc` are deliberately not kept.
    fn extension(local: &[u8]) -> Tag {
        let is = |name: &[u8]| local.eq_ignore_ascii_case(name);
        if is(b"hr") || is(b"heartrate") {
            Tag::HeartRate
        } else if is(b"cad") || is(b"cadence") {
            Tag::Cadence
        } else if is(b"atemp") || is(b"temp") {
            Tag::AirTemp
        } else if is(b"wtemp") {
            Tag::WaterTemp
        } else if is(b"speed") {
            Tag::Speed
        } else if is(b"power") || is(b"PowerInWatts") || is(b"watts") {
            Tag::Power
        } else {
            Tag::Other
        }
    }
}

/// A point as read, before its time is known to be usable.
#[derive(Debug, Clone, Copy, Default)]
struct RawPoint {
    time: Option<jiff::Timestamp>,
    unparsable_time: bool,
    lat: Option<f64>,
    lon: Option<f64>,
    ele: Option<f64>,
    hr: Option<f64>,
    cad: Option<f64>,
    power: Option<f64>,
    speed: Option<f64>,
    air_temp: Option<f64>,
    water_temp: Option<f64>,
}

/// A `<trk>` or `<rte>` being read.
#[derive(Debug, Default)]
struct Path {
    is_route: bool,
    at: u64,
    name: Option<String>,
    desc: Option<String>,
    kind: Option<String>,
    segments: Vec<Vec<RawPoint>>,
}

#[derive(Debug, Default)]
struct Document {
    stack: Vec<Tag>,
    saw_root: bool,
    creator: Option<String>,
    path: Option<Path>,
    point: Option<RawPoint>,
    tracks: Vec<Path>,
    routes: Vec<Path>,
    /// The first zone-less time seen, for the one "time_without_zone" warning.
    zoneless: Option<(String, u64)>,
    warnings: Vec<Warning>,
}

impl Document {
    fn open(&mut self, e: &BytesStart<'_>, pos: u64) -> Result<(), FormatError> {
        let name = e.local_name();
        let local = name.as_ref();
        let Some(&parent) = self.stack.last() else {
            if local != b"gpx" {
                return Err(FormatError::new(
                    "not_gpx",
                    format!(
                        "the root element is <{}>, not <gpx>",
                        String::from_utf8_lossy(e.name().as_ref())
                    ),
                    Location::Byte(pos),
                ));
            }
            self.saw_root = true;
            self.creator = attribute(e, b"creator", pos)?.filter(|c| !c.trim().is_empty());
            self.stack.push(Tag::Root);
            return Ok(());
        };
        let tag = Tag::classify(local, parent, self.point.is_some());
        match tag {
            Tag::Track | Tag::Route => {
                self.path = Some(Path {
                    is_route: tag == Tag::Route,
                    at: pos,
                    // A route has no segments: its points go straight into one.
                    segments: if tag == Tag::Route {
                        vec![Vec::new()]
                    } else {
                        Vec::new()
                    },
                    ..Path::default()
                });
            }
            Tag::Segment => {
                if let Some(path) = &mut self.path {
                    path.segments.push(Vec::new());
                }
            }
            Tag::Point => {
                let mut point = RawPoint::default();
                for attr in e.attributes().with_checks(false) {
                    let attr = attr.map_err(|err| malformed(&err.to_string(), pos))?;
                    match attr.key.local_name().as_ref() {
                        b"lat" => point.lat = xml::parse_number(&attr.value),
                        b"lon" => point.lon = xml::parse_number(&attr.value),
                        _ => {}
                    }
                }
                self.point = Some(point);
            }
            _ => {}
        }
        self.stack.push(tag);
        Ok(())
    }

    fn close(&mut self, root_closed: &mut bool) {
        match self.stack.pop() {
            Some(Tag::Point) => {
                if let (Some(point), Some(path)) = (self.point.take(), &mut self.path) {
                    if let Some(segment) = path.segments.last_mut() {
                        segment.push(point);
                    }
                }
            }
            Some(Tag::Track | Tag::Route) => {
                if let Some(path) = self.path.take() {
                    if path.is_route {
                        self.routes.push(path);
                    } else {
                        self.tracks.push(path);
                    }
                }
            }
            Some(Tag::Root) => *root_closed = true,
            _ => {}
        }
    }

    /// Character data of the innermost element; `escaped` is false for CDATA.
    fn text(&mut self, raw: &[u8], escaped: bool) {
        let Some(&tag) = self.stack.last() else { return };
        match tag {
            Tag::Name | Tag::Desc | Tag::Type => {
                let Some(path) = &mut self.path else { return };
                let field = match tag {
                    Tag::Name => &mut path.name,
                    Tag::Desc => &mut path.desc,
                    _ => &mut path.kind,
                };
                field
                    .get_or_insert_with(String::new)
                    .push_str(&decode_text(raw, escaped));
            }
            Tag::Time => {
                let parsed = xml::parse_time(raw);
                if let (TimeText::AssumedUtc(_), None) = (parsed, &self.zoneless) {
                    let at = self.path.as_ref().map_or(0, |p| p.at);
                    self.zoneless = Some((String::from_utf8_lossy(raw.trim_ascii()).into_owned(), at));
                }
                let Some(point) = &mut self.point else { return };
                match parsed {
                    TimeText::Zoned(t) | TimeText::AssumedUtc(t) => point.time = Some(t),
                    TimeText::Invalid => point.unparsable_time = true,
                }
            }
            Tag::Ele
            | Tag::HeartRate
            | Tag::Cadence
            | Tag::AirTemp
            | Tag::WaterTemp
            | Tag::Speed
            | Tag::Power => {
                let Some(point) = &mut self.point else { return };
                let value = xml::parse_number(raw);
                let slot = match tag {
                    Tag::Ele => &mut point.ele,
                    Tag::HeartRate => &mut point.hr,
                    Tag::Cadence => &mut point.cad,
                    Tag::AirTemp => &mut point.air_temp,
                    Tag::WaterTemp => &mut point.water_temp,
                    Tag::Speed => &mut point.speed,
                    _ => &mut point.power,
                };
                if value.is_some() {
                    *slot = value;
                }
            }
            _ => {}
        }
    }

    fn finish(mut self) -> ParsedFile {
        let mut activities = Vec::new();
        if let Some((example, at)) = self.zoneless.take() {
            self.warnings.push(Warning {
                code: "time_without_zone",
                detail: format!("times without a zone (\"{example}\") were read as UTC"),
                location: Location::Byte(at),
            });
        }
        let tracks = std::mem::take(&mut self.tracks);
        let routes = std::mem::take(&mut self.routes);
        let any_tracks = !tracks.is_empty();
        let mut planned = Vec::new();
        // A track or route without any time is a plan (drawn in an app, exported from a route
        // planner): kept as a route to follow, not a workout.
        let (untimed, timed): (Vec<Path>, Vec<Path>) = tracks.into_iter().chain(routes).partition(|path| {
            let mut points = path.segments.iter().flatten().peekable();
            points.peek().is_some() && points.all(|p| p.time.is_none())
        });
        for path in untimed {
            planned.extend(self.planned(path));
        }
        let any_routes = timed.iter().any(|p| p.is_route);
        for path in timed {
            // A timed route next to a track is the plan the track followed, not another workout.
            if path.is_route && any_tracks {
                continue;
            }
            activities.extend(self.activity(path));
        }
        if !any_tracks && !any_routes && planned.is_empty() {
            self.warnings.push(Warning {
                code: "no_tracks",
                detail: "the file has no track or route, only waypoints or metadata".into(),
                location: Location::Byte(0),
            });
        }
        ParsedFile {
            activities,
            routes: planned,
            samples: Vec::new(),
            device: self.creator,
            warnings: self.warnings,
        }
    }

    fn warn(&mut self, code: &'static str, detail: String, at: u64) {
        self.warnings.push(Warning {
            code,
            detail,
            location: Location::Byte(at),
        });
    }

    /// A path without times as a route to follow: its positioned points in order. One with fewer than
    /// two positions draws no line and is said, not kept.
    fn planned(&mut self, path: Path) -> Option<PlannedRoute> {
        let points: Vec<RoutePoint> = path
            .segments
            .iter()
            .flatten()
            .filter_map(|p| {
                let (lat, lon) = (p.lat?, p.lon?);
                let valid = lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
                valid.then_some(RoutePoint {
                    lat,
                    lon,
                    elevation: p.ele.filter(|e| e.is_finite()),
                })
            })
            .collect();
        if points.len() < 2 {
            let what = if path.is_route { "route" } else { "track" };
            self.warn(
                "empty_route",
                format!("a {what} without times and with fewer than two positions was skipped"),
                path.at,
            );
            return None;
        }
        let distance = points
            .windows(2)
            .map(|w| track::haversine((w[0].lat, w[0].lon), (w[1].lat, w[1].lon)))
            .sum();
        let elevation_gain = track::elevation_gain(points.iter().filter_map(|p| p.elevation));
        Some(PlannedRoute {
            name: path.name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
            description: path.desc.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()),
            points,
            distance,
            elevation_gain,
        })
    }

    fn activity(&mut self, mut path: Path) -> Option<ParsedActivity> {
        let what = if path.is_route { "route" } else { "track" };
        let total: usize = path.segments.iter().map(Vec::len).sum();
        if total == 0 {
            if !path.is_route {
                self.warn(
                    "empty_track",
                    "a track without points was skipped".into(),
                    path.at,
                );
            }
            return None;
        }
        // Segments in time order (a device may write them out of order); points keep their order inside.
        path.segments.sort_by_key(|segment| {
            segment
                .iter()
                .find_map(|p| p.time)
                .unwrap_or(jiff::Timestamp::MAX)
        });
        let (mut untimed, mut unparsable) = (0usize, 0usize);
        let mut points = Vec::with_capacity(total);
        for (index, segment) in path.segments.iter().enumerate() {
            for raw in segment {
                let Some(time) = raw.time else {
                    untimed += 1;
                    unparsable += usize::from(raw.unparsable_time);
                    continue;
                };
                points.push(TrackPoint {
                    time,
                    segment: u32::try_from(index).unwrap_or(u32::MAX),
                    lat: raw.lat,
                    lon: raw.lon,
                    altitude: raw.ele,
                    heart_rate: raw.hr,
                    cadence: raw.cad,
                    power: raw.power,
                    speed: raw.speed,
                    temperature: raw.air_temp.or(raw.water_temp),
                    distance: None,
                });
            }
        }
        if untimed > 0 {
            self.warn(
                "point_without_time",
                format!(
                    "{untimed} {what} points without a usable time were skipped ({unparsable} unparsable)"
                ),
                path.at,
            );
        }
        let backwards = track::drop_backwards(&mut points);
        if backwards > 0 {
            self.warn(
                "time_went_backwards",
                format!("{backwards} {what} points earlier than the point before them were skipped"),
                path.at,
            );
        }
        let (first, last) = (points.first()?.time, points.last()?.time);
        let built = track::assemble(&points, first, &Location::Byte(path.at), &mut self.warnings);
        let label = path.kind.map(|k| k.trim().to_owned()).filter(|k| !k.is_empty());
        let mut activity = ParsedActivity::new(
            label
                .as_deref()
                .map_or(wearhouse_model::ActivityType::Other, activity_type_from_label),
            first,
            last,
        );
        activity.sport_label = label;
        activity.title = non_blank(path.name);
        activity.notes = non_blank(path.desc);
        activity.device = self.creator.clone();
        activity.distance = built.path_distance;
        activity.elevation_gain = built.elevation_gain;
        activity.moving_time = built.moving_time;
        activity.avg_heart_rate = built.avg_heart_rate;
        activity.max_heart_rate = built.max_heart_rate;
        activity.streams = built.streams;
        Some(activity)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
