//! Known-answer tests on small exports written here: the modern layout, iOS 8's, a damaged file,
//! correlations, time zones across DST, workouts; the synthetic generator read back; and proptests that
//! no input panics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use wearhouse_model::{ActivityType, Metric, Sex, StreamKey};

use crate::Location;

use super::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Reads everything through a `BufReader` of the given capacity (small ones make tags straddle refills).
fn read_with(input: &[u8], capacity: usize) -> (Vec<HealthRecord>, Vec<Warning>, ReadCounts) {
    let mut reader = AppleHealthReader::new(std::io::BufReader::with_capacity(capacity, input));
    let mut records = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        records.push(record);
    }
    assert_eq!(
        reader.bytes_read(),
        input.len() as u64,
        "the whole input is consumed"
    );
    (records, reader.warnings().to_vec(), reader.counts().clone())
}

fn read(input: &[u8]) -> (Vec<HealthRecord>, Vec<Warning>, ReadCounts) {
    let full = read_with(input, 1 << 16);
    for capacity in [1, 7, 100] {
        let small = read_with(input, capacity);
        assert_eq!(small.0, full.0, "capacity {capacity} reads the same records");
        assert_eq!(small.1, full.1, "capacity {capacity} raises the same warnings");
    }
    full
}

fn samples(records: &[HealthRecord]) -> Vec<&ParsedSample> {
    records
        .iter()
        .filter_map(|r| match r {
            HealthRecord::Sample(s) => Some(s),
            _ => None,
        })
        .collect()
}

fn unmapped(records: &[HealthRecord]) -> Vec<&UnmappedRecord> {
    records
        .iter()
        .filter_map(|r| match r {
            HealthRecord::Unmapped(u) => Some(u),
            _ => None,
        })
        .collect()
}

fn workouts(records: &[HealthRecord]) -> Vec<&HealthWorkout> {
    records
        .iter()
        .filter_map(|r| match r {
            HealthRecord::Workout(w) => Some(&**w),
            _ => None,
        })
        .collect()
}

fn offset_of(haystack: &[u8], needle: &[u8]) -> u64 {
    memchr::memmem::find(haystack, needle).unwrap() as u64
}

const MODERN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 11 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="2024-01-15 09:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1988-04-12" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet"/>
 <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Jane’s Apple Watch" sourceVersion="10.2" device="&lt;&lt;HKDevice: 0x282a45810&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch3,2, software:5.2&gt;" unit="count/min" creationDate="2024-01-10 08:14:50 +0100" startDate="2024-01-10 08:14:33 +0100" endDate="2024-01-10 08:14:33 +0100" value="72">
  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>
 </Record>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Jane’s iPhone" unit="count" startDate="2024-01-10 08:00:00 +0100" endDate="2024-01-10 08:10:00 +0100" value="812"/>
 <Record type="HKQuantityTypeIdentifierDistanceWalkingRunning" sourceName="Jane’s iPhone" unit="km" startDate="2024-01-10 08:00:00 +0100" endDate="2024-01-10 08:10:00 +0100" value="0.58"/>
 <Record type="HKQuantityTypeIdentifierOxygenSaturation" sourceName="Jane’s Apple Watch" unit="%" startDate="2024-01-10 03:00:00 +0100" endDate="2024-01-10 03:00:00 +0100" value="0.97"/>
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Health Mate" unit="lb" startDate="2024-01-10 07:00:00 +0100" endDate="2024-01-10 07:00:00 +0100" value="154"/>
 <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Jane’s Apple Watch" unit="count/min" startDate="2024-01-10 08:20:00 +0100" endDate="2024-01-10 08:20:00 +0100" value="400"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Jane’s Apple Watch" startDate="2024-01-10 01:00:00 +0100" endDate="2024-01-10 01:30:00 +0100" value="HKCategoryValueSleepAnalysisAsleepDeep"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Jane’s Apple Watch" startDate="2024-01-10 01:30:00 +0100" endDate="2024-01-10 01:40:00 +0100" value="HKCategoryValueSleepAnalysisDreaming"/>
 <Record type="HKCategoryTypeIdentifierAppleStandHour" sourceName="Jane’s Apple Watch" startDate="2024-01-10 09:00:00 +0100" endDate="2024-01-10 10:00:00 +0100" value="HKCategoryValueAppleStandHourStood"/>
 <Record type="HKCategoryTypeIdentifierMindfulSession" sourceName="Jane’s Apple Watch" startDate="2024-01-10 21:00:00 +0100" endDate="2024-01-10 21:05:30 +0100" value="HKCategoryValueNotApplicable"/>
 <Record type="HKQuantityTypeIdentifierWalkingStepLength" sourceName="Jane’s iPhone" unit="cm" startDate="2024-01-10 08:00:00 +0100" endDate="2024-01-10 08:00:20 +0100" value="71"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Jane’s iPhone" unit="km" startDate="2024-01-10 08:00:00 +0100" endDate="2024-01-10 08:10:00 +0100" value="3"/>
 <Record type="HKQuantityTypeIdentifierHeartRateVariabilitySDNN" sourceName="Jane’s Apple Watch" unit="ms" startDate="2024-01-10 02:00:00 +0100" endDate="2024-01-10 02:01:00 +0100" value="48.5">
  <HeartRateVariabilityMetadataList>
   <InstantaneousBeatsPerMinute bpm="62" time="2:00:01.22 AM"/>
  </HeartRateVariabilityMetadataList>
 </Record>
 <ActivitySummary dateComponents="2024-01-10" activeEnergyBurned="2092" activeEnergyBurnedGoal="2510" activeEnergyBurnedUnit="kJ" appleMoveTime="0" appleMoveTimeGoal="0" appleExerciseTime="41" appleExerciseTimeGoal="30" appleStandHours="11" appleStandHoursGoal="12"/>
