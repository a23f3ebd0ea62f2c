//! What follows the records in an export: blood-pressure correlations, workouts (statistics, split
//! events, a route file or, for some, inline route points) and the daily activity summaries.

use std::fmt::Write as _;
use std::io::{self, Write};

use wearhouse_model::Metric;

use super::super::date::civil_from_days;
use super::writer::{Gen, Rec, Source, SCALE, WATCH};
use super::{DayPlan, Rng, Sport, TIME_ZONE};

/// Writes the correlations, then the workouts, then the activity summaries, each for every day.
pub(super) fn write_all<W: Write>(g: &mut Gen<W>, seed: u64, plans: &[DayPlan]) -> io::Result<()> {
    for p in plans {
        blood_pressure(g, p, true)?;
    }
    for p in plans {
        workout(g, &mut Rng::new(seed, 0xB0B, p.day), p)?;
    }
    for p in plans {
        activity_summary(g, &mut Rng::new(seed, 0x5A5, p.day), p)?;
    }
    Ok(())
}

pub(super) fn blood_pressure<W: Write>(g: &mut Gen<W>, p: &DayPlan, in_correlation: bool) -> io::Result<()> {
    let day = p.day;
    if day % 7 != 1 {
        return Ok(());
    }
    let t = p.wake + 900;
    let systolic = format!("{}", 112 + day % 9);
    let diastolic = format!("{}", 72 + day % 7);
    let records = [
        (
            "HKQuantityTypeIdentifierBloodPressureSystolic",
            Metric::BloodPressureSystolic,
            systolic,
        ),
        (
            "HKQuantityTypeIdentifierBloodPressureDiastolic",
            Metric::BloodPressureDiastolic,
            diastolic,
        ),
    ];
    if in_correlation {
        let (start, created) = (g.date(t), g.date(t + 20));
        let _ = write!(
            g.line,
            " <Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\" sourceName=\"{SCALE}\" sourceVersion=\"6.3.1\" creationDate=\"{created}\" startDate=\"{start}\" endDate=\"{start}\">\n  <MetadataEntry key=\"HKWasUserEntered\" value=\"0\"/>\n"
        );
        g.flush_line()?;
        g.stats.correlations += 1;
    }
    for (ty, metric, value) in &records {
        g.record(
            Rec {
                ty,
                metric: Some(*metric),
                source: Source::Scale,
                unit: Some("mmHg"),
                value,
                start: t,
                end: t,
                meta: &[],
                beats: false,
            },
            in_correlation,
        )?;
        if in_correlation {
            g.stats.correlation_copies += 1;
        }
    }
    if in_correlation {
        g.line.push_str(" </Correlation>\n");
        g.flush_line()?;
    }
    Ok(())
}

