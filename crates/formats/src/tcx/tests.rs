use proptest::prelude::*;
use wearhouse_model::{ActivityType, StreamKey};

use super::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn codes(file: &ParsedFile) -> Vec<&'static str> {
    file.warnings.iter().map(|w| w.code).collect()
}

/// Two laps, the extension namespace bound to an unusual prefix, float calories, a trackpoint without a
/// time, and a Sport outside the schema's enum.
const TWO_LAPS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
    xmlns:x="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
  <Activities>
    <Activity Sport="Hiking">
      <Id>2021-01-19T23:30:50.000Z</Id>
      <Notes>hills &amp; mud</Notes>
      <Lap StartTime="2021-01-19T23:30:50Z">
        <TotalTimeSeconds>100.0</TotalTimeSeconds>
        <DistanceMeters>300.5</DistanceMeters>
        <Calories>10.0</Calories>
        <AverageHeartRateBpm><Value>100</Value></AverageHeartRateBpm>
        <MaximumHeartRateBpm><Value>120</Value></MaximumHeartRateBpm>
        <Track>
          <Trackpoint>
            <Time>2021-01-19T23:30:51Z</Time>
            <Position><LatitudeDegrees>45.0</LatitudeDegrees><LongitudeDegrees>7.0</LongitudeDegrees></Position>
            <AltitudeMeters>100</AltitudeMeters>
            <DistanceMeters>0.0</DistanceMeters>
            <HeartRateBpm><Value>95</Value></HeartRateBpm>
            <Extensions><x:TPX><x:Speed>2.5</x:Speed><x:RunCadence>80</x:RunCadence></x:TPX></Extensions>
          </Trackpoint>
          <Trackpoint><AltitudeMeters>1</AltitudeMeters></Trackpoint>
        </Track>
        <Extensions><x:LX><x:AvgSpeed>3</x:AvgSpeed></x:LX></Extensions>
      </Lap>
      <Lap StartTime="2021-01-19T23:32:30Z">
        <TotalTimeSeconds>300</TotalTimeSeconds>
        <DistanceMeters>700</DistanceMeters>
        <Calories>20</Calories>
        <AverageHeartRateBpm><Value>140</Value></AverageHeartRateBpm>
        <MaximumHeartRateBpm><Value>150</Value></MaximumHeartRateBpm>
        <Track>
          <Trackpoint>
            <Time>2021-01-19T23:32:30Z</Time>
            <Position><LatitudeDegrees>45.001</LatitudeDegrees><LongitudeDegrees>7.0</LongitudeDegrees></Position>
            <AltitudeMeters>105</AltitudeMeters>
            <DistanceMeters>350</DistanceMeters>
            <Cadence>85</Cadence>
            <Extensions><x:TPX><x:Speed>3.5</x:Speed><x:Watts>210</x:Watts></x:TPX></Extensions>
          </Trackpoint>
        </Track>
      </Lap>
      <Creator><Name>fenix 6 Sapphire</Name></Creator>
    </Activity>
  </Activities>
  <Author><Name>Connect Api</Name></Author>
</TrainingCenterDatabase>"#;

#[test]
fn laps_totals_and_extension_values() {
    let file = read_tcx(TWO_LAPS.as_bytes()).unwrap();
    assert_eq!(codes(&file), ["point_without_time"]);
    assert_eq!(file.device.as_deref(), Some("fenix 6 Sapphire"));
    let a = &file.activities[0];
    assert_eq!(a.activity_type, ActivityType::Hiking);
    assert_eq!(a.sport_label.as_deref(), Some("Hiking"));
    assert_eq!(a.external_id.as_deref(), Some("start:1611099050000"));
    assert_eq!(a.notes.as_deref(), Some("hills & mud"));
    assert_eq!(a.device.as_deref(), Some("fenix 6 Sapphire"));
    assert_eq!(a.start, ts("2021-01-19T23:30:50Z"));
    // The second lap ends 400 s after the start, later than the last trackpoint.
    assert_eq!(a.end, ts("2021-01-19T23:37:30Z"));
    assert_eq!(a.distance, Some(1000.5));
    assert_eq!(a.energy, Some(30.0));
    assert_eq!(a.avg_heart_rate, Some(130.0)); // (100·100 + 140·300) / 400
    assert_eq!(a.max_heart_rate, Some(150.0));
    assert_eq!(a.elevation_gain, Some(5.0));
    assert_eq!(a.laps.len(), 2);
    assert_eq!((a.laps[0].start_offset, a.laps[0].duration), (0.0, 100.0));
    assert_eq!((a.laps[1].start_offset, a.laps[1].duration), (100.0, 300.0));
    assert_eq!(a.laps[0].energy, Some(10.0));
    assert_eq!(a.laps[1].avg_heart_rate, Some(140.0));
    let s = &a.streams;
    assert_eq!(s.time, [1.0, 100.0]);
    assert_eq!(s.channels[&StreamKey::Speed], [Some(2.5), Some(3.5)]);
    assert_eq!(s.channels[&StreamKey::Cadence], [Some(80.0), Some(85.0)]);
    assert_eq!(s.channels[&StreamKey::Power], [None, Some(210.0)]);
    assert_eq!(s.channels[&StreamKey::HeartRate], [Some(95.0), None]);
    // The recorded distance is kept as the stream, not replaced by one derived from positions.
    assert_eq!(s.channels[&StreamKey::Distance], [Some(0.0), Some(350.0)]);
    s.validate().unwrap();
}