</HealthData>
"#;

#[test]
fn reads_a_modern_export() {
    let (records, warnings, counts) = read(MODERN.as_bytes());
    assert!(matches!(
        records[0],
        HealthRecord::Me {
            birth_date: Some(d),
            sex: Some(Sex::Female)
        } if d == Date::constant(1988, 4, 12)
    ));
    let s = samples(&records);
    let hr = s[0];
    assert_eq!(hr.metric, Metric::HeartRate);
    assert_eq!(hr.value, 72.0);
    assert_eq!(hr.start, ts("2024-01-10T07:14:33Z"));
    assert_eq!(hr.end, hr.start);
    assert_eq!(
        hr.offset_minutes, None,
        "no HKTimeZone: the stamped offset is the export's, not used"
    );
    assert_eq!(hr.source_name.as_deref(), Some("Jane’s Apple Watch"));
    assert_eq!(hr.device.as_deref(), Some("Apple Watch"));
    assert_eq!(hr.external_id, None);
    assert_eq!((s[1].metric, s[1].value), (Metric::Steps, 812.0));
    assert_eq!(s[1].device, None);
    assert_eq!(s[1].end, ts("2024-01-10T07:10:00Z"));
    assert_eq!(s[2].metric, Metric::Distance);
    assert!((s[2].value - 580.0).abs() < 1e-9);
    assert_eq!(s[3].metric, Metric::Spo2);
    assert!((s[3].value - 97.0).abs() < 1e-9, "HealthKit's % is a fraction");
    assert_eq!(s[4].metric, Metric::BodyMass);
    assert!((s[4].value - 69.85322498).abs() < 1e-6);
    assert_eq!(
        (s[5].metric, s[5].value),
        (Metric::HeartRate, 400.0),
        "implausible values pass through"
    );
    assert_eq!((s[6].metric, s[6].value), (Metric::Sleep, 4.0));
    assert_eq!((s[7].metric, s[7].value), (Metric::StandHours, 1.0));
    assert_eq!((s[8].metric, s[8].value), (Metric::MindfulMinutes, 5.5));
    assert_eq!((s[9].metric, s[9].value), (Metric::HrvSdnn, 48.5));
    assert_eq!(s.len(), 10);

    let u = unmapped(&records);
    assert_eq!(u.len(), 3);
    assert_eq!(u[0].record_type, "HKCategoryTypeIdentifierSleepAnalysis");
    assert_eq!(
        u[0].value.as_deref(),
        Some("HKCategoryValueSleepAnalysisDreaming")
    );
    assert_eq!(u[1].record_type, "HKQuantityTypeIdentifierWalkingStepLength");
    assert_eq!(
        (u[1].unit.as_deref(), u[1].value.as_deref()),
        (Some("cm"), Some("71"))
    );
    assert_eq!(u[1].source_name.as_deref(), Some("Jane’s iPhone"));
    assert_eq!(u[1].end, ts("2024-01-10T07:00:20Z"));
    assert_eq!(
        u[2].unit.as_deref(),
        Some("km"),
        "steps in km cannot convert: kept raw"
    );

    let summary = records
        .iter()
        .find_map(|r| match r {
            HealthRecord::ActivitySummary(a) => Some(a),
            _ => None,
        })
        .unwrap();
    assert_eq!(summary.date, Date::constant(2024, 1, 10));
    assert!(
        (summary.active_energy.unwrap() - 500.0).abs() < 0.01,
        "kJ become kcal"
    );
    assert!((summary.active_energy_goal.unwrap() - 599.9).abs() < 0.1);
    assert_eq!(summary.exercise_minutes, Some(41.0));
    assert_eq!(summary.stand_hours_goal, Some(12.0));

    let codes: Vec<&str> = warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["unknown_category_value", "unconvertible_unit"]);
    assert_eq!(
        counts,
        ReadCounts {
            samples: 10,
            unmapped: 3,
            activity_summaries: 1,
            ..ReadCounts::default()
        }
    );
}

