//! Oura's JSON export and its Trends CSV ([`crate::oura`]), both recognised by their content.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::oura::{is_oura_export, is_oura_trends, read_oura_export, read_oura_trends};
use crate::reader::read_whole;
use crate::{FormatError, FormatReader, ReadContext, RecordSink};

/// The largest file read. A year of Oura is a few megabytes (the per-minute MET lists weigh most); the
/// decoded records are smaller than the text.
const LIMIT: u64 = 64 * 1024 * 1024;

/// The Oura export reader.
#[derive(Debug, Clone, Copy)]
pub struct Oura;

impl FormatReader for Oura {
    fn id(&self) -> &'static str {
        "oura"
    }

    fn provider(&self) -> Provider {
        Provider::Oura
    }

    fn detect(&self, _name: &str, head: &[u8]) -> bool {
        is_oura_export(head) || is_oura_trends(head)
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
        let name = if name.is_empty() { "the Oura export" } else { name };
        let head = bytes.get(..crate::detect::SNIFF_LEN).unwrap_or(&bytes);
        let file = if is_oura_trends(head) {
            read_oura_trends(name, &bytes, &ctx.zones)?
        } else {
            read_oura_export(name, &bytes)?
        };
        let _ = super::emit_file(file, self.id(), sink);
        Ok(())
    }
}
