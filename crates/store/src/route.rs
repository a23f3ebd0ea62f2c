//! The route kept beside an activity's streams, so a map of thousands of activities reads a few
//! hundred bytes of each instead of decoding all their streams.

use wearhouse_analytics::route::{encode_polyline, simplify, track};
use wearhouse_model::Streams;

/// Stored routes are simplified to within this many metres: finer than any GPS fix, so a reader's own
/// tolerance (a metre or more) loses nothing by starting from it.
pub const ROUTE_TOLERANCE_M: f64 = 1.0;

/// The encoded polyline stored for `streams` (empty without positions).
pub(crate) fn stored_route(streams: &Streams) -> String {
    encode_polyline(&simplify(&track(streams), ROUTE_TOLERANCE_M))
}
