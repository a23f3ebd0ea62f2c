//! WHOOP's account export ([`crate::whoop`]): CSV files recognised by their header, under any name.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::reader::read_whole;
use crate::whoop::{classify, read_whoop_file};
use crate::{FormatError, FormatReader, ReadContext, RecordSink};

/// The largest file read. A cycle is one row of ~200 bytes, a year of journal answers a few hundred
/// kilobytes: years of an account stay far below this.
const LIMIT: u64 = 64 * 1024 * 1024;

/// The WHOOP export reader.
#[derive(Debug, Clone, Copy)]
pub struct Whoop;

impl FormatReader for Whoop {
    fn id(&self) -> &'static str {
        "whoop"
    }

    fn provider(&self) -> Provider {
        Provider::Whoop
    }

    fn detect(&self, _name: &str, head: &[u8]) -> bool {
        classify(head).is_some()
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
        let name = if name.is_empty() { "the WHOOP file" } else { name };
        let whoop = read_whoop_file(name, &bytes)?;
        if super::emit_file(whoop.file, self.id(), sink).is_break() {
            return Ok(());
        }
        for record in whoop.journal {
            if sink.raw(record).is_break() {
                break;
            }
        }
        Ok(())
    }
}
