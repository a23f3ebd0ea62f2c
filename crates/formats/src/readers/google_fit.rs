//! Google Fit Takeout entries ([`crate::google_fit`]): plain JSON and CSV (and the workouts' TCX
//! files), so recognised by their file names.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::google_fit::{is_google_fit_entry, read_google_fit_entry};
use crate::reader::{read_whole, MAX_WHOLE_FILE};
use crate::{FormatError, FormatReader, ReadContext, RecordSink};

/// The Google Fit Takeout reader.
#[derive(Debug, Clone, Copy)]
pub struct GoogleFit;

impl FormatReader for GoogleFit {
    fn id(&self) -> &'static str {
        "google_fit"
    }

    fn provider(&self) -> Provider {
        Provider::GoogleFit
    }

    fn detect(&self, name: &str, _head: &[u8]) -> bool {
        is_google_fit_entry(name)
    }

    fn size_limit(&self) -> Option<u64> {
        Some(MAX_WHOLE_FILE)
    }

    fn read(
        &self,
        input: &mut dyn BufRead,
        name: &str,
        ctx: &ReadContext,
        sink: &mut dyn RecordSink,
    ) -> Result<(), FormatError> {
        let bytes = read_whole(input, MAX_WHOLE_FILE)?;
        let file = read_google_fit_entry(name, &bytes, &ctx.time_zone)?;
        let _ = super::emit_file(file, self.id(), sink);
        Ok(())
    }
}
