//! A Strava bulk export made of the fixtures, as Strava lays it out: `activities.csv` naming each
//! recording (a gzipped FIT, a gzipped GPX, a plain TCX), a row entered by hand, and the other CSVs of
//! the export, which hold nothing Wearhouse reads. Its truth is the recordings' own (the device's
//! figures win over the CSV's rounded ones) plus the hand-entered row's.

use std::io::Write;

use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::fit::fit_activity_truth;
use super::tracks::{gpx_truth, tcx_truth};
use super::truth::{Truth, Workout};
use crate::harness::fixture;

/// The header's first 35 columns, names repeating as in every export.
pub(crate) const HEADER: &str = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,\
Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,\
Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,Elevation Gain,\
Elevation Loss,Elevation Low,Elevation High,Max Grade,Average Grade,Average Positive Grade,\
Average Negative Grade,Max Cadence,Average Cadence,Max Heart Rate,Average Heart Rate,Max Watts,\
Average Watts,Calories";

/// One row: id, date, name, type, description, elapsed, filename, second distance (m), calories,
/// private note, gear, commute.
#[allow(clippy::too_many_arguments)]
pub(crate) fn row(
    id: &str,
    date: &str,
    name: &str,
    kind: &str,
    elapsed: f64,
    filename: &str,
    metres: f64,
    calories: f64,
    note: &str,
    gear: &str,
    commute: bool,
) -> String {
    let mut cells = vec![String::new(); 35];
    cells[0] = id.into();
    cells[1] = format!("\"{date}\"");
    cells[2] = format!("\"{name}\"");
    cells[3] = kind.into();
    cells[4] = "\"Felt good, legs heavy\"".into();
    cells[5] = format!("{}", elapsed.round());
    cells[6] = format!("{:.2}", metres / 1000.0);
    cells[9] = commute.to_string();
    cells[10] = note.into();
    cells[11] = gear.into();
    cells[12] = filename.into();
    cells[15] = format!("{elapsed:.1}");
    cells[17] = format!("{metres:.1}");
    cells[34] = format!("{calories:.0}");
    cells.join(",")
}

pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// The export's entries (in the order Strava's archive lists them) and what they hold, for a user in
/// `zone`. The CSV's distances are Strava's own, a little off the devices' (which win).
pub(super) fn strava_export(zone: &TimeZone) -> (Vec<(String, Vec<u8>)>, Truth) {
    let fit = fixture("fit/run_2025-10-26.fit");
    let gpx = fixture("gpx/night_run_2025-03-30.gpx");
    let tcx = fixture("tcx/night_ride_2025-11-02.tcx");
    let mut truth = fit_activity_truth(&fit);
    merge(
        &mut truth,
        gpx_truth(&String::from_utf8(gpx.clone()).unwrap(), zone),
    );
    merge(
        &mut truth,
        tcx_truth(&String::from_utf8(tcx.clone()).unwrap(), zone),
    );
    // Entered by hand on Strava: no recording, only the row.
    let manual_start: Timestamp = "2025-06-12T16:30:00Z".parse().unwrap();
    truth.workouts.push(Workout {
        start: manual_start,
        date: Some(manual_start.to_zoned(zone.clone()).date()),
        duration: 2700.0,
        distance: None,
        energy: Some(250.0),
        ..Workout::default()
    });
    (export_entries(), truth)
}

/// The export's entries, in the order Strava's archive lists them.
pub(crate) fn export_entries() -> Vec<(String, Vec<u8>)> {
    let fit = fixture("fit/run_2025-10-26.fit");
    let gpx = fixture("gpx/night_run_2025-03-30.gpx");
    let tcx = fixture("tcx/night_ride_2025-11-02.tcx");
    let csv = [
        HEADER.to_owned(),
        row(
            "101",
            "Oct 25, 2025, 10:30:00 PM",
            "Berlin night run",
            "Run",
            1830.0,
            "activities/101.fit.gz",
            5100.0,
            400.0,
            "",
            "Pegasus 40",
            false,
        ),
        row(
            "102",
            "Mar 29, 2025, 11:30:00 PM",
            "Clocks change",
            "Run",
            6000.0,
            "activities/102.gpx.gz",
            12000.0,
            900.0,
            "new route",
            "",
            true,
        ),
        row(
            "103",
            "Nov 2, 2025, 3:30:00 AM",
            "Night ride",
            "Ride",
            10800.0,
            "activities/103.tcx",
            60000.0,
            1500.0,
            "",
            "Canyon",
            false,
        ),
        row(
            "104",
            "Jun 12, 2025, 4:30:00 PM",
            "Gym",
            "Weight Training",
            2700.0,
            "",
            0.0,
            250.0,
            "bench 3x5 @ 60",
            "",
            false,
        ),
    ]
    .join("\n");
    vec![
        ("export_4242/activities/101.fit.gz".to_owned(), gzip(&fit)),
        ("export_4242/activities/102.gpx.gz".to_owned(), gzip(&gpx)),
        ("export_4242/activities/103.tcx".to_owned(), tcx),
        ("export_4242/activities.csv".to_owned(), csv.into_bytes()),
        (
            "export_4242/bikes.csv".to_owned(),
            b"Bike Name,Bike Brand\nCanyon,Canyon\n".to_vec(),
        ),
        (
            "export_4242/profile.csv".to_owned(),
            b"Athlete ID,Email Address\n1,ana@example.org\n".to_vec(),
        ),
    ]
}

/// Adds what `other` holds to `truth`.
pub(super) fn merge(truth: &mut Truth, other: Truth) {
    for (metric, amounts) in other.amounts {
        truth.amounts.entry(metric).or_default().extend(amounts);
    }
    for (metric, readings) in other.readings {
        truth.readings.entry(metric).or_default().extend(readings);
    }
    for (metric, days) in other.day_values {
        truth.day_values.entry(metric).or_default().extend(days);
    }
    truth.workouts.extend(other.workouts);
    truth.samples += other.samples;
}