#[test]
fn export_date_and_locale_are_kept() {
    let mut reader = AppleHealthReader::new(MODERN.as_bytes());
    while reader.next_record().unwrap().is_some() {}
    assert_eq!(reader.export_date(), Some(ts("2024-01-15T08:00:00Z")));
    assert_eq!(reader.locale(), Some("en_GB"));
    let via_iterator = AppleHealthReader::new(MODERN.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(via_iterator.len(), 15);
}

/// iOS 8.3: compact dates, `source=` instead of `sourceName=`, metadata as attributes with spaces in
/// their names (openradar 21431305).
const LEGACY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<HealthData locale="en_US">
 <ExportDate value="20150617101500-0700"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="19800412" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexMale"/>
 <Record type="HKQuantityTypeIdentifierBodyFatPercentage" source="Withings" unit="%" creationDate="20150616071916-0700" startDate="20150616071820-0700" endDate="20150616071820-0700" Health Mate App Version="2.6.0" HKDeviceSerialNumber="xxxx" Withings User Identifier="xxxx" Modified Date="2015-06-16 14:19:08 +0000" Withings Link="withings-bd2://timeline/measure?userid=xxxx&amp;amp;date=xxxx&amp;amp;type=1" HKWasUserEntered="0" value="0.215"/>
 <Record type="HKQuantityTypeIdentifierStepCount" source="Phone" unit="count" startDate="20141029155826+0100" endDate="20141029160326+0100" value="35"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" source="Sleep Cycle" startDate="20141029230000+0100" endDate="20141030063000+0100" value="1" HKTimeZone="Europe/London"/>
 <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" durationUnit="min" totalDistance="5" totalDistanceUnit="km" totalEnergyBurned="300" totalEnergyBurnedUnit="kcal" source="Runkeeper" startDate="20150601070000-0700" endDate="20150601073500-0700"/>
</HealthData>
"#;

#[test]
fn reads_an_ios8_export() {
    let (records, warnings, _) = read(LEGACY.as_bytes());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(matches!(
        records[0],
        HealthRecord::Me { birth_date: Some(d), sex: Some(Sex::Male) } if d == Date::constant(1980, 4, 12)
    ));
    let s = samples(&records);
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].metric, Metric::BodyFatPercentage);
    assert!((s[0].value - 21.5).abs() < 1e-9);
    assert_eq!(s[0].source_name.as_deref(), Some("Withings"));
    assert_eq!(s[0].start, ts("2015-06-16T14:18:20Z"));
    assert_eq!((s[1].metric, s[1].value), (Metric::Steps, 35.0));
    assert_eq!(s[1].end, ts("2014-10-29T15:03:26Z"));
    assert_eq!(
        (s[2].metric, s[2].value),
        (Metric::Sleep, 1.0),
        "legacy 1 = asleep"
    );
    assert_eq!(s[2].offset_minutes, Some(0), "Europe/London in October is GMT");
    let w = workouts(&records)[0];
    assert_eq!(w.activity.activity_type, ActivityType::Running);
    assert_eq!(w.activity.distance, Some(5000.0));
    assert_eq!(w.activity.energy, Some(300.0));
    assert_eq!(w.activity.moving_time, Some(1800.0));
    assert_eq!(w.source_name.as_deref(), Some("Runkeeper"));
    assert_eq!(w.activity.start, ts("2015-06-01T14:00:00Z"));
}

