//! The `Record`s of each type for every day, type by type as Apple orders them: a table for the
//! types that only need a value at jittered times, and a function each for the ones with shape
//! (walking bouts, heart rate that follows the day, sleep stages, weekly measurements).

use std::io::{self, Write};

use wearhouse_model::Metric;

use super::workouts::blood_pressure;
use super::writer::{Gen, Kind, Rec, Source};
use super::{DayPlan, Rng, Sport, TIME_ZONE};
use Source::{Phone, Watch};
use Window::{AllDay, Awake, Night};

/// When in the day a periodic type is recorded.
#[derive(Clone, Copy)]
enum Window {
    Awake,
    /// 00:30–06:00, while asleep.
    Night,
    AllDay,
}

/// A type recorded `per_day` times in `window`, uniformly between `lo` and `hi`, each sample lasting
/// `seconds`.
struct Periodic {
    kind: Kind,
    window: Window,
    per_day: u64,
    lo: f64,
    hi: f64,
    seconds: i64,
}

const fn kind(
    name: &'static str,
    metric: Option<Metric>,
    source: Source,
    unit: &'static str,
    decimals: usize,
) -> Kind {
    Kind {
        name,
        metric,
        source,
        unit,
        decimals,
    }
}

#[rustfmt::skip]
const PERIODIC: &[Periodic] = &[
    Periodic { kind: kind("ActiveEnergyBurned", Some(Metric::ActiveEnergy), Watch, "kcal", 3), window: Awake, per_day: 220, lo: 0.5, hi: 6.0, seconds: 60 },
    Periodic { kind: kind("BasalEnergyBurned", Some(Metric::BasalEnergy), Watch, "kcal", 3), window: AllDay, per_day: 150, lo: 8.0, hi: 12.0, seconds: 576 },
    Periodic { kind: kind("FlightsClimbed", Some(Metric::Floors), Phone, "count", 0), window: Awake, per_day: 8, lo: 1.0, hi: 3.4, seconds: 40 },
    Periodic { kind: kind("AppleStandTime", None, Watch, "min", 0), window: Awake, per_day: 25, lo: 1.0, hi: 5.4, seconds: 300 },
    Periodic { kind: kind("OxygenSaturation", Some(Metric::Spo2), Watch, "%", 2), window: AllDay, per_day: 6, lo: 0.94, hi: 1.0, seconds: 0 },
    Periodic { kind: kind("RespiratoryRate", Some(Metric::RespiratoryRate), Watch, "count/min", 0), window: Night, per_day: 20, lo: 13.0, hi: 17.0, seconds: 400 },
    Periodic { kind: kind("WalkingSpeed", Some(Metric::Speed), Phone, "km/hr", 3), window: Awake, per_day: 15, lo: 4.0, hi: 5.6, seconds: 20 },
    Periodic { kind: kind("WalkingStepLength", None, Phone, "cm", 0), window: Awake, per_day: 15, lo: 65.0, hi: 78.0, seconds: 20 },
    Periodic { kind: kind("WalkingDoubleSupportPercentage", None, Phone, "%", 3), window: Awake, per_day: 10, lo: 0.26, hi: 0.32, seconds: 20 },
    Periodic { kind: kind("EnvironmentalAudioExposure", None, Watch, "dBASPL", 4), window: Awake, per_day: 40, lo: 45.0, hi: 80.0, seconds: 1800 },
    Periodic { kind: kind("HeadphoneAudioExposure", None, Phone, "dBASPL", 4), window: Awake, per_day: 10, lo: 55.0, hi: 75.0, seconds: 600 },
    Periodic { kind: kind("TimeInDaylight", None, Watch, "min", 0), window: Awake, per_day: 10, lo: 1.0, hi: 20.0, seconds: 1200 },
    Periodic { kind: kind("DietaryWater", Some(Metric::Water), Phone, "mL", 0), window: Awake, per_day: 4, lo: 200.0, hi: 500.0, seconds: 0 },
];

