//! Strava's bulk export ("Download or delete your account" → "Request your archive"): a ZIP holding
//! `activities.csv`, one row per activity, and the recordings it names in its `Filename` column
//! (`activities/<n>.fit.gz`, `.gpx`, `.gpx.gz`, `.tcx.gz` …; empty for an activity entered by hand).
//!
//! The CSV holds what only Strava knows: the title, the description, the private note, the gear, the
//! commute flag, the type the athlete chose, the perceived exertion. The recording holds what the device
//! measured. [`read_activities`] turns each row into a workout naming its recording; the importer reads
//! that entry and [`join_recording`] puts the two together.
//!
//! Columns are found by name and occurrence, never by position: Strava keeps appending columns (94 in
//! 2023, over 100 since) and repeats five names (`Elapsed Time`, `Distance`, `Max Heart Rate`,
//! `Relative Effort`, `Commute`), the first in display units, the second in SI units.

mod columns;
mod date;
#[cfg(test)]
mod tests;

use std::io::Read;

use wearhouse_model::ActivityType;

use crate::sink::ActivityRecord;
use crate::{FormatError, Location, ParsedActivity, RecordSink, Warning};

pub use columns::Columns;
pub use date::parse_activity_date;

/// The header's first cell: how an `activities.csv` of Strava's (in English) is told from any other.
pub const FIRST_COLUMN: &str = "Activity ID";

/// Whether `name`, a path inside an archive or the name of an uploaded file, is Strava's activity list.
pub fn is_activities_csv(name: &str) -> bool {
    name.rsplit(['/', '\\'])
        .next()
        .is_some_and(|file| file.eq_ignore_ascii_case("activities.csv"))
}

/// Whether `head`, a file's first bytes, starts with the header of Strava's activity list.
pub fn is_activities_header(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.starts_with(FIRST_COLUMN.as_bytes()) && matches!(head.get(FIRST_COLUMN.len()), Some(b',') | None)
}

/// The external id of an activity known only from its row (entered by hand, or its recording missing
/// from the export): Strava's own id, which cannot collide with a recording's identity.
pub fn manual_external_id(activity_id: &str) -> String {
    format!("strava:{activity_id}")
}

/// Strava's activity type as the CSV writes it (`Weight Training`, `E-Bike Ride`, `Run`): the API's
/// `sport_type` names with spaces and hyphens, except for a few display names of their own.
pub fn activity_type(label: &str) -> ActivityType {
    let compact: String = label.chars().filter(char::is_ascii_alphanumeric).collect();
    let api_name = match compact.to_ascii_lowercase().as_str() {
        "canoe" => "Canoeing",
        "rockclimb" => "RockClimbing",
        "hiit" => "HighIntensityIntervalTraining",
        _ => compact.as_str(),
    };
    ActivityType::from_strava(api_name)
}

/// Reads `activities.csv` row by row, handing each activity to `sink` as a workout whose
/// `recording_file` is its `Filename` (to be joined by the importer), or, for an activity entered by
/// hand, as complete. A row that cannot be read is skipped (`unreadable_row`) with a warning naming its
/// line; a header that is not Strava's is an error.
pub fn read_activities(
    input: impl Read,
    format: &'static str,
    sink: &mut dyn RecordSink,
) -> Result<(), FormatError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(input);
    let mut record = csv::StringRecord::new();
    let header_read = reader.read_record(&mut record).map_err(|e| malformed(&e))?;
    if !header_read {
        return Err(FormatError::new(
            "not_strava_activities",
            "activities.csv is empty",
            Location::Line(1),
        ));
    }
    let columns = Columns::from_header(&record)?;
    let mut warnings = Vec::new();
    let mut skipped = 0u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // A broken quote or a failing input: nothing after it can be trusted.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) || skipped > 1000 {
                    return Err(malformed(&e));
                }
                skipped += 1;
                continue;
            }
        }
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(str::is_empty) {
            continue;
        }
        match columns.activity(&record) {
            Ok(row) => {
                let flow = sink.activity(ActivityRecord {
                    source_name: None,
                    format,
                    route_file: None,
                    recording_file: row.recording_file,
                    recording_by_start: false,
                    activity: row.activity,
                });
                if flow.is_break() {
                    return Ok(());
                }
            }
            Err(detail) => {
                skipped += 1;
                if warnings.len() < 20 {
                    warnings.push(Warning {
                        code: "unreadable_row",
                        detail: format!("line {line}: {detail}"),
                        location: Location::Line(line),
                    });
                }
            }
        }
    }
    if skipped > 0 && sink.skipped("unreadable_row", skipped).is_break() {
        return Ok(());
    }
    let _ = sink.warnings(warnings);
    Ok(())
}

/// One row of `activities.csv`, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub activity: ParsedActivity,
    /// The recording's path inside the export (`activities/4242.fit.gz`), when there is one.
    pub recording_file: Option<String>,
}

/// Puts a row of `activities.csv` (`row`) and the workouts read from its recording (`recorded`)
/// together: the recording gives the times, the streams, the laps, the device and its totals (kept as
/// measured); the row gives what the athlete wrote and chose on Strava (title, description, private
/// note, gear, commute, perceived exertion, the type when the recording's is less precise) and the
/// totals the recording lacks. A recording with several workouts (a multisport FIT) gives each of them
/// the row's words and choices. Without a workout in the recording, the row stands alone.
pub fn join_recording(row: ParsedActivity, recorded: Vec<ParsedActivity>) -> Vec<ParsedActivity> {
    if recorded.is_empty() {
        return vec![row];
    }
    let legs = recorded.len();
    recorded
        .into_iter()
        .map(|mut activity| {
            // The recording keeps its identity (a FIT file's device and time, or the key its format
            // gives it), so the workout is one with the same file uploaded alone or found in another
            // service's export.
            activity.title = row.title.clone().or(activity.title);
            activity.notes = row.notes.clone().or(activity.notes);
            activity.private_notes = row.private_notes.clone();
            activity.gear = row.gear.clone();
            activity.commute = row.commute;
            activity.rpe = row.rpe.or(activity.rpe);
            // The athlete's choice on Strava, unless it says less than the device did (a "Workout"
            // over a FIT file's "strength training") or the recording has several sports.
            if legs == 1 && row.activity_type != ActivityType::Other {
                activity.activity_type = row.activity_type;
                activity.sport_label = row.sport_label.clone();
            }
            if legs == 1 {
                activity.distance = activity.distance.or(row.distance);
                activity.energy = activity.energy.or(row.energy);
                activity.avg_heart_rate = activity.avg_heart_rate.or(row.avg_heart_rate);
                activity.max_heart_rate = activity.max_heart_rate.or(row.max_heart_rate);
                activity.elevation_gain = activity.elevation_gain.or(row.elevation_gain);
                activity.moving_time = activity.moving_time.or(row.moving_time);
            }
            activity
        })
        .collect()
}

fn malformed(e: &csv::Error) -> FormatError {
    let line = e.position().map_or(1, csv::Position::line);
    FormatError::new(
        "malformed_csv",
        format!("activities.csv cannot be read on: {e}"),
        Location::Line(line),
    )
}
