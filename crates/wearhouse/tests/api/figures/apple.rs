//! Apple Health: what an `export.xml` (current or iOS 8 layout) says, by its records and workouts.

use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::files::{number, start_tags};
use super::truth::{assert_disjoint, seconds, Truth, Workout};

/// `2025-03-30 09:00:00 +0200`, or iOS 8's compact `20150308090000-0400`.
fn apple_date(text: &str) -> Timestamp {
    Timestamp::strptime("%Y-%m-%d %H:%M:%S %z", text)
        .or_else(|_| Timestamp::strptime("%Y%m%d%H%M%S%z", text))
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// An export's records and workouts. Records name no zone of their own (no `HKTimeZone`), so the user's
/// zone places their days. iOS 8 wrote discrete quantities as `average`/`minimum`/`maximum` without a
/// `value`; such a record is one reading, its average, at its start.
pub(super) fn apple_truth(xml: &str, zone: &TimeZone) -> Truth {
    assert!(!xml.contains("HKTimeZone"), "the fixtures observe no offsets");
    let mut truth = Truth::default();
    for r in start_tags(xml, "Record") {
        let (start, end) = (apple_date(&r["startDate"]), apple_date(&r["endDate"]));
        let unit = r["unit"].as_str();
        let value = number(r.get("value").or_else(|| r.get("average")).unwrap());
        truth.samples += 1;
        match r["type"].trim_start_matches("HKQuantityTypeIdentifier") {
            "StepCount" => {
                assert_eq!(unit, "count");
                truth.amount("steps", start, end, value, zone);
            }
            "DistanceWalkingRunning" => {
                let metres = match unit {
                    "km" => value * 1000.0,
                    "m" => value,
                    other => panic!("distance in {other}"),
                };
                truth.amount("distance", start, end, metres, zone);
            }
            "ActiveEnergyBurned" => {
                let kcal = match unit {
                    "kcal" | "Cal" => value,
                    "kJ" => value / 4.184,
                    other => panic!("energy in {other}"),
                };
                truth.amount("active_energy", start, end, kcal, zone);
            }
            "HeartRate" => {
                let bpm = match unit {
                    "count/min" => value,
                    "count/s" => value * 60.0,
                    other => panic!("heart rate in {other}"),
                };
                truth.reading("heart_rate", start, bpm, zone);
            }
            "BloodGlucose" => {
                // HealthKit names the molar mass of glucose in the unit; the value is mmol/L.
                assert_eq!(unit, "mmol<180.1558800000541>/L");
                truth.reading("blood_glucose", start, value, zone);
            }
            other => panic!("the test does not know {other}"),
        }
    }
    for w in start_tags(xml, "Workout") {
        let (start, end) = (apple_date(&w["startDate"]), apple_date(&w["endDate"]));
        let distance = w
            .get("totalDistance")
            .map(|d| match w["totalDistanceUnit"].as_str() {
                "km" => number(d) * 1000.0,
                "m" => number(d),
                other => panic!("distance in {other}"),
            });
        truth.workouts.push(Workout {
            start,
            date: Some(start.to_zoned(zone.clone()).date()),
            duration: seconds(start, end),
            distance,
            energy: w.get("totalEnergyBurned").map(|e| {
                assert_eq!(w["totalEnergyBurnedUnit"], "kcal");
                number(e)
            }),
            ..Workout::default()
        });
    }
    for (metric, amounts) in &truth.amounts {
        assert_disjoint(metric, amounts);
    }
    truth
}
