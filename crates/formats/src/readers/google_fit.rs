//! Google Fit Takeout entries ([`crate::google_fit`]): plain JSON and CSV, so recognised by their file
//! names. A workout's TCX among them is handed to the TCX reader as it is, so it is the same workout
//! whether it comes in the Takeout or on its own; only its provider says it came through Google Fit.

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
        // The only `.tcx` names the Google Fit reader claims are its workouts' TCX files.
        if name.ends_with(".tcx") {
            return super::Tcx.read(input, name, ctx, sink);
        }
        let bytes = read_whole(input, MAX_WHOLE_FILE)?;
        let file = read_google_fit_entry(name, &bytes, &ctx.time_zone)?;
        let _ = super::emit_file(file, self.id(), sink);
        Ok(())
    }
}