#[test]
fn a_damaged_export_is_read_around_the_damage() {
    // A broken DTD (an ATTLIST without its `>`, as iOS 16 wrote), a `\x0b` in a source name and in a
    // value, an attribute name with spaces, a record whose quote never closes, an unparsable date, and
    // the file cut off in the middle of a tag.
    let doc: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<!DOCTYPE HealthData [
<!ATTLIST VisionPrescription
  type             CDATA #REQUIRED
  brand            CDATA #IMPLIED
<!ELEMENT Attachment EMPTY>
<!ATTLIST Attachment
  identifier CDATA #IMPLIED
>
]>
<HealthData locale=\"en_US\">
 <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Jane\x0bs iPhone\" unit=\"count\" startDate=\"2022-10-01 10:00:00 +0200\" endDate=\"2022-10-01 10:05:00 +0200\" value=\"100\"/>
 <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Jane\" My Key=\"x\" unit=\"count\" startDate=\"2022-10-01 11:00:00 +0200\" endDate=\"2022-10-01 11:05:00 +0200\" value=\"200\"/>
 <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Jane\" unit=\"count\" startDate=\"2022-10-01 12:00:00 +0200\" endDate=\"2022-10-01 12:05:00 +0200\" value=\"300/>
 <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Jane\" unit=\"count\" startDate=\"2022-10-01 13:00:00 +0200\" endDate=\"2022-10-01 13:05:00 +0200\" value=\"400\"/>
 <Record type=\"HKQuantityTypeIdentifierHeartRate\" sourceName=\"Jane\" unit=\"count/min\" startDate=\"2022-10-01 14:00:00 +0200\" endDate=\"2022-10-01 14:00:00 +0200\" value=\"6\x0b1\"/>
 <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Jane\" unit=\"count\" startDate=\"yesterday\" endDate=\"2022-10-01 15:05:00 +0200\" value=\"500\"/>
 <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Jane\" unit=\"count\" startDate=\"2022-10-01 16:00:00 +0200\" endDate=\"2022-10-01 16:05:00 +0200\" value=\"600\"/>
 <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Jane\" unit=\"count\" startDate=\"2022-10-01 17:00:00 +0200\" endDate=\"2022-10-01 17:05:00";
    let (records, warnings, counts) = read(doc);
    let steps: Vec<f64> = samples(&records).iter().map(|s| s.value).collect();
    assert_eq!(
        steps,
        [100.0, 200.0, 400.0, 600.0],
        "every readable record is read"
    );
    assert_eq!(samples(&records)[0].source_name.as_deref(), Some("Janes iPhone"));
    let u = unmapped(&records);
    assert_eq!(u.len(), 1);
    assert_eq!(
        u[0].value.as_deref(),
        Some("61"),
        "kept raw, control character removed"
    );
    let found: Vec<(&str, Location)> = warnings.iter().map(|w| (w.code, w.location.clone())).collect();
    let at = |needle: &[u8]| Location::Byte(offset_of(doc, needle));
    assert_eq!(
        found,
        [
            ("control_character", Location::Byte(offset_of(doc, b"Jane\x0bs") + 4)),
            ("malformed_tag", at(b"<Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Jane\" unit=\"count\" startDate=\"2022-10-01 12")),
            ("unparsable_value", at(b"6\x0b1")),
            ("control_character", Location::Byte(offset_of(doc, b"6\x0b1") + 1)),
            ("unparsable_date", at(b"yesterday")),
            ("truncated", at(b"<Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Jane\" unit=\"count\" startDate=\"2022-10-01 17")),
            ("truncated", Location::Byte(doc.len() as u64)),
        ]
    );
    assert_eq!(counts.skipped, 1);
}

#[test]
fn not_an_export_is_a_clean_error() {
    for input in [
        &b""[..],
        b"hello",
        b"<?xml version=\"1.0\"?><gpx version=\"1.1\"></gpx>",
        b"\x00\x01<\x02",
    ] {
        let mut reader = AppleHealthReader::new(input);
        let err = reader.next_record().unwrap_err();
        assert_eq!(err.code, "not_apple_health", "{input:?}");
        assert_eq!(reader.next_record().unwrap(), None, "the reader stays finished");
    }
}

struct FailingReader;

impl std::io::Read for FailingReader {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("disk on fire"))
    }
}

#[test]
fn a_failing_input_is_an_error() {
    let mut reader = AppleHealthReader::new(std::io::BufReader::new(FailingReader));
    assert_eq!(reader.next_record().unwrap_err().code, "read_failed");
}