type Shaped<W> = fn(&mut Gen<W>, &mut Rng, &DayPlan) -> io::Result<()>;

/// Writes every record type in turn, each for every day.
pub(super) fn write_all<W: Write>(g: &mut Gen<W>, seed: u64, plans: &[DayPlan]) -> io::Result<()> {
    let shaped: [Shaped<W>; 16] = [
        |g, rng, p| walking(g, rng, p, Source::Phone, false),
        |g, rng, p| walking(g, rng, p, Source::Watch, false),
        |g, rng, p| walking(g, rng, p, Source::Phone, true),
        |g, rng, p| walking(g, rng, p, Source::Watch, true),
        heart_rate,
        exercise_minutes,
        stand_hours,
        sleep,
        hrv,
        daily_heart_rates,
        vo2max,
        body_measurements,
        mindful,
        workout_samples,
        |g, _, p| blood_pressure(g, p, false),
        body_temperature,
    ];
    let mut stream = 0u64;
    for periodic in PERIODIC {
        stream += 1;
        for p in plans {
            let mut rng = Rng::new(seed, stream, p.day);
            let (from, to) = match periodic.window {
                Window::Awake => (p.wake, p.bed),
                Window::Night => (p.midnight + 1800, p.midnight + 6 * 3600),
                Window::AllDay => (p.midnight, p.midnight + 86_400),
            };
            let step = ((to - from).max(1) / periodic.per_day.max(1) as i64).max(1);
            for i in 0..periodic.per_day {
                let t = from + i as i64 * step + rng.below((step / 2).max(1) as u64) as i64;
                let value = rng.range(periodic.lo, periodic.hi);
                g.quantity(periodic.kind, value, t, t + periodic.seconds, &[])?;
            }
        }
    }
    for write in shaped {
        stream += 1;
        for p in plans {
            let mut rng = Rng::new(seed, stream, p.day);
            write(g, &mut rng, p)?;
        }
    }
    Ok(())
}

/// Steps or distance for one source: walking bouts through the waking day (the phone and the watch
/// both count, so their records overlap, as they do in real exports).
fn walking<W: Write>(
    g: &mut Gen<W>,
    rng: &mut Rng,
    p: &DayPlan,
    source: Source,
    distance: bool,
) -> io::Result<()> {
    let bouts: i64 = match source {
        Source::Phone => 120,
        _ => 150,
    };
    let step = (p.bed - p.wake).max(3600) / bouts;
    for i in 0..bouts {
        let t = p.wake + i * step;
        let len = 60 + rng.below(600) as i64;
        let steps = (len as f64 * rng.range(0.3, 1.8)).round();
        if distance {
            let k = kind("DistanceWalkingRunning", Some(Metric::Distance), source, "km", 5);
            g.quantity(k, steps * 0.00072, t, t + len, &[])?;
        } else {
            let k = kind("StepCount", Some(Metric::Steps), source, "count", 0);
            g.quantity(k, steps, t, t + len, &[])?;
        }
    }
    Ok(())
}

fn heart_rate<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    let k = kind("HeartRate", Some(Metric::HeartRate), Watch, "count/min", 0);
    let mut t = p.midnight + rng.below(120) as i64;
    while t < p.midnight + 86_400 {
        let in_workout = p.workout.as_ref().filter(|w| (w.start..w.end).contains(&t));
        let asleep = t < p.wake || t > p.bed;
        let (bpm, context, step) = match in_workout {
            Some(w) if w.sport == Sport::Strength => (rng.range(100.0, 140.0), "2", 15),
            Some(_) => (rng.range(135.0, 170.0), "2", 15),
            None if asleep => (rng.range(48.0, 60.0), "1", 900),
            None => (rng.range(62.0, 95.0), "0", 270 + rng.below(120) as i64),
        };
        g.quantity(k, bpm, t, t, &[("HKMetadataKeyHeartRateMotionContext", context)])?;
        t += step;
    }
    Ok(())
}

