//! Strava's bulk export ([`crate::strava`]): `activities.csv`, recognised by its name and its header.
//! The recordings it names are FIT, GPX and TCX files (gzipped or not) that the content readers read;
//! the importer joins each to its row.

use std::io::BufRead;

use wearhouse_model::Provider;

use crate::reader::read_whole;
use crate::strava::{is_activities_csv, is_activities_header, read_activities};
use crate::{FormatError, FormatReader, ReadContext, RecordSink};

/// The largest `activities.csv` read. Its rows wait in memory for their recordings, about a kilobyte
/// each: a lifetime of daily activities is a few megabytes.
const LIMIT: u64 = 64 * 1024 * 1024;

/// The Strava export reader.
#[derive(Debug, Clone, Copy)]
pub struct Strava;

impl FormatReader for Strava {
    fn id(&self) -> &'static str {
        "strava"
    }

    fn provider(&self) -> Provider {
        Provider::Strava
    }

    /// By name and header; with no bytes to look at (asking whether a name is Strava's), by name.
    fn detect(&self, name: &str, head: &[u8]) -> bool {
        is_activities_csv(name) && (head.is_empty() || is_activities_header(head))
    }

    fn detect_alone(&self, name: &str, head: &[u8]) -> bool {
        is_activities_csv(name) && is_activities_header(head)
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
        read_activities(bytes.as_slice(), self.id(), sink)
    }
}
