//! GPX files ([`crate::gpx`]), recognised by a `<gpx` element. Tracks carry no identity, so their
//! workouts keep the importer's fallback key (`gpx:{type}:{start s}`).

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::reader::read_whole;
use crate::{detect, FormatError, FormatReader, ReadContext, RecordSink};

/// The largest file read. GPX decodes to about 1.5 times its size; 64 MiB is some 300,000 points, three
/// and a half days at one a second.
const LIMIT: u64 = 64 * 1024 * 1024;
/// The GPX reader.
#[derive(Debug, Clone, Copy)]
pub struct Gpx;

impl FormatReader for Gpx {
    fn id(&self) -> &'static str {
        "gpx"
    }

    fn provider(&self) -> Provider {
        Provider::Other
    }

    fn detect(&self, _name: &str, head: &[u8]) -> bool {
        detect::has_element(head, b"<gpx")
    }

    fn size_limit(&self) -> Option<u64> {
        Some(LIMIT)
    }

    fn read(
        &self,
        input: &mut dyn BufRead,
        _name: &str,
        _ctx: &ReadContext,
        sink: &mut dyn RecordSink,
    ) -> Result<(), FormatError> {
        let bytes = read_whole(input, LIMIT)?;
        let file = crate::gpx::read_gpx(&bytes)?;
        let _ = super::emit_file(file, self.id(), sink);
        Ok(())
    }
}
