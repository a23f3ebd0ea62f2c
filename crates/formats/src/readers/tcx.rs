//! TCX files ([`crate::tcx`]), recognised by a `<TrainingCenterDatabase` element, wherever they were
//! found: their workouts are identified by their start instant, so a TCX uploaded on its own and the same
//! TCX inside a Takeout archive are one workout.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::reader::read_whole;
use crate::{detect, FormatError, FormatReader, ReadContext, RecordSink};

/// The largest file read. TCX is verbose XML (about 250 bytes a point) and decodes to less than its
/// size; 64 MiB is three days at one point a second.
const LIMIT: u64 = 64 * 1024 * 1024;
/// The TCX reader.
#[derive(Debug, Clone, Copy)]
pub struct Tcx;

impl FormatReader for Tcx {
    fn id(&self) -> &'static str {
        "tcx"
    }

    fn provider(&self) -> Provider {
        Provider::Other
    }

    fn detect(&self, _name: &str, head: &[u8]) -> bool {
        detect::has_element(head, b"<TrainingCenterDatabase")
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
        let file = crate::tcx::read_tcx(&bytes)?;
        let _ = super::emit_file(file, self.id(), sink);
        Ok(())
    }
}
