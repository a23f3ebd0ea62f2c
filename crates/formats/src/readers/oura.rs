//! Oura's JSON export ([`crate::oura`]), recognised by its content.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::oura::{is_oura_export, read_oura_export};
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
        is_oura_export(head)
    }

    fn size_limit(&self) -> Option<u64> {
        Some(LIMIT)
    }

    fn read(
        &self,
        input: &mut dyn BufRead,
        name: &str,
        _ctx: &ReadContext,
        sink: &mut dyn RecordSink,
    ) -> Result<(), FormatError> {
        let bytes = read_whole(input, LIMIT)?;
        let name = if name.is_empty() { "the Oura export" } else { name };
        let file = read_oura_export(name, &bytes)?;
        let _ = super::emit_file(file, self.id(), sink);
        Ok(())
    }
}