const BLOOD_PRESSURE: &str = r#"<HealthData locale="en_US">
 <Record type="HKQuantityTypeIdentifierBloodPressureDiastolic" sourceName="Omron" unit="mmHg" startDate="2023-05-02 08:00:00 +0200" endDate="2023-05-02 08:00:00 +0200" value="78"/>
 <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Omron" unit="mmHg" startDate="2023-05-02 08:00:00 +0200" endDate="2023-05-02 08:00:00 +0200" value="121"/>
 <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Omron" startDate="2023-05-02 08:00:00 +0200" endDate="2023-05-02 08:00:00 +0200">
  <MetadataEntry key="HKTimeZone" value="Europe/Paris"/>
  <Record type="HKQuantityTypeIdentifierBloodPressureDiastolic" sourceName="Omron" unit="mmHg" startDate="2023-05-02 08:00:00 +0200" endDate="2023-05-02 08:00:00 +0200" value="78"/>
  <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Omron" unit="mmHg" startDate="2023-05-02 08:00:00 +0200" endDate="2023-05-02 08:00:00 +0200" value="121"/>
 </Correlation>
 <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Omron" startDate="2023-05-03 08:00:00 +0200" endDate="2023-05-03 08:00:00 +0200">
  <MetadataEntry key="HKTimeZone" value="Europe/Paris"/>
  <Record type="HKQuantityTypeIdentifierBloodPressureDiastolic" sourceName="Omron" unit="mmHg" startDate="2023-05-03 08:00:00 +0200" endDate="2023-05-03 08:00:00 +0200" value="80"/>
  <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Omron" unit="mmHg" startDate="2023-05-03 08:00:00 +0200" endDate="2023-05-03 08:00:00 +0200" value="125"/>
 </Correlation>
 <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Omron" unit="mmHg" startDate="2023-05-03 08:00:00 +0200" endDate="2023-05-03 08:00:00 +0200" value="125"/>
 <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Omron" unit="mmHg" startDate="2023-05-04 08:00:00 +0200" endDate="2023-05-04 08:00:00 +0200" value="119"/>
</HealthData>"#;

#[test]
fn blood_pressure_correlations_yield_each_reading_once() {
    let (records, warnings, counts) = read(BLOOD_PRESSURE.as_bytes());
    assert!(warnings.is_empty(), "{warnings:?}");
    let got: Vec<(Metric, f64, Timestamp)> = samples(&records)
        .iter()
        .map(|s| (s.metric, s.value, s.start))
        .collect();
    assert_eq!(
        got,
        [
            // Top-level copies first (as exports write them); the correlation's copies are skipped.
            (Metric::BloodPressureDiastolic, 78.0, ts("2023-05-02T06:00:00Z")),
            (Metric::BloodPressureSystolic, 121.0, ts("2023-05-02T06:00:00Z")),
            // A correlation whose members are not at top level (or come later) emits them itself.
            (Metric::BloodPressureDiastolic, 80.0, ts("2023-05-03T06:00:00Z")),
            (Metric::BloodPressureSystolic, 125.0, ts("2023-05-03T06:00:00Z")),
            (Metric::BloodPressureSystolic, 119.0, ts("2023-05-04T06:00:00Z")),
        ]
    );
    let inside = &samples(&records)[2];
    assert_eq!(
        inside.offset_minutes,
        Some(120),
        "the correlation's HKTimeZone applies to its members"
    );
    assert_eq!(counts.correlations, 2);
    assert_eq!(counts.correlation_duplicates, 3);
}

#[test]
fn hk_time_zone_gives_the_offset_at_the_record_across_dst() {
    // Exported in winter: every date is stamped +0100, but the late-March records were measured after
    // Europe/Berlin moved to +0200 (2024-03-31 01:00 UTC), and New York's fall-back is 2023-11-05 06:00 UTC.
    let doc = r#"<HealthData locale="de_DE">
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Scale" unit="kg" startDate="2024-03-31 01:30:00 +0100" endDate="2024-03-31 01:30:00 +0100" value="63.2">
  <MetadataEntry key="HKTimeZone" value="Europe/Berlin"/>
 </Record>
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Scale" unit="kg" startDate="2024-03-31 02:30:00 +0100" endDate="2024-03-31 02:30:00 +0100" value="63.1">
  <MetadataEntry key="HKWasUserEntered" value="0"/>
  <MetadataEntry key="HKTimeZone" value="Europe/Berlin"/>
 </Record>
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Scale" unit="kg" startDate="2023-11-05 00:59:59 -0500" endDate="2023-11-05 00:59:59 -0500" value="80">
  <MetadataEntry key="HKTimeZone" value="America/New_York"/>
 </Record>
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Scale" unit="kg" startDate="2023-11-05 01:00:00 -0500" endDate="2023-11-05 01:00:00 -0500" value="80">
  <MetadataEntry key="HKTimeZone" value="America/New_York"/>
 </Record>
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Scale" unit="kg" startDate="2023-11-06 01:00:00 -0500" endDate="2023-11-06 01:00:00 -0500" value="80">
  <MetadataEntry key="HKTimeZone" value="Mars/Olympus_Mons"/>
 </Record>
</HealthData>"#;
    let (records, warnings, _) = read(doc.as_bytes());
    let got: Vec<(Timestamp, Option<i16>)> = samples(&records)
        .iter()
        .map(|s| (s.start, s.offset_minutes))
        .collect();
    assert_eq!(
        got,
        [
            (ts("2024-03-31T00:30:00Z"), Some(60)),
            (ts("2024-03-31T01:30:00Z"), Some(120)),
            (ts("2023-11-05T05:59:59Z"), Some(-240)),
            (ts("2023-11-05T06:00:00Z"), Some(-300)),
            (ts("2023-11-06T06:00:00Z"), None),
        ]
    );
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].code, "unknown_time_zone");
}