fn exercise_minutes<W: Write>(g: &mut Gen<W>, _: &mut Rng, p: &DayPlan) -> io::Result<()> {
    let Some(w) = &p.workout else {
        return Ok(());
    };
    let k = kind(
        "AppleExerciseTime",
        Some(Metric::ExerciseMinutes),
        Watch,
        "min",
        0,
    );
    let minutes = ((w.end - w.start) / 60).min(45);
    for i in 0..minutes {
        let t = w.start + i * 60;
        g.quantity(k, 1.0, t, t + 60, &[])?;
    }
    Ok(())
}

/// A category record (no unit) of the watch.
fn category<W: Write>(
    g: &mut Gen<W>,
    ty: &str,
    metric: Metric,
    value: &str,
    (start, end): (i64, i64),
    meta: &[(&str, &str)],
) -> io::Result<()> {
    let rec = Rec {
        ty,
        metric: Some(metric),
        source: Watch,
        unit: None,
        value,
        start,
        end,
        meta,
        beats: false,
    };
    g.record(rec, false)
}

fn stand_hours<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    let first_hour = (p.wake - p.midnight) / 3600 + 1;
    for hour in first_hour..first_hour + 14 {
        let t = p.midnight + hour * 3600;
        let value = if rng.below(10) < 8 {
            "HKCategoryValueAppleStandHourStood"
        } else {
            "HKCategoryValueAppleStandHourIdle"
        };
        let ty = "HKCategoryTypeIdentifierAppleStandHour";
        category(g, ty, Metric::StandHours, value, (t, t + 3600), &[])?;
    }
    Ok(())
}

/// The night that ends this morning: in bed from the previous evening, then stages until waking.
fn sleep<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    const TY: &str = "HKCategoryTypeIdentifierSleepAnalysis";
    const STAGES: [&str; 5] = [
        "HKCategoryValueSleepAnalysisAsleepCore",
        "HKCategoryValueSleepAnalysisAsleepDeep",
        "HKCategoryValueSleepAnalysisAsleepCore",
        "HKCategoryValueSleepAnalysisAsleepREM",
        "HKCategoryValueSleepAnalysisAwake",
    ];
    let meta: &[(&str, &str)] = &[("HKTimeZone", TIME_ZONE)];
    let in_bed = p.midnight - 3600 + rng.below(1800) as i64;
    let value = "HKCategoryValueSleepAnalysisInBed";
    category(g, TY, Metric::Sleep, value, (in_bed, p.wake), meta)?;
    let mut t = in_bed + 600;
    for stage in STAGES.iter().cycle().take(15) {
        if t >= p.wake - 600 {
            break;
        }
        let len = (1200 + rng.below(1800) as i64).min(p.wake - t);
        category(g, TY, Metric::Sleep, stage, (t, t + len), meta)?;
        t += len;
    }
    Ok(())
}

fn hrv<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    for i in 0..5 {
        let t = p.midnight + 3600 + i * 3600 + rng.below(1800) as i64;
        let value = format!("{:.4}", rng.range(25.0, 90.0));
        let rec = Rec {
            ty: "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
            metric: Some(Metric::HrvSdnn),
            source: Watch,
            unit: Some("ms"),
            value: &value,
            start: t,
            end: t + 60,
            meta: &[],
            beats: true,
        };
        g.record(rec, false)?;
    }
    Ok(())
}

fn daily_heart_rates<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    let resting = kind(
        "RestingHeartRate",
        Some(Metric::RestingHeartRate),
        Watch,
        "count/min",
        0,
    );
    let walking = kind(
        "WalkingHeartRateAverage",
        Some(Metric::WalkingHeartRate),
        Watch,
        "count/min",
        0,
    );
    g.quantity(resting, rng.range(52.0, 60.0), p.midnight + 60, p.bed, &[])?;
    g.quantity(walking, rng.range(95.0, 110.0), p.midnight + 60, p.bed, &[])
}

