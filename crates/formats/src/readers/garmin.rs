//! Garmin Connect's account export ([`crate::garmin`]): JSON summaries recognised by their names and a
//! JSON array in them.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::garmin::{classify, is_garmin_file, read_garmin_file};
use crate::reader::read_whole;
use crate::{FormatError, FormatReader, ReadContext, RecordSink};

/// The largest file read. An activities file of a decade of workouts is tens of megabytes (each record
/// is ~2 kB of JSON); the decoded records are smaller than the text.
const LIMIT: u64 = 256 * 1024 * 1024;

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
        let file = read_garmin_file(name, &bytes, &ctx.zones)?;
        let _ = super::emit_file(file, self.id(), sink);
        Ok(())
    }
}