const WORKOUT: &str = r#"<HealthData locale="en_US">
 <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30.5" durationUnit="min" sourceName="Jane’s Apple Watch" device="&lt;&lt;HKDevice: 0x1&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch&gt;" startDate="2024-06-01 07:00:00 +0100" endDate="2024-06-01 07:32:00 +0100">
  <MetadataEntry key="HKIndoorWorkout" value="1"/>
  <MetadataEntry key="HKTimeZone" value="Europe/Berlin"/>
  <MetadataEntry key="HKElevationAscended" value="4521 cm"/>
  <WorkoutEvent type="HKWorkoutEventTypeLap" date="2024-06-01 07:00:00 +0100" duration="1" durationUnit="min"/>
  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="2024-06-01 07:00:00 +0100" duration="5.5" durationUnit="min"/>
  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="2024-06-01 07:00:00 +0100" duration="8.85" durationUnit="min"/>
  <WorkoutEvent type="HKWorkoutEventTypePause" date="2024-06-01 07:10:00 +0100"/>
  <WorkoutEvent type="HKWorkoutEventTypeResume" date="2024-06-01 07:11:30 +0100"/>
  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="2024-06-01 07:05:30 +0100" duration="330" durationUnit="s"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="2024-06-01 07:00:00 +0100" endDate="2024-06-01 07:32:00 +0100" sum="1338.88" unit="kJ"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="2024-06-01 07:00:00 +0100" endDate="2024-06-01 07:32:00 +0100" sum="5.2" unit="km"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="2024-06-01 07:00:00 +0100" endDate="2024-06-01 07:32:00 +0100" average="151.5" minimum="98" maximum="174" unit="count/min"/>
  <WorkoutActivity uuid="X" startDate="2024-06-01 07:00:00 +0100" endDate="2024-06-01 07:32:00 +0100">
   <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" average="99" maximum="99" unit="count/min"/>
   <WorkoutEvent type="HKWorkoutEventTypeSegment" date="2024-06-01 07:20:00 +0100" duration="1" durationUnit="min"/>
  </WorkoutActivity>
  <WorkoutRoute sourceName="Jane’s Apple Watch" startDate="2024-06-01 07:00:00 +0100" endDate="2024-06-01 07:32:00 +0100">
   <MetadataEntry key="HKMetadataKeySyncVersion" value="2"/>
   <FileReference path="/workout-routes/route_2024-06-01_8.00am.gpx"/>
  </WorkoutRoute>
 </Workout>
 <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="5" durationUnit="min" totalDistance="0.5" totalDistanceUnit="mi" totalEnergyBurned="48.7" totalEnergyBurnedUnit="kcal" sourceName="Phone" startDate="2016-11-14 07:25:41 -0700" endDate="2016-11-14 07:30:52 -0700">
  <WorkoutRoute sourceName="Phone" startDate="2016-11-14 07:25:40 -0700" endDate="2016-11-14 07:30:51 -0700">
   <Location date="2016-11-14 07:25:40 -0700" latitude="37.7776" longitude="-122.426" altitude="21.3" speed="2.4"/>
   <Location date="2016-11-14 07:25:44 -0700" latitude="37.7777" longitude="-122.426" altitude="21.2694" speed="2.48034"/>
   <Location date="2016-11-14 07:25:45 -0700" latitude="37.7778" longitude="-122.4261" altitude="21.2677" speed="-1"/>
   <Location date="2016-11-14 07:25:43 -0700" latitude="37.7779" longitude="-122.4262" altitude="21.2" speed="1"/>
   <Location date="2016-11-14 07:25:46 -0700" latitude="137.7779" longitude="-122.4262" speed="1"/>
  </WorkoutRoute>
 </Workout>
 <Workout workoutActivityType="HKWorkoutActivityTypeYoga" sourceName="Phone" startDate="2016-11-14 08:00:00 -0700" endDate="garbage"/>
 <Workout workoutActivityType="HKWorkoutActivityTypeMadeUp" sourceName="Phone" startDate="2016-11-14 09:00:00 -0700" endDate="2016-11-14 09:10:00 -0700"/>
</HealthData>"#;

