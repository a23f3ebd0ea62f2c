//! Withings' account export ([`crate::withings`]): CSV files recognised by their names and headers.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::reader::read_whole;
use crate::withings::{classify, is_withings_file, read_withings_file};
use crate::{FormatError, FormatReader, ReadContext, RecordSink};

/// The largest file read. A CSV row of a few dozen bytes decodes to one or a few samples of ~100 bytes;
/// the largest real files (years of raw heart rate) are tens of megabytes.
const LIMIT: u64 = 64 * 1024 * 1024;

/// The Withings export reader.
#[derive(Debug, Clone, Copy)]
pub struct Withings;

impl FormatReader for Withings {
    fn id(&self) -> &'static str {
        "withings"
    }

    fn provider(&self) -> Provider {
        Provider::Withings
    }

    /// By name and header; with no bytes to look at (asking whether a name is Withings'), by name.
    fn detect(&self, name: &str, head: &[u8]) -> bool {
        if head.is_empty() {
            return classify(name).is_some();
        }
        is_withings_file(name, head)
    }

    fn detect_alone(&self, name: &str, head: &[u8]) -> bool {
        is_withings_file(name, head)
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
        let file = read_withings_file(name, &bytes, &ctx.zones)?;
        let _ = super::emit_file(file, self.id(), sink);
        Ok(())
    }
}
