//! `workouts.csv`: one workout per row, with WHOOP's totals; distance and climb only in exports that
//! hold GPS workouts (the columns are absent otherwise).

use wearhouse_model::ActivityType;

use super::{Header, NotImported, Rows};
use crate::{start_external_id, FormatError, ParsedActivity, ParsedFile};

const UNMAPPED: [&str; 6] = [
    "Activity Strain",
    "HR Zone 1 %",
    "HR Zone 2 %",
    "HR Zone 3 %",
    "HR Zone 4 %",
    "HR Zone 5 %",
];

pub(super) fn read(header: &Header, rows: &mut Rows<'_>, file: &mut ParsedFile) -> Result<(), FormatError> {
    let start_column = header.find("Workout start time");
    let end_column = header.find("Workout end time");
    let name = header.find("Activity name");
    let energy = header.find("Energy burned (cal)");
    let max_hr = header.find("Max HR (bpm)");
    let avg_hr = header.find("Average HR (bpm)");
    let distance = header.find("Distance (meters)");
    let climb = header.find("Altitude gain (meters)");
    let mut not_imported = NotImported::new(header, &UNMAPPED);
    while let Some(row) = rows.next()? {
        not_imported.note(&row);
        let (start, end) = match (row.time(start_column), row.time(end_column)) {
            (Ok(Some(start)), Ok(Some(end))) if start <= end => (start, end),
            (Err(e), _) | (_, Err(e)) => {
                rows.diag.warn("unparsable_date", || e);
                continue;
            }
            _ => {
                let line = row.line;
                rows.diag.warn("no_workout_times", || {
                    format!("line {line}: the workout has no start before its end")
                });
                continue;
            }
        };
        let label = row.cell(name).map(str::to_owned);
        let activity_type = label
            .as_deref()
            .map_or(ActivityType::Other, ActivityType::from_whoop);
        let mut activity = ParsedActivity::new(activity_type, start, end);
        activity.offset_minutes = row.offset_minutes();
        activity.sport_label = label;
        activity.external_id = Some(start_external_id(start));
        // Values outside what a body or a workout can give are left out rather than stored.
        let within = |v: Option<f64>, max: f64| v.filter(|v| (0.0..=max).contains(v));
        activity.energy = within(row.number(energy), 20_000.0);
        activity.max_heart_rate = within(row.number(max_hr), 260.0).filter(|v| *v > 0.0);
        activity.avg_heart_rate = within(row.number(avg_hr), 260.0).filter(|v| *v > 0.0);
        activity.distance = within(row.number(distance), 1_000_000.0).filter(|v| *v > 0.0);
        activity.elevation_gain = within(row.number(climb), 10_000.0);
        file.activities.push(activity);
    }
    not_imported.report(
        &mut rows.diag,
        "a workout's strain and its time per heart-rate zone have no place in a workout yet",
    );
    Ok(())
}