#[test]
fn workouts_carry_statistics_laps_routes_and_zone() {
    let (records, warnings, counts) = read(WORKOUT.as_bytes());
    let w = workouts(&records);
    assert_eq!(w.len(), 3);
    let run = &w[0].activity;
    assert_eq!(
        run.activity_type,
        ActivityType::TreadmillRunning,
        "HKIndoorWorkout=1"
    );
    assert_eq!(run.sport_label.as_deref(), Some("HKWorkoutActivityTypeRunning"));
    assert_eq!(run.start, ts("2024-06-01T06:00:00Z"));
    assert_eq!(run.end, ts("2024-06-01T06:32:00Z"));
    assert_eq!(
        run.offset_minutes,
        Some(120),
        "Berlin summer time, though stamped +0100"
    );
    assert_eq!(run.moving_time, Some(1830.0));
    assert_eq!(run.distance, Some(5200.0));
    assert!((run.energy.unwrap() - 320.0).abs() < 1e-9);
    assert_eq!(
        (run.avg_heart_rate, run.max_heart_rate),
        (Some(151.5), Some(174.0))
    );
    assert!((run.elevation_gain.unwrap() - 45.21).abs() < 1e-9);
    assert_eq!(run.device.as_deref(), Some("Apple Watch"));
    let laps: Vec<(f64, f64)> = run.laps.iter().map(|l| (l.start_offset, l.duration)).collect();
    assert_eq!(
        laps,
        [(0.0, 330.0), (330.0, 330.0)],
        "segments win over laps; the overlapping mile split is dropped"
    );
    assert_eq!(w[0].source_name.as_deref(), Some("Jane’s Apple Watch"));
    assert_eq!(w[0].route_files, ["/workout-routes/route_2024-06-01_8.00am.gpx"]);
    assert!(run.streams.is_empty());

    let walk = &w[1].activity;
    assert_eq!(walk.activity_type, ActivityType::Walking);
    assert_eq!(walk.offset_minutes, None);
    assert!((walk.distance.unwrap() - 804.672).abs() < 1e-9);
    assert_eq!(walk.energy, Some(48.7));
    assert_eq!(
        walk.device.as_deref(),
        Some("Phone"),
        "no device: the source names it"
    );
    let streams = &walk.streams;
    streams.validate().unwrap();
    assert_eq!(
        streams.time,
        [3.0, 4.0, 5.0],
        "points before the start or out of order are dropped"
    );
    assert_eq!(
        streams.channels[&StreamKey::Lat],
        [Some(37.7777), Some(37.7778), None]
    );
    assert_eq!(streams.channels[&StreamKey::Lon][2], Some(-122.4262));
    assert_eq!(
        streams.channels[&StreamKey::Altitude],
        [Some(21.2694), Some(21.2677), None]
    );
    assert_eq!(
        streams.channels[&StreamKey::Speed],
        [Some(2.48034), None, Some(1.0)]
    );

    assert_eq!(w[2].activity.activity_type, ActivityType::Other);
    assert_eq!(counts.workouts, 3);
    assert_eq!(counts.skipped, 1);
    let codes: Vec<&str> = warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["route_points_dropped", "unparsable_date"]);
}

#[test]
fn an_unclosed_record_is_finished_by_the_next_one() {
    let doc = r#"<HealthData>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="A" unit="count" startDate="2024-01-01 10:00:00 +0000" endDate="2024-01-01 10:00:00 +0000" value="1">
  <MetadataEntry key="HKTimeZone" value="UTC"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="A" unit="count" startDate="2024-01-01 11:00:00 +0000" endDate="2024-01-01 11:00:00 +0000" value="2">
</HealthData>"#;
    let (records, _, _) = read(doc.as_bytes());
    let got: Vec<(f64, Option<i16>)> = samples(&records)
        .iter()
        .map(|s| (s.value, s.offset_minutes))
        .collect();
    assert_eq!(got, [(1.0, Some(0)), (2.0, None)]);
}

#[test]
fn warnings_are_capped_but_counted() {
    let mut doc = String::from("<HealthData>\n");
    for _ in 0..(MAX_WARNINGS + 50) {
        doc.push_str("<Record type=\"HKQuantityTypeIdentifierStepCount\" startDate=\"x\" endDate=\"x\" value=\"1\"/>\n");
    }
    doc.push_str("</HealthData>");
    let mut reader = AppleHealthReader::new(doc.as_bytes());
    while reader.next_record().unwrap().is_some() {}
    assert_eq!(reader.warnings().len(), MAX_WARNINGS);
    assert_eq!(
        reader.warning_counts()["unparsable_date"],
        (MAX_WARNINGS + 50) as u64
    );
}

