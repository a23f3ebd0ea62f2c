//! The one list of readers. A new format is a [`FormatReader`] (usually one file under
//! [`crate::readers`]) and one line in [`READERS`]; the importer finds every reader through
//! [`detect`], for files uploaded on their own and for each entry of an archive alike.

use crate::readers;
use crate::FormatReader;

/// Every reader, in the order [`detect`] asks them; the first that recognises a file reads it.
///
/// Readers that go by the path inside an archive come first: a path written by the exporting service
/// says more than content that several formats share (a TCX under a Takeout's `Fit/` folder is a Google
/// Fit workout, read by the Google Fit reader, which hands it to the TCX reader with Google Fit as its
/// provider). Then content readers, most specific root first: an Apple Health export or a TCX may
/// mention `<gpx` in passing, a GPX never holds `<HealthData`.
pub static READERS: &[&dyn FormatReader] = &[
    &readers::Fitbit,
    &readers::GoogleFit,
    &readers::Strava,
    &readers::Withings,
    &readers::Garmin,
    &readers::Oura,
    &readers::Whoop,
    &readers::AppleHealth,
    &readers::Fit,
    &readers::Tcx,
    &readers::Gpx,
];

/// The reader for a file: `name` is its path inside an archive (empty for a file on its own), `head`
/// its first [`crate::detect::SNIFF_LEN`] bytes. `None` when no reader knows it. Archives themselves
/// are not a format ([`crate::detect::is_zip`]): their entries are.
pub fn detect(name: &str, head: &[u8]) -> Option<&'static dyn FormatReader> {
    READERS.iter().copied().find(|reader| reader.detect(name, head))
}

/// The reader for a file uploaded on its own, which the client named `name` (empty: no name); see
/// [`FormatReader::detect_alone`]. `None` when no reader knows it.
pub fn detect_alone(name: &str, head: &[u8]) -> Option<&'static dyn FormatReader> {
    READERS
        .iter()
        .copied()
        .find(|reader| reader.detect_alone(name, head))
}

/// What can be imported, for the messages that say so (an upload refused, `wearhouse import --help`).
pub const SUPPORTED_FORMATS: &str = "Wearhouse reads, by their content: an Apple Health export (export.zip, \
or export.xml alone), FIT, GPX and TCX files, Oura's JSON export and its Trends CSV, the CSV files of a WHOOP export (physiological_cycles.csv, sleeps.csv, workouts.csv, journal_entries.csv, in English), gzipped FIT, GPX and TCX files inside archives, a Strava bulk export (its ZIP, \
whose activities.csv gives the recordings their titles, gear and notes), and ZIP archives of any of these \
(a Fitbit or Google Fit Takeout, a Withings export, or a Garmin Connect export with the ZIPs of FIT files inside it, say). Files of a Fitbit or Google Fit Takeout, \
Strava's activities.csv and the CSV files of a Withings export, uploaded alone also need the name the export gave them (the X-File-Name header, the multipart file name, or the file's own name for the CLI): \
Fitbit's steps-, distance-, altitude-, heart_rate-, resting_heart_rate-, moderately_active_minutes-, \
very_active_minutes-, lightly_active_minutes-, sedentary_minutes-, time_in_heart_rate_zones-, weight-, sleep- and \
demographic_vo2_max-YYYY-MM-DD.json and exercise-N.json; Google Fit's \
'Daily activity metrics.csv' and its per-day YYYY-MM-DD.csv (in English, German, Spanish, French, Polish, Russian, \
Japanese or Korean), and the raw_com.google.… and \
derived_com.google.… JSON of 'All Data' and the session JSON of 'All Sessions'; Strava's \
activities.csv (in English); a Withings export's weight.csv, bp.csv, height.csv, aggregates_steps.csv, \
activities.csv and raw_…_hr.csv, raw_…_steps.csv and raw_…_sleep-state.csv (in English); a Garmin Connect export's UDSFile_….json, …_sleepData.json, …_summarizedActivities.json, …_userBioMetrics.json (or user_biometrics.json) and HydrationLogFile_….json.";

/// Why a file uploaded on its own is not imported, named `name` by the client, with `head` its first
/// bytes: what it looks like, if it is a file Wearhouse knows it should not read, and what can be read.
pub fn refusal(name: &str, head: &[u8]) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let head_text = String::from_utf8_lossy(head);
    if file.eq_ignore_ascii_case("export_cda.xml") || head_text.contains("<ClinicalDocument") {
        return format!(
            "this is Apple Health's export_cda.xml, which holds the records of export.xml again as clinical \
             documents; upload export.xml or the whole export.zip instead. {SUPPORTED_FORMATS}"
        );
    }
    let named = READERS.iter().any(|reader| reader.detect(name, b""));
    if named {
        return format!(
            "'{file}' is named like a file of an export Wearhouse reads, but its content is not what that file \
             holds. {SUPPORTED_FORMATS}"
        );
    }
    if name.is_empty() {
        return format!("the file is not a format Wearhouse recognises by content, and it came without a name. {SUPPORTED_FORMATS}");
    }
    format!("the file is not a format Wearhouse reads. {SUPPORTED_FORMATS}")
}