#[test]
fn extension_values_are_matched_by_namespace_not_prefix() {
    // `ns3` is Garmin Connect's usual prefix, but here it names some other schema: nothing is read.
    let impostor = TWO_LAPS.replace(
        r#"xmlns:x="http://www.garmin.com/xmlschemas/ActivityExtension/v2""#,
        r#"xmlns:x="http://example.com/not-garmin" xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2""#,
    );
    let a = &read_tcx(impostor.as_bytes()).unwrap().activities[0];
    for key in [StreamKey::Speed, StreamKey::Power] {
        assert!(!a.streams.channels.contains_key(&key), "{key:?}");
    }
    // The core Cadence element still counts; RunCadence from the impostor does not.
    assert_eq!(a.streams.channels[&StreamKey::Cadence], [None, Some(85.0)]);

    // A default-namespace declaration on the element itself works too.
    let inline = r#"<TrainingCenterDatabase><Activities><Activity Sport="Running"><Id>2020-01-01T00:00:00Z</Id>
        <Lap StartTime="2020-01-01T00:00:00Z"><Track><Trackpoint><Time>2020-01-01T00:00:00Z</Time>
        <Extensions><TPX xmlns="http://www.garmin.com/xmlschemas/ActivityExtension/v2"><Speed>4.25</Speed></TPX></Extensions>
        </Trackpoint></Track></Lap></Activity></Activities></TrainingCenterDatabase>"#;
    let a = &read_tcx(inline.as_bytes()).unwrap().activities[0];
    assert_eq!(a.streams.channels[&StreamKey::Speed], [Some(4.25)]);
    assert_eq!(a.activity_type, ActivityType::Running);
}

/// An activity of a TCX whose `<Id>` is `id`, with one lap starting at 10:00:05 and one point at 10:00:07.
fn with_id(id: &str) -> String {
    format!(
        r#"<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
  <Activities><Activity Sport="Running"><Id>{id}</Id>
    <Lap StartTime="2021-04-19T10:00:05.250Z"><TotalTimeSeconds>60</TotalTimeSeconds>
      <Track><Trackpoint><Time>2021-04-19T10:00:07Z</Time></Trackpoint></Track></Lap>
  </Activity></Activities></TrainingCenterDatabase>"#
    )
}

fn id_of(tcx: &str) -> Option<String> {
    read_tcx(tcx.as_bytes()).unwrap().activities[0]
        .external_id
        .clone()
}

#[test]
fn identity_is_the_start_instant_to_the_millisecond() {
    // 2021-04-19T10:00:00.686Z, however the Id writes it.
    let expected = Some("start:1618826400686".to_owned());
    assert_eq!(id_of(&with_id("2021-04-19T10:00:00.686Z")), expected);
    assert_eq!(id_of(&with_id("2021-04-19T12:00:00.686+02:00")), expected);
    assert_eq!(id_of(&with_id(" 2021-04-19T10:00:00.686Z ")), expected);
    // An Id that is not a time: the first time of the activity, the lap's start.
    assert_eq!(id_of(&with_id("run-42")), Some("start:1618826405250".to_owned()));
    assert_eq!(id_of(&with_id("")), Some("start:1618826405250".to_owned()));
}

#[test]
fn sports_outside_the_schema_enum_still_map() {
    for (sport, expected) in [
        ("Running", ActivityType::Running),
        ("Biking", ActivityType::Cycling),
        ("Other", ActivityType::Other),
        ("Swimming", ActivityType::Swimming),
        ("Walk", ActivityType::Walking),
        ("Underwater Basket Weaving", ActivityType::Other),
    ] {
        let tcx = format!(
            r#"<TrainingCenterDatabase><Activities><Activity Sport="{sport}"><Id>2020-01-01T00:00:00Z</Id></Activity></Activities></TrainingCenterDatabase>"#
        );
        let file = read_tcx(tcx.as_bytes()).unwrap();
        let a = &file.activities[0];
        assert_eq!(a.activity_type, expected, "{sport}");
        assert_eq!(a.sport_label.as_deref(), Some(sport));
        // An activity with only an Id still has a start, and no streams.
        assert_eq!(
            (a.start, a.end),
            (ts("2020-01-01T00:00:00Z"), ts("2020-01-01T00:00:00Z"))
        );
        assert!(a.streams.is_empty());
    }
}

