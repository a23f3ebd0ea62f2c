//! Record shapes from real exports that the reader once kept raw instead of importing: blood glucose in
//! HealthKit's molar unit, written with entities (`unit="mmol&lt;180.1558800000541&gt;/L"`), and iOS 8's
//! discrete quantities with `average`/`minimum`/`maximum` and no `value`. The fixtures are written here,
//! shaped like the exports of the bug report (prolog, DTD, `HealthData`, `Me`, `sourceName`, dates).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::Timestamp;
use wearhouse_formats::apple_health::{AppleHealthReader, HealthRecord, ReadCounts, UnmappedRecord};
use wearhouse_formats::{Location, ParsedSample, Warning};
use wearhouse_model::Metric;

/// Reads everything through `BufReader`s of several sizes (small ones split tags across refills) and
/// checks they agree.
fn read(input: &str) -> (Vec<HealthRecord>, Vec<Warning>, ReadCounts) {
    let read_with = |capacity: usize| {
        let mut reader =
            AppleHealthReader::new(std::io::BufReader::with_capacity(capacity, input.as_bytes()));
        let mut records = Vec::new();
        while let Some(record) = reader.next_record().unwrap() {
            records.push(record);
        }
        (records, reader.warnings().to_vec(), reader.counts().clone())
    };
    let full = read_with(1 << 16);
    for capacity in [1, 7, 100] {
        let small = read_with(capacity);
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

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn at(doc: &str, needle: &str) -> Location {
    Location::Byte(doc.find(needle).unwrap() as u64)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// An iOS 17 export of a user who logs glucose in mmol/L (a CGM app and manual entries), then switched
/// one meter to mg/dL.
const GLUCOSE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
]>
<HealthData locale="fr_FR">
 <ExportDate value="2024-02-20 18:30:12 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1979-09-03" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexMale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
 <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Dexcom G6" sourceVersion="31870" device="&lt;&lt;HKDevice: 0x2838e1a90&gt;, name:CGMBLEKit, manufacturer:Dexcom, model:G6, software:1.4.2&gt;" unit="mmol&lt;180.1558800000541&gt;/L" creationDate="2024-02-12 07:08:41 +0100" startDate="2024-02-12 07:05:40 +0100" endDate="2024-02-12 07:05:40 +0100" value="5.6">
  <MetadataEntry key="HKTimeZone" value="Europe/Paris"/>
 </Record>
 <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Santé" sourceVersion="17.2.1" unit="mmol&lt;180.1558800000541&gt;/L" creationDate="2024-02-12 12:31:02 +0100" startDate="2024-02-12 12:30:00 +0100" endDate="2024-02-12 12:30:00 +0100" value="7.9">
  <MetadataEntry key="HKWasUserEntered" value="1"/>
  <MetadataEntry key="HKBloodGlucoseMealTime" value="2"/>
 </Record>
 <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="mySugr" sourceVersion="3.101.0" unit="mmol&lt;180.156&gt;/L" creationDate="2024-02-13 08:01:19 +0100" startDate="2024-02-13 08:00:00 +0100" endDate="2024-02-13 08:00:00 +0100" value="6.1"/>
 <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Contour" sourceVersion="2.9" unit="mg/dL" creationDate="2024-02-14 07:45:03 +0100" startDate="2024-02-14 07:44:00 +0100" endDate="2024-02-14 07:44:00 +0100" value="101"/>
 <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Contour" sourceVersion="2.9" unit="mmol&lt;180.1558800000541&gt;/dL" creationDate="2024-02-15 07:45:03 +0100" startDate="2024-02-15 07:44:00 +0100" endDate="2024-02-15 07:44:00 +0100" value="5.2"/>
</HealthData>
"#;

#[test]
fn blood_glucose_in_mmol_with_a_molar_mass_written_as_entities_is_imported() {
    let (records, warnings, counts) = read(GLUCOSE);
    let got: Vec<(Metric, f64, Timestamp, Option<&str>)> = samples(&records)
        .iter()
        .map(|s| (s.metric, s.value, s.start, s.source_name.as_deref()))
        .collect();
    assert_eq!(got.len(), 4, "{records:#?}");
    let expected = [
        (5.6, "2024-02-12T06:05:40Z", "Dexcom G6"),
        (7.9, "2024-02-12T11:30:00Z", "Santé"),
        // Another app's rounding of glucose's molar mass: mmol/L all the same.
        (6.1, "2024-02-13T07:00:00Z", "mySugr"),
        (101.0 / 18.0156, "2024-02-14T06:44:00Z", "Contour"),
    ];
    for (sample, (value, start, source)) in got.iter().zip(expected) {
        assert_eq!(sample.0, Metric::BloodGlucose);
        assert!(close(sample.1, value), "{} ≠ {value}", sample.1);
        assert_eq!((sample.2, sample.3), (ts(start), Some(source)));
    }
    let first = samples(&records)[0];
    assert_eq!(first.device.as_deref(), Some("CGMBLEKit"));
    assert_eq!(
        first.offset_minutes,
        Some(60),
        "HKTimeZone Europe/Paris in February"
    );

    // A molar unit per decilitre is not a concentration the catalogue knows: kept raw, decoded, with
    // the usual warning.
    let raw = unmapped(&records);
    assert_eq!(raw.len(), 1);
    assert_eq!(raw[0].unit.as_deref(), Some("mmol<180.1558800000541>/dL"));
    assert_eq!(raw[0].value.as_deref(), Some("5.2"));
    let found: Vec<(&str, Location)> = warnings.iter().map(|w| (w.code, w.location.clone())).collect();
    assert_eq!(
        found,
        [(
            "unconvertible_unit",
            at(
                GLUCOSE,
                r#"<Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Contour" sourceVersion="2.9" unit="mmol"#
            )
        )]
    );
    assert_eq!(
        warnings[0].detail,
        "unit \"mmol<180.1558800000541>/dL\" does not fit blood_glucose; the record is kept unmapped"
    );
    assert_eq!((counts.samples, counts.unmapped, counts.skipped), (4, 1, 0));
}

/// An iOS 8 export: discrete quantities written as `average`/`minimum`/`maximum` without a `value`
/// (heart rate in count/s), next to cumulative ones with a `value`, and a blood-pressure correlation
/// whose members are written in the same shape.
const IOS8: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 1 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT Record (MetadataEntry*)>
<!ATTLIST Record
  type         CDATA #REQUIRED
  unit         CDATA #IMPLIED
  value        CDATA #IMPLIED
  average      CDATA #IMPLIED
  minimum      CDATA #IMPLIED
  maximum      CDATA #IMPLIED
  sourceName   CDATA #REQUIRED
  creationDate CDATA #IMPLIED
  startDate    CDATA #REQUIRED
  endDate      CDATA #REQUIRED
>
]>
<HealthData locale="es_ES">
 <ExportDate value="2015-03-02 21:14:05 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1986-11-23" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet"/>
 <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Ana’s iPhone" unit="count/s" creationDate="2015-03-01 10:00:00 +0100" startDate="2015-03-01 09:10:00 +0100" endDate="2015-03-01 09:12:00 +0100" average="1.25" minimum="1.1" maximum="1.4"/>
 <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Ana’s iPhone" unit="count/s" creationDate="2015-03-01 10:00:00 +0100" startDate="2015-03-01 09:20:00 +0100" endDate="2015-03-01 09:20:00 +0100" value="1.3" average="1.2" minimum="1.2" maximum="1.2"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Ana’s iPhone" unit="count" creationDate="2015-03-01 10:00:00 +0100" startDate="2015-03-01 09:10:00 +0100" endDate="2015-03-01 09:12:00 +0100" value="212"/>
 <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Withings" unit="kg" creationDate="2015-03-01 08:02:11 +0100" startDate="2015-03-01 08:01:57 +0100" endDate="2015-03-01 08:01:57 +0100" average="61.3" minimum="61.3" maximum="61.3"/>
 <Record type="HKQuantityTypeIdentifierActiveEnergyBurned" sourceName="Ana’s iPhone" unit="kcal" creationDate="2015-03-01 10:00:00 +0100" startDate="2015-03-01 09:00:00 +0100" endDate="2015-03-01 10:00:00 +0100" average="0.4" minimum="0.1" maximum="0.9"/>
 <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Ana’s iPhone" unit="count/s" creationDate="2015-03-01 10:00:00 +0100" startDate="2015-03-01 09:30:00 +0100" endDate="2015-03-01 09:31:00 +0100" average="1,25" minimum="1,1" maximum="1,4"/>
 <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Omron" creationDate="2015-03-02 08:00:30 +0100" startDate="2015-03-02 08:00:00 +0100" endDate="2015-03-02 08:00:00 +0100">
  <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Omron" unit="mmHg" creationDate="2015-03-02 08:00:30 +0100" startDate="2015-03-02 08:00:00 +0100" endDate="2015-03-02 08:00:00 +0100" average="121" minimum="121" maximum="121"/>
  <Record type="HKQuantityTypeIdentifierBloodPressureDiastolic" sourceName="Omron" unit="mmHg" creationDate="2015-03-02 08:00:30 +0100" startDate="2015-03-02 08:00:00 +0100" endDate="2015-03-02 08:00:00 +0100" average="79" minimum="79" maximum="79"/>
 </Correlation>
 <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Omron" unit="mmHg" creationDate="2015-03-02 08:00:30 +0100" startDate="2015-03-02 08:00:00 +0100" endDate="2015-03-02 08:00:00 +0100" average="121" minimum="121" maximum="121"/>
 <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Omron" unit="mmHg" creationDate="2015-03-02 08:00:30 +0100" startDate="2015-03-02 08:00:00 +0100" endDate="2015-03-02 08:00:00 +0100" average="118" minimum="118" maximum="118"/>
</HealthData>
"#;

#[test]
fn ios8_discrete_quantities_are_read_from_their_average() {
    let (records, warnings, counts) = read(IOS8);
    let got: Vec<(Metric, f64, Timestamp, Timestamp)> = samples(&records)
        .iter()
        .map(|s| (s.metric, s.value, s.start, s.end))
        .collect();
    let expected = [
        // 1.25 beats a second over two minutes: one reading of 75 bpm over the record's interval.
        (
            Metric::HeartRate,
            75.0,
            "2015-03-01T08:10:00Z",
            "2015-03-01T08:12:00Z",
        ),
        // A `value` wins over the average.
        (
            Metric::HeartRate,
            78.0,
            "2015-03-01T08:20:00Z",
            "2015-03-01T08:20:00Z",
        ),
        (
            Metric::Steps,
            212.0,
            "2015-03-01T08:10:00Z",
            "2015-03-01T08:12:00Z",
        ),
        // Any discrete quantity, not only heart rate.
        (
            Metric::BodyMass,
            61.3,
            "2015-03-01T07:01:57Z",
            "2015-03-01T07:01:57Z",
        ),
        // The correlation's members; the top-level copy of the systolic reading is dropped, the
        // different reading at the same instant is not.
        (
            Metric::BloodPressureSystolic,
            121.0,
            "2015-03-02T07:00:00Z",
            "2015-03-02T07:00:00Z",
        ),
        (
            Metric::BloodPressureDiastolic,
            79.0,
            "2015-03-02T07:00:00Z",
            "2015-03-02T07:00:00Z",
        ),
        (
            Metric::BloodPressureSystolic,
            118.0,
            "2015-03-02T07:00:00Z",
            "2015-03-02T07:00:00Z",
        ),
    ];
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    for (sample, (metric, value, start, end)) in got.iter().zip(expected) {
        assert_eq!(sample.0, metric);
        assert!(close(sample.1, value), "{metric:?}: {} ≠ {value}", sample.1);
        assert_eq!((sample.2, sample.3), (ts(start), ts(end)), "{metric:?}");
    }
    let hr = samples(&records)[0];
    assert_eq!(hr.source_name.as_deref(), Some("Ana’s iPhone"));
    assert_eq!(hr.offset_minutes, None);

    // An average is not an amount of a cumulative quantity, and an unreadable average is no reading:
    // both stay raw, each with a warning.
    let raw: Vec<&str> = unmapped(&records)
        .iter()
        .map(|u| u.record_type.as_str())
        .collect();
    assert_eq!(
        raw,
        [
            "HKQuantityTypeIdentifierActiveEnergyBurned",
            "HKQuantityTypeIdentifierHeartRate"
        ]
    );
    let found: Vec<(&str, Location)> = warnings.iter().map(|w| (w.code, w.location.clone())).collect();
    assert_eq!(
        found,
        [
            (
                "unparsable_value",
                at(
                    IOS8,
                    r#"<Record type="HKQuantityTypeIdentifierActiveEnergyBurned""#
                )
            ),
            ("unparsable_value", at(IOS8, r#"1,25""#)),
        ]
    );
    let details: Vec<&str> = warnings.iter().map(|w| w.detail.as_str()).collect();
    assert_eq!(
        details,
        [
            "a record of active_energy has no value; it is kept unmapped",
            "average \"1,25\" is not a number; the record is kept unmapped",
        ]
    );
    assert_eq!(
        (counts.samples, counts.unmapped, counts.correlation_duplicates),
        (7, 2, 1)
    );
}