#[test]
fn the_synthetic_export_reads_back_with_matching_counts() {
    let mut bytes = Vec::new();
    let stats = synthetic::write_export(&mut bytes, 3, 7).unwrap();
    assert_eq!(stats.bytes, bytes.len() as u64);
    let mut again = Vec::new();
    synthetic::write_export(&mut again, 3, 7).unwrap();
    assert!(bytes == again, "deterministic in the seed");

    let mut reader = AppleHealthReader::new(&bytes[..]);
    let mut per_metric = BTreeMap::new();
    let mut with_zone = 0;
    let mut route_points = 0;
    let mut route_files = 0;
    let mut laps = 0;
    while let Some(record) = reader.next_record().unwrap() {
        match record {
            HealthRecord::Sample(s) => {
                *per_metric.entry(s.metric).or_insert(0u64) += 1;
                with_zone += u64::from(s.offset_minutes.is_some());
                assert!(s.source_name.is_some());
            }
            HealthRecord::Workout(w) => {
                route_points += w.activity.streams.len() as u64;
                route_files += w.route_files.len();
                laps += w.activity.laps.len();
                assert_eq!(w.activity.offset_minutes, Some(60), "January in Berlin");
                assert!(w.activity.avg_heart_rate.is_some() && w.activity.energy.is_some());
                w.activity.streams.validate().unwrap();
            }
            HealthRecord::Me { birth_date, sex } => {
                assert_eq!(
                    (birth_date, sex),
                    (Some(Date::constant(1988, 4, 12)), Some(Sex::Female))
                );
            }
            _ => {}
        }
    }
    assert!(reader.warnings().is_empty(), "{:?}", reader.warnings());
    let counts = reader.counts();
    assert_eq!(counts.samples, stats.samples);
    assert_eq!(counts.unmapped, stats.unmapped);
    assert_eq!(counts.workouts, stats.workouts);
    assert_eq!(counts.correlations, stats.correlations);
    assert_eq!(counts.correlation_duplicates, stats.correlation_copies);
    assert_eq!(counts.activity_summaries, stats.activity_summaries);
    assert_eq!(per_metric, stats.per_metric);
    assert_eq!(route_points, stats.route_points);
    assert_eq!(route_files as u64, stats.workouts - stats.inline_routes);
    assert!(laps > 0 && with_zone > 0);
    assert_eq!(stats.workouts, 3);
    assert_eq!(stats.activity_summaries, 3);
    assert!(stats.correlations >= 1);
    let records = stats.samples + stats.unmapped;
    assert!(
        (1400..=1900).contains(&(records / 3)),
        "{} records a day",
        records / 3
    );
    assert!(
        (300..=500).contains(&(stats.bytes / records)),
        "{} bytes a record",
        stats.bytes / records
    );
}

#[test]
fn memory_stays_flat_however_long_the_export() {
    let mut bytes = Vec::new();
    let stats = synthetic::write_export(&mut bytes, 10, 3).unwrap();
    let mut reader = AppleHealthReader::new(std::io::BufReader::new(&bytes[..]));
    let mut largest = 0;
    while reader.next_record().unwrap().is_some() {
        largest = largest.max(reader.scan.buffer_capacity());
    }
    assert!(stats.bytes > 6_000_000);
    assert!(largest < 1 << 20, "the read buffer grew to {largest} bytes");
    assert!(reader.state.queue.capacity() < 16);
}

fn fixture_strategy() -> impl Strategy<Value = Vec<u8>> {
    let base = [MODERN, LEGACY, BLOOD_PRESSURE, WORKOUT].concat().into_bytes();
    let len = base.len();
    proptest::collection::vec((0..len, any::<u8>(), 0u8..3), 1..20).prop_map(move |edits| {
        let mut bytes = base.clone();
        for (at, byte, op) in edits {
            let at = at.min(bytes.len().saturating_sub(1));
            match op {
                0 => bytes[at] = byte,
                1 => {
                    bytes.insert(at, byte);
                }
                _ => {
                    bytes.remove(at);
                }
            }
        }
        bytes
    })
}

fn drain(input: &[u8]) {
    let mut reader = AppleHealthReader::new(std::io::BufReader::with_capacity(13, input));
    for _ in 0..100_000 {
        match reader.next_record() {
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => return,
        }
    }
    panic!("the reader did not finish");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        drain(&bytes);
        let mut prefixed = b"<HealthData>".to_vec();
        prefixed.extend_from_slice(&bytes);
        drain(&prefixed);
    }

    #[test]
    fn mutated_exports_never_panic(bytes in fixture_strategy()) {
        drain(&bytes);
    }
}