fn vo2max<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    let Some(w) = p
        .workout
        .as_ref()
        .filter(|w| w.sport == Sport::Running && p.day % 3 == 0)
    else {
        return Ok(());
    };
    let k = kind("VO2Max", Some(Metric::Vo2max), Watch, "mL/min·kg", 2);
    g.quantity(
        k,
        rng.range(44.0, 47.0),
        w.end,
        w.end,
        &[("HKVO2MaxTestType", "2")],
    )
}

/// Height once, then weekly weight, body fat, BMI and lean mass from a smart scale.
fn body_measurements<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    let scale = Source::Scale;
    let t = p.wake + 300;
    if p.day == 0 {
        g.quantity(
            kind("Height", Some(Metric::Height), Phone, "cm", 0),
            168.0,
            t,
            t,
            &[],
        )?;
    }
    if p.day % 7 != 0 {
        return Ok(());
    }
    let meta: &[(&str, &str)] = &[("HKTimeZone", TIME_ZONE), ("HKWasUserEntered", "0")];
    let mass = 63.0 + f64::from(p.day % 30) * 0.05 + rng.range(-0.4, 0.4);
    let fat = rng.range(0.22, 0.25);
    g.quantity(
        kind("BodyMass", Some(Metric::BodyMass), scale, "kg", 2),
        mass,
        t,
        t,
        meta,
    )?;
    let k = kind(
        "BodyFatPercentage",
        Some(Metric::BodyFatPercentage),
        scale,
        "%",
        3,
    );
    g.quantity(k, fat, t, t, meta)?;
    let k = kind("BodyMassIndex", Some(Metric::Bmi), scale, "count", 2);
    g.quantity(k, mass / (1.68 * 1.68), t, t, meta)?;
    let k = kind("LeanBodyMass", Some(Metric::LeanBodyMass), scale, "kg", 2);
    g.quantity(k, mass * (1.0 - fat), t, t, meta)
}

fn mindful<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    if p.day % 2 == 1 {
        return Ok(());
    }
    let t = p.bed - 1800 - rng.below(600) as i64;
    let len = 300 + 60 * rng.below(10) as i64;
    let ty = "HKCategoryTypeIdentifierMindfulSession";
    let value = "HKCategoryValueNotApplicable";
    category(g, ty, Metric::MindfulMinutes, value, (t, t + len), &[])
}

/// Power, speed or cadence every 30 s and effort every minute during the day's workout.
fn workout_samples<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    let Some(w) = &p.workout else {
        return Ok(());
    };
    let effort = kind("PhysicalEffort", Some(Metric::Met), Watch, "kcal/hr·kg", 1);
    let mut t = w.start;
    while t < w.end {
        match w.sport {
            Sport::Running => {
                let power = kind("RunningPower", Some(Metric::Power), Watch, "W", 0);
                let speed = kind("RunningSpeed", Some(Metric::Speed), Watch, "km/hr", 3);
                g.quantity(power, rng.range(230.0, 290.0), t, t, &[])?;
                g.quantity(speed, rng.range(9.5, 12.0), t, t, &[])?;
            }
            Sport::Cycling => {
                let power = kind("CyclingPower", Some(Metric::Power), Watch, "W", 0);
                let cadence = kind("CyclingCadence", Some(Metric::Cadence), Watch, "count/min", 0);
                g.quantity(power, rng.range(150.0, 230.0), t, t, &[])?;
                g.quantity(cadence, rng.range(80.0, 95.0), t, t, &[])?;
            }
            Sport::Walking | Sport::Strength => {}
        }
        if (t - w.start) % 60 == 0 {
            g.quantity(effort, rng.range(4.0, 11.0), t, t + 60, &[])?;
        }
        t += 30;
    }
    Ok(())
}

fn body_temperature<W: Write>(g: &mut Gen<W>, rng: &mut Rng, p: &DayPlan) -> io::Result<()> {
    if p.day % 7 != 2 {
        return Ok(());
    }
    let k = kind("BodyTemperature", Some(Metric::BodyTemperature), Phone, "degC", 1);
    let t = p.wake + 600;
    g.quantity(k, rng.range(36.4, 37.1), t, t, &[("HKWasUserEntered", "1")])
}
