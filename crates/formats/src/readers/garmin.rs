//! Garmin Connect's account export ([`crate::garmin`]): JSON summaries recognised by their names and a
//! JSON array in them.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::garmin::{classify, is_garmin_file, read_garmin_file};
use crate::reader::read_whole;
use crate::{ActivityRecord, FormatError, FormatReader, ReadContext, RecordSink};

/// The largest file read. An activities file of a decade of workouts is a few tens of megabytes (each
/// record is ~2 kB of JSON, 5,000 workouts ~10 MB), a daily-summaries file ~100 days; the decoded records
/// are smaller than the text, so text and records stay within the import's memory budget
/// ([`crate::reader::MEMORY_BUDGET`]).
const LIMIT: u64 = 64 * 1024 * 1024;

/// The Garmin export reader.
#[derive(Debug, Clone, Copy)]
pub struct Garmin;

impl FormatReader for Garmin {
    fn id(&self) -> &'static str {
        "garmin"
    }

    fn provider(&self) -> Provider {
        Provider::Garmin
    }

    /// By name and content; with no bytes to look at (asking whether a name is Garmin's), by name.
    fn detect(&self, name: &str, head: &[u8]) -> bool {
        if head.is_empty() {
            return classify(name).is_some();
        }
        is_garmin_file(name, head)
    }

    fn detect_alone(&self, name: &str, head: &[u8]) -> bool {
        is_garmin_file(name, head)
    }

    fn size_limit(&self) -> Option<u64> {
        Some(LIMIT)
    }

    fn read(
        &self,
        input: &mut dyn BufRead,
        name: &str,
        ctx: &ReadContext,
        sink: &mut dyn RecordSink,
    ) -> Result<(), FormatError> {
        let bytes = read_whole(input, LIMIT)?;
        let mut file = read_garmin_file(name, &bytes, &ctx.zones)?;
        // Workouts of the summaries wait, in an archive, for the FIT file that recorded them: the
        // export names those files by upload, not by workout, so they are matched by their start.
        let summaries = std::mem::take(&mut file.activities);
        if super::emit_file(file, self.id(), sink).is_break() {
            return Ok(());
        }
        for activity in summaries {
            let record = ActivityRecord {
                activity,
                format: self.id(),
                source_name: None,
                route_file: None,
                recording_file: None,
                recording_by_start: true,
            };
            if sink.activity(record).is_break() {
                break;
            }
        }
        Ok(())
    }
}
