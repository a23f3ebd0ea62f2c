//! Fitbit export entries ([`crate::fitbit`]): plain JSON, so recognised by their file names, which are
//! the same in every layout and language of the export.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::fitbit::{is_fitbit_entry, read_fitbit_file, FitbitContext};
use crate::reader::read_whole;
use crate::{FormatError, FormatReader, ReadContext, RecordSink};

/// The largest file read. A Fitbit JSON entry decodes to about three times its size; the largest real
/// ones (a day of heart rate every few seconds) are 2–5 MB.
const LIMIT: u64 = 48 * 1024 * 1024;
/// The Fitbit export reader.
#[derive(Debug, Clone, Copy)]
pub struct Fitbit;

impl FormatReader for Fitbit {
    fn id(&self) -> &'static str {
        "fitbit"
    }

    fn provider(&self) -> Provider {
        Provider::Fitbit
    }

    fn detect(&self, name: &str, _head: &[u8]) -> bool {
        is_fitbit_entry(name)
    }

    /// Alone, a file needs its export name (`weight-2026-03-01.json`) and a JSON array in it.
    fn detect_alone(&self, name: &str, head: &[u8]) -> bool {
        is_fitbit_entry(name) && super::text_starts_with(head, b'[')
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
        let context = FitbitContext {
            zones: ctx.zones.clone(),
            weight_unit: ctx.weight_unit,
        };
        let read = read_fitbit_file(name, &bytes, &context)?;
        if super::emit_file(read.file, self.id(), sink).is_break() {
            return Ok(());
        }
        // Time in heart-rate zones, which has no metric.
        for record in read.raw {
            if sink.raw(record).is_break() {
                break;
            }
        }
        Ok(())
    }
}