fn workout<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    let day = p.day;
    let Some(w) = &p.workout else {
        return Ok(());
    };
    let (start, end, created) = (g.date(w.start), g.date(w.end), g.date(w.end + 30));
    let minutes = (w.end - w.start) as f64 / 60.0;
    let energy = minutes * rng.range(7.0, 12.0);
    let _ = write!(
        g.line,
        " <Workout workoutActivityType=\"{}\" duration=\"{minutes:.4}\" durationUnit=\"min\" sourceName=\"{WATCH}\" sourceVersion=\"10.2\"",
        w.sport.healthkit()
    );
    g.device(Source::Watch);
    let _ = writeln!(
        g.line,
        " creationDate=\"{created}\" startDate=\"{start}\" endDate=\"{end}\">"
    );
    let indoor = if w.sport == Sport::Strength { "1" } else { "0" };
    let _ = writeln!(
        g.line,
        "  <MetadataEntry key=\"HKIndoorWorkout\" value=\"{indoor}\"/>"
    );
    let _ = writeln!(
        g.line,
        "  <MetadataEntry key=\"HKTimeZone\" value=\"{TIME_ZONE}\"/>"
    );
    if w.distance > 0.0 {
        let _ = writeln!(
            g.line,
            "  <MetadataEntry key=\"HKElevationAscended\" value=\"{} cm\"/>",
            2000 + rng.below(6000)
        );
        let _ = writeln!(
            g.line,
            "  <MetadataEntry key=\"HKWeatherTemperature\" value=\"{} degF\"/>",
            35 + rng.below(50)
        );
    }
    // Splits per kilometre, and one pause.
    let mut covered = 0.0;
    let speed = w.distance / (w.end - w.start) as f64;
    while speed > 0.0 && covered + 1000.0 <= w.distance {
        let at = w.start + (covered / speed) as i64;
        let date = g.date(at);
        let _ = writeln!(
            g.line,
            "  <WorkoutEvent type=\"HKWorkoutEventTypeSegment\" date=\"{date}\" duration=\"{:.4}\" durationUnit=\"min\"/>",
            1000.0 / speed / 60.0
        );
        covered += 1000.0;
    }
    let pause = g.date(w.start + 600);
    let resume = g.date(w.start + 630);
    let _ = writeln!(
        g.line,
        "  <WorkoutEvent type=\"HKWorkoutEventTypePause\" date=\"{pause}\"/>"
    );
    let _ = writeln!(
        g.line,
        "  <WorkoutEvent type=\"HKWorkoutEventTypeResume\" date=\"{resume}\"/>"
    );
    let _ = writeln!(
        g.line,
        "  <WorkoutStatistics type=\"HKQuantityTypeIdentifierActiveEnergyBurned\" startDate=\"{start}\" endDate=\"{end}\" sum=\"{energy:.3}\" unit=\"kcal\"/>"
    );
    let _ = writeln!(
        g.line,
        "  <WorkoutStatistics type=\"HKQuantityTypeIdentifierBasalEnergyBurned\" startDate=\"{start}\" endDate=\"{end}\" sum=\"{:.3}\" unit=\"kcal\"/>",
        minutes * 1.1
    );
    if w.distance > 0.0 {
        let ty = if w.sport == Sport::Cycling {
            "DistanceCycling"
        } else {
            "DistanceWalkingRunning"
        };
        let _ = writeln!(
            g.line,
            "  <WorkoutStatistics type=\"HKQuantityTypeIdentifier{ty}\" startDate=\"{start}\" endDate=\"{end}\" sum=\"{:.5}\" unit=\"km\"/>",
            w.distance / 1000.0
        );
    }
    let _ = writeln!(
        g.line,
        "  <WorkoutStatistics type=\"HKQuantityTypeIdentifierHeartRate\" startDate=\"{start}\" endDate=\"{end}\" average=\"{:.2}\" minimum=\"{}\" maximum=\"{}\" unit=\"count/min\"/>",
        rng.range(135.0, 160.0),
        95 + rng.below(10),
        165 + rng.below(15)
    );
    if w.distance > 0.0 {
        let _ = writeln!(
            g.line,
            "  <WorkoutRoute sourceName=\"{WATCH}\" sourceVersion=\"10.2\" creationDate=\"{created}\" startDate=\"{start}\" endDate=\"{end}\">\n   <MetadataEntry key=\"HKMetadataKeySyncVersion\" value=\"2\"/>"
        );
        if day % 5 == 0 {
            // The older format: points inline.
            g.stats.inline_routes += 1;
            for i in 0..30i64 {
                let at = w.start + i * 10;
                let date = g.date(at);
                let _ = writeln!(
                    g.line,
                    "   <Location date=\"{date}\" latitude=\"{:.6}\" longitude=\"{:.6}\" altitude=\"{:.3}\" horizontalAccuracy=\"2.4\" verticalAccuracy=\"1.6\" course=\"-1\" speed=\"{:.3}\"/>",
                    52.52 + i as f64 * 0.0001,
                    13.405 + i as f64 * 0.0001,
                    34.0 + rng.range(0.0, 3.0),
                    speed
                );
                g.stats.route_points += 1;
            }
        } else {
            let local = w.start + i64::from(g.stamp_offset);
            let (y, mo, d) = civil_from_days(local.div_euclid(86_400));
            let secs = local.rem_euclid(86_400);
            let (h, m) = (secs / 3600, secs / 60 % 60);
            let (h12, ampm) = match h {
                0 => (12, "am"),
                1..=11 => (h, "am"),
                12 => (12, "pm"),
                _ => (h - 12, "pm"),
            };
            let _ = writeln!(
                g.line,
                "   <FileReference path=\"/workout-routes/route_{y:04}-{mo:02}-{d:02}_{h12}.{m:02}{ampm}.gpx\"/>"
            );
        }
        let _ = writeln!(g.line, "  </WorkoutRoute>");
    }
    let _ = writeln!(g.line, " </Workout>");
    g.stats.workouts += 1;
    g.flush_line()
}

fn activity_summary<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    let (y, m, d) = civil_from_days((p.midnight + 12 * 3600 + i64::from(g.stamp_offset)).div_euclid(86_400));
    let exercise = p.workout.as_ref().map_or(5, |w| (w.end - w.start) / 60 + 5);
    let _ = writeln!(
        g.line,
        " <ActivitySummary dateComponents=\"{y:04}-{m:02}-{d:02}\" activeEnergyBurned=\"{:.3}\" activeEnergyBurnedGoal=\"500\" activeEnergyBurnedUnit=\"kcal\" appleMoveTime=\"0\" appleMoveTimeGoal=\"0\" appleExerciseTime=\"{exercise}\" appleExerciseTimeGoal=\"30\" appleStandHours=\"{}\" appleStandHoursGoal=\"12\"/>",
        rng.range(300.0, 800.0),
        9 + rng.below(6)
    );
    g.stats.activity_summaries += 1;
    g.flush_line()
}
