//! Fitbit export entries ([`crate::fitbit`]): plain JSON, so recognised by their file names, which are
//! the same in every layout and language of the export.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::fitbit::{is_fitbit_entry, read_fitbit_entry, FitbitContext};
use crate::reader::{read_whole, MAX_WHOLE_FILE};
use crate::{FormatError, FormatReader, ReadContext, RecordSink};

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
        let context = FitbitContext {
            time_zone: ctx.time_zone.clone(),
            weight_unit: ctx.weight_unit,
        };
        let file = read_fitbit_entry(name, &bytes, &context)?;
        let _ = super::emit_file(file, self.id(), sink);
        Ok(())
    }
}
