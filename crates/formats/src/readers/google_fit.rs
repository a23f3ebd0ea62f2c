//! Google Fit Takeout entries ([`crate::google_fit`]): plain JSON and CSV, so recognised by their file
//! names. A workout's TCX among them is handed to the TCX reader as it is, so it is the same workout
//! whether it comes in the Takeout or on its own; only its provider says it came through Google Fit.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::google_fit::{
    csv_head_is, is_daily_summary_name, is_google_fit_entry, read_google_fit_entry_with,
};
use crate::reader::read_whole;
use crate::{FormatError, FormatReader, ReadContext, RecordSink};

/// The largest file read. A Google Fit entry decodes to less than its size; 64 MiB is about 200,000
/// data points of one data source.
const LIMIT: u64 = 64 * 1024 * 1024;
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

    /// Alone, a file needs its Takeout name and the content that name holds: a JSON object for the
    /// `All Data` and `All Sessions` files, the header row for the daily CSVs. A day's
    /// `YYYY-MM-DD.csv` is known by its header, since out of its `Fit` folder the name says little. A
    /// TCX is read by the TCX reader, as it is by content.
    fn detect_alone(&self, name: &str, head: &[u8]) -> bool {
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        if file.ends_with(".json") {
            return is_google_fit_entry(file) && super::text_starts_with(head, b'{');
        }
        if !file.ends_with(".csv") {
            return false;
        }
        if is_daily_summary_name(file) {
            return csv_head_is(head, true);
        }
        let stem = &file[..file.len() - 4];
        stem.len() == 10 && stem.parse::<jiff::civil::Date>().is_ok() && csv_head_is(head, false)
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
        // The only `.tcx` names the Google Fit reader claims are its workouts' TCX files.
        if name.ends_with(".tcx") {
            return super::Tcx.read(input, name, ctx, sink);
        }
        let bytes = read_whole(input, LIMIT)?;
        let rates = ctx.basal_rates.get();
        let entry = read_google_fit_entry_with(name, &bytes, &ctx.zones, rates.as_ref())?;
        // A basal-rate file is read first in a Takeout: its rates split the energy of the others.
        if let Some(rates) = entry.basal_rates {
            ctx.basal_rates.offer(rates);
        }
        let _ = super::emit_file(entry.file, self.id(), sink);
        Ok(())
    }
}