#[test]
fn multisport_activities_count_and_courses_do_not() {
    let tcx = r#"<TrainingCenterDatabase><Activities>
        <MultiSportSession><Id>2020-01-01T00:00:00Z</Id>
          <FirstSport><Activity Sport="Biking"><Id>2020-01-01T00:00:00Z</Id></Activity></FirstSport>
          <NextSport><Activity Sport="Running"><Id>2020-01-01T01:00:00Z</Id></Activity></NextSport>
        </MultiSportSession></Activities>
        <Courses><Course><Name>plan</Name><Track><Trackpoint><Time>2020-01-01T00:00:00Z</Time></Trackpoint></Track></Course></Courses>
        </TrainingCenterDatabase>"#;
    let file = read_tcx(tcx.as_bytes()).unwrap();
    let types: Vec<_> = file.activities.iter().map(|a| a.activity_type).collect();
    assert_eq!(types, [ActivityType::Cycling, ActivityType::Running]);
}

#[test]
fn activities_without_times_and_odd_times_warn() {
    let tcx = br#"<TrainingCenterDatabase><Activities><Activity Sport="Running"><Id>soon</Id>
        <Lap><Track><Trackpoint><HeartRateBpm><Value>90</Value></HeartRateBpm></Trackpoint></Track></Lap>
        </Activity></Activities></TrainingCenterDatabase>"#;
    let file = read_tcx(tcx).unwrap();
    assert!(file.activities.is_empty());
    assert_eq!(
        codes(&file),
        ["point_without_time", "no_timestamps", "unparsable_time"]
    );

    let tcx = br#"<TrainingCenterDatabase><Activities><Activity Sport="Running"><Id>2020-01-01T00:00:10</Id>
        <Lap StartTime="2020-01-01T00:00:10"><TotalTimeSeconds>-5</TotalTimeSeconds><Track>
        <Trackpoint><Time>2020-01-01T00:00:05Z</Time></Trackpoint>
        <Trackpoint><Time>2020-01-01T00:00:20Z</Time></Trackpoint>
        <Trackpoint><Time>2020-01-01T00:00:15Z</Time></Trackpoint>
        </Track></Lap></Activity></Activities></TrainingCenterDatabase>"#;
    let file = read_tcx(tcx).unwrap();
    assert_eq!(codes(&file), ["time_went_backwards", "time_without_zone"]);
    let a = &file.activities[0];
    // A point before the Id moves the start back, so no offset is negative.
    assert_eq!(a.start, ts("2020-01-01T00:00:05Z"));
    assert_eq!(a.streams.time, [0.0, 15.0]);
    assert_eq!((a.laps[0].start_offset, a.laps[0].duration), (5.0, 0.0));
}

#[test]
fn totals_of_hostile_numbers_stay_finite() {
    let lap = r#"<Lap StartTime="2020-01-01T00:00:00Z"><TotalTimeSeconds>1e308</TotalTimeSeconds>
        <DistanceMeters>1.7e308</DistanceMeters><AverageHeartRateBpm><Value>1e308</Value></AverageHeartRateBpm></Lap>"#;
    let tcx = format!(
        r#"<TrainingCenterDatabase><Activities><Activity Sport="Running"><Id>2020-01-01T00:00:00Z</Id>{lap}{lap}{lap}</Activity></Activities></TrainingCenterDatabase>"#
    );
    let a = &read_tcx(tcx.as_bytes()).unwrap().activities[0];
    assert_eq!((a.distance, a.avg_heart_rate), (None, None));
    assert!(a.laps.iter().all(|l| l.start_offset.is_finite()));
    assert_eq!(a.end, a.start);
}

#[test]
fn bad_input_is_a_clean_error() {
    let err =
        read_tcx(b"<TrainingCenterDatabase><Activities></Activity></TrainingCenterDatabase>").unwrap_err();
    assert_eq!(err.code, "malformed_xml");
    assert!(matches!(err.location, Location::Byte(b) if b > 0), "{err:?}");
    assert_eq!(
        read_tcx(b"<TrainingCenterDatabase><Activities>")
            .unwrap_err()
            .code,
        "malformed_xml"
    );
    assert_eq!(read_tcx(b"<gpx></gpx>").unwrap_err().code, "not_tcx");
    assert_eq!(read_tcx(b"").unwrap_err().code, "not_tcx");
    assert_eq!(
        read_tcx(br#"<TrainingCenterDatabase><Activities><Activity Sport=Running></Activity></Activities></TrainingCenterDatabase>"#)
            .unwrap_err()
            .code,
        "malformed_xml"
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_tcx(&bytes);
    }

    #[test]
    fn mutated_tcx_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = TWO_LAPS.as_bytes().to_vec();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let cut = cut.index(bytes.len() + 1);
        if let Ok(file) = read_tcx(&bytes[..cut]) {
            for a in file.activities {
                prop_assert!(a.streams.validate().is_ok());
                prop_assert!(a.start <= a.end);
                prop_assert!(a.laps.iter().all(|l| l.start_offset >= 0.0 && l.duration >= 0.0));
                prop_assert!(a.laps.iter().all(|l| l.start_offset.is_finite() && l.duration.is_finite()));
                let totals = [a.distance, a.energy, a.avg_heart_rate, a.max_heart_rate, a.elevation_gain, a.moving_time];
                prop_assert!(totals.iter().flatten().all(|v| v.is_finite()));
            }
        }
    }
}