/// The reader with this [`FormatReader::id`].
pub fn reader(id: &str) -> Option<&'static dyn FormatReader> {
    READERS.iter().copied().find(|reader| reader.id() == id)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn id(name: &str, head: &[u8]) -> Option<&'static str> {
        detect(name, head).map(|r| r.id())
    }

    const FIT_HEAD: &[u8] = b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00";
    const TCX_HEAD: &[u8] = b"<?xml?><TrainingCenterDatabase xmlns=\"x\">";

    #[test]
    fn ids_are_unique_and_found_again() {
        let mut ids: Vec<&str> = READERS.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(
            ids,
            [
                "apple_health",
                "fit",
                "fitbit",
                "garmin",
                "google_fit",
                "gpx",
                "oura",
                "strava",
                "tcx",
                "whoop",
                "withings"
            ]
        );
        for id in ids {
            assert_eq!(reader(id).map(|r| r.id()), Some(id));
        }
        assert!(reader("zip").is_none());
    }

    #[test]
    fn takeout_files_alone_need_their_export_name_and_matching_content() {
        let alone = |name: &str, head: &[u8]| detect_alone(name, head).map(|r| r.id());
        let weights = b"[{\"logId\": 1, \"weight\": 60.0, \"date\": \"02/20/26\"}]";
        assert_eq!(alone("weight-2026-02-20.json", weights), Some("fitbit"));
        assert_eq!(
            alone("C:\\Downloads\\weight-2026-02-20.json", weights),
            Some("fitbit")
        );
        assert_eq!(alone("", weights), None, "JSON without its name is nobody's");
        assert_eq!(alone("weights.json", weights), None);
        assert_eq!(
            alone("weight-2026-02-20.json", b"<html>"),
            None,
            "the name alone never decides"
        );
        assert_eq!(
            alone(
                "Daily activity metrics.csv",
                b"\xEF\xBB\xBFDate,Move Minutes count"
            ),
            Some("google_fit")
        );
        assert_eq!(
            alone("2025-01-10.csv", b"Start time,End time,Move Minutes count"),
            Some("google_fit")
        );
        assert_eq!(alone("2025-01-10.csv", b"Date,Steps"), None);
        // Translated for an account in another language: its name and its head.
        assert_eq!(
            alone(
                "日別のアクティビティ指標.csv",
                "日付,通常の運動（分）のカウント".as_bytes()
            ),
            Some("google_fit")
        );
        assert_eq!(
            alone("2025-01-10.csv", "Beginn,Ende,Schrittzahl".as_bytes()),
            Some("google_fit")
        );
        assert_eq!(alone("Tägliche Aktivitätswerte.csv", b"Steps,Date"), None);
        assert_eq!(
            alone(
                "derived_com.google.step_count.delta_com.google.android.gms_estimated_steps.json",
                b"{\"Data Source\": \"x\"}"
            ),
            Some("google_fit")
        );
        // Self-describing files go by content, named or not.
        assert_eq!(alone("weight-2026-02-20.json", FIT_HEAD), Some("fit"));
        assert_eq!(alone("", TCX_HEAD), Some("tcx"));
    }

    #[test]
    fn a_refusal_says_what_the_file_looks_like_and_lists_what_is_read() {
        let cda = refusal("export_cda.xml", b"<?xml version=\"1.0\"?><ClinicalDocument>");
        assert!(cda.contains("upload export.xml or the whole export.zip"), "{cda}");
        let misnamed = refusal("weight-2026-02-20.json", b"<html>");
        assert!(misnamed.contains("named like a file of an export"), "{misnamed}");
        let unnamed = refusal("", b"[{}]");
        assert!(unnamed.contains("without a name"), "{unnamed}");
        for text in [cda, misnamed, unnamed] {
            assert!(
                text.contains("X-File-Name")
                    && text.contains("weight-")
                    && text.contains("Daily activity metrics.csv")
            );
        }
    }

    #[test]
    fn self_describing_files_are_recognised_by_content_whatever_their_name() {
        assert_eq!(id("", FIT_HEAD), Some("fit"));
        assert_eq!(id("activities/morning.bin", FIT_HEAD), Some("fit"));
        assert_eq!(id("run.gpx", FIT_HEAD), Some("fit"), "content, not extension");
        assert_eq!(id("notes.fit", b"hello"), None);
        assert_eq!(
            id("", b"<?xml version=\"1.0\"?>\n<gpx version=\"1.1\">"),
            Some("gpx")
        );
        assert_eq!(id("", TCX_HEAD), Some("tcx"));
        assert_eq!(
            id("", b"<?xml?><!DOCTYPE HealthData [ ]><HealthData locale=\"en\">"),
            Some("apple_health")
        );
        assert_eq!(
            id("", b"<HealthData><!-- <gpx is mentioned --></HealthData>"),
            Some("apple_health")
        );
        assert_eq!(id("", b""), None);
        assert_eq!(id("", b"PK\x03\x04"), None, "archives are walked, not read");
    }

    #[test]
    fn export_entries_are_recognised_by_their_path_inside_the_archive() {
        assert_eq!(
            id("Takeout/Fitbit/Global Export Data/steps-2020-01-01.json", b"["),
            Some("fitbit")
        );
        assert_eq!(
            id(
                "Takeout/Fit/All Sessions/2021-04-19T22_57_39+02_00_RUNNING.json",
                b"{"
            ),
            Some("google_fit")
        );
        assert_eq!(
            id(
                "Takeout/Fit/Activities/2021-04-19T22_57_39+02_00_PT11M14.186S_Running.tcx",
                TCX_HEAD
            ),
            Some("google_fit"),
            "a Takeout's TCX is Google Fit's"
        );
        assert_eq!(id("rides/2021-04-19.tcx", TCX_HEAD), Some("tcx"));
        assert_eq!(
            id(
                "Takeout/Fitbit/Global Export Data/lightly_active_minutes-2020-01-01.json",
                b"["
            ),
            Some("fitbit")
        );
        assert_eq!(
            id("Takeout/Fitbit/Global Export Data/calories-2020-01-01.json", b"["),
            None,
            "calories are not read"
        );
        assert_eq!(
            id("", b"[{\"dateTime\": \"03/20/17 23:54:00\", \"value\": \"0\"}]"),
            None
        );
    }
}
