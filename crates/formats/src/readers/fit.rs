//! FIT files ([`crate::fit`]), recognised by their header; their records come from Garmin (or a device
//! writing Garmin's format). HRV measured during a workout is left out here, since only this format
//! records it.

use std::io::BufRead;

use wearhouse_model::{Metric, Provider};

use crate::reader::read_whole;
use crate::{detect, FormatError, FormatReader, ReadContext, RecordSink};

/// The largest file read. FIT decodes to about twelve times its size in memory (each record becomes a
/// point of every field it may carry), so 16 MiB (~190 MiB decoded) keeps an import within its 256 MiB
/// budget; a day at one record a second is 2–5 MB.
const LIMIT: u64 = 16 * 1024 * 1024;
/// The FIT reader.
#[derive(Debug, Clone, Copy)]
pub struct Fit;

impl FormatReader for Fit {
    fn id(&self) -> &'static str {
        "fit"
    }

    fn provider(&self) -> Provider {
        Provider::Garmin
    }

    fn detect(&self, _name: &str, head: &[u8]) -> bool {
        detect::is_fit(head)
    }

    fn size_limit(&self) -> Option<u64> {
        Some(LIMIT)
    }

    fn read(
        &self,
        input: &mut dyn BufRead,
        _name: &str,
        ctx: &ReadContext,
        sink: &mut dyn RecordSink,
    ) -> Result<(), FormatError> {
        let bytes = read_whole(input, LIMIT)?;
        // The account decides whose readings of a scale shared by a household are imported.
        let mut file = crate::fit::read_fit_with(&bytes, ctx.account.as_ref())?;
        // HRV measured during exercise is far lower than resting HRV and would drag the day's figure
        // down; it stays in the file, not in the daily series.
        let before = file.samples.len();
        file.samples.retain(|s| s.metric != Metric::HrvRmssd);
        let dropped = (before - file.samples.len()) as u64;
        if dropped > 0 && sink.skipped("exercise_hrv", dropped).is_break() {
            return Ok(());
        }
        let _ = super::emit_file(file, self.id(), sink);
        Ok(())
    }
}
