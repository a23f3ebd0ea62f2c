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
        assert_eq!(ids, ["apple_health", "fit", "fitbit", "google_fit", "gpx", "tcx"]);
        for id in ids {
            assert_eq!(reader(id).map(|r| r.id()), Some(id));
        }
        assert!(reader("zip").is_none());
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
            None
        );
        assert_eq!(
            id("", b"[{\"dateTime\": \"03/20/17 23:54:00\", \"value\": \"0\"}]"),
            None
        );
    }
}
