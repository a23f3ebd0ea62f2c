//! Where each field of `activities.csv` is: found by the column's name and, for the five names Strava
//! writes twice, by which occurrence.

use jiff::SignedDuration;

use super::{activity_type, manual_external_id, parse_activity_date, Row, FIRST_COLUMN};
use crate::{FormatError, Location, ParsedActivity};

/// The longest activity read: longer rows are typing mistakes (a 3,000-hour walk) that the store
/// would refuse anyway.
const MAX_ELAPSED_SECONDS: f64 = 14.0 * 86_400.0;

/// The positions of the columns read, by (name, occurrence) in the header.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    id: Option<usize>,
    date: Option<usize>,
    name: Option<usize>,
    kind: Option<usize>,
    description: Option<usize>,
    /// Whole seconds (first `Elapsed Time`) and seconds with a fraction (second).
    elapsed: [Option<usize>; 2],
    /// The second `Distance`, in metres (the first is in the athlete's display unit).
    distance_m: Option<usize>,
    /// Both `Max Heart Rate` columns: the second is more precise, the first older.
    max_hr: [Option<usize>; 2],
    avg_hr: Option<usize>,
    /// `true`/`false` (first `Commute`) or `1`/`0` (second).
    commute: [Option<usize>; 2],
    private_note: Option<usize>,
    gear: Option<usize>,
    filename: Option<usize>,
    moving_time: Option<usize>,
    elevation_gain: Option<usize>,
    calories: Option<usize>,
    perceived_exertion: Option<usize>,
}

impl Columns {
    /// Finds the columns in the header row. Fails when the first column is not Strava's `Activity ID`
    /// or when the columns without which no activity can be read (`Activity Date`, `Elapsed Time`) are
    /// missing: a header in another language, say.
    pub fn from_header(header: &csv::StringRecord) -> Result<Self, FormatError> {
        let names: Vec<&str> = header.iter().map(clean_name).collect();
        if names.first() != Some(&FIRST_COLUMN) {
            return Err(FormatError::new(
                "not_strava_activities",
                format!("the first column is not {FIRST_COLUMN:?}: not Strava's activities.csv, or one in another language"),
                Location::Line(1),
            ));
        }
        let find = |name: &str, occurrence: usize| {
            names
                .iter()
                .enumerate()
                .filter(|(_, n)| n.eq_ignore_ascii_case(name))
                .nth(occurrence)
                .map(|(i, _)| i)
        };
        let columns = Columns {
            id: find("Activity ID", 0),
            date: find("Activity Date", 0),
            name: find("Activity Name", 0),
            kind: find("Activity Type", 0),
            description: find("Activity Description", 0),
            elapsed: [find("Elapsed Time", 0), find("Elapsed Time", 1)],
            distance_m: find("Distance", 1),
            max_hr: [find("Max Heart Rate", 0), find("Max Heart Rate", 1)],
            avg_hr: find("Average Heart Rate", 0),
            commute: [find("Commute", 0), find("Commute", 1)],
            private_note: find("Activity Private Note", 0),
            gear: find("Activity Gear", 0),
            filename: find("Filename", 0),
            moving_time: find("Moving Time", 0),
            elevation_gain: find("Elevation Gain", 0),
            calories: find("Calories", 0),
            perceived_exertion: find("Perceived Exertion", 0),
        };
        if columns.date.is_none() || columns.elapsed.iter().all(Option::is_none) {
            return Err(FormatError::new(
                "not_strava_activities",
                "activities.csv has no Activity Date or Elapsed Time column",
                Location::Line(1),
            ));
        }
        Ok(columns)
    }

    /// The activity of one row, or why it cannot be read.
    pub fn activity(&self, row: &csv::StringRecord) -> Result<Row, String> {
        let text = |column: Option<usize>| -> Option<String> {
            let value = row.get(column?)?.trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        let number = |column: Option<usize>| -> Option<f64> {
            text(column)?
                .replace(',', "")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
        };
        let positive = |column: Option<usize>| number(column).filter(|v| *v > 0.0);
        let date = text(self.date).ok_or("no Activity Date")?;
        let start =
            parse_activity_date(&date).ok_or_else(|| format!("Activity Date {date:?} is not a date"))?;
        let elapsed = positive(self.elapsed[1])
            .or_else(|| positive(self.elapsed[0]))
            .ok_or("no Elapsed Time")?;
        if elapsed > MAX_ELAPSED_SECONDS {
            return Err(format!("Elapsed Time of {elapsed} s is longer than 14 days"));
        }
        let end = start
            .checked_add(SignedDuration::from_secs_f64(elapsed))
            .map_err(|_| "Elapsed Time runs past the representable range".to_owned())?;
        let label = text(self.kind);
        let mut activity = ParsedActivity::new(
            label
                .as_deref()
                .map_or(wearhouse_model::ActivityType::Other, activity_type),
            start,
            end,
        );
        activity.sport_label = label;
        activity.title = text(self.name);
        activity.notes = text(self.description);
        activity.private_notes = text(self.private_note);
        activity.gear = text(self.gear);
        activity.commute = self
            .commute
            .iter()
            .filter_map(|c| text(*c))
            .any(|c| matches!(c.to_ascii_lowercase().as_str(), "true" | "1" | "1.0"));
        activity.distance = positive(self.distance_m);
        activity.moving_time = positive(self.moving_time).map(|m| m.min(elapsed));
        activity.elevation_gain = number(self.elevation_gain).filter(|v| *v >= 0.0);
        activity.energy = positive(self.calories);
        activity.avg_heart_rate = positive(self.avg_hr);
        activity.max_heart_rate = positive(self.max_hr[1]).or_else(|| positive(self.max_hr[0]));
        activity.rpe = number(self.perceived_exertion)
            .map(f64::round)
            .filter(|r| (1.0..=10.0).contains(r))
            .map(|r| r as u8);
        let recording_file = text(self.filename);
        // Known by Strava's id (or, without one, by its start) until its recording, if it has one,
        // gives it the device's identity (see `join_recording`).
        activity.external_id = Some(match text(self.id) {
            Some(id) => manual_external_id(&id),
            None => crate::start_external_id(start),
        });
        Ok(Row {
            activity,
            recording_file,
        })
    }
}

/// A header cell as a name: without a byte-order mark, without the HTML that 2020's exports left after
/// some names (`Elevation Gain<span class="unit">(m)</span>`), trimmed.
fn clean_name(cell: &str) -> &str {
    let cell = cell.trim_start_matches('\u{feff}');
    cell.split('<').next().unwrap_or(cell).trim()
}
