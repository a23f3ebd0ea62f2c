//! Garmin FIT reader: activity files (sessions, laps, records, HRV), and the health messages of
//! monitoring, weight-scale and sleep files.
//!
//! Hand-written rather than the `fitparser` crate: fitparser 0.9 decodes every field of every message
//! into a `HashMap` of `Value`s and measured 9–14 MB/s here (release build: 75 ms for the 1 MB Fenix 2
//! multisport sample, 28 ms for the 258 KB one-hour run), while importing a 2.8 MB activity end to end
//! must take ≤ 60 ms. This decoder reads only the fields it maps, lazily, and skips every other message
//! by its definition: 310–470 MiB/s on the same files (criterion, `benches/fit.rs`: 3.2 ms for the
//! multisport file, 0.52 ms for the run), so a 2.8 MB activity parses in about 10 ms. It also keeps
//! going where strict decoders stop: CRC mismatches, cut-off files and corrupt chained headers become
//! warnings when anything usable was read before them.
//!
//! What it maps: one activity per session (records and laps go to the session whose span holds them;
//! a file with records but no session, as a watch that died mid-workout leaves, becomes one activity),
//! strap-stored `hr` messages merged into records without heart rate (swims), RMSSD over the `hrv` RR
//! intervals, and `weight_scale`, `monitoring` (heart rate, steps) and `sleep_level` as samples; a scale
//! shared by several people gives only the account owner's readings (see [`FitAccount`]).
//! Developer fields and every other message are skipped.
//!
//! Layout: `decode` is the container (headers, CRC, definitions, timestamps), `collect` gives the
//! messages meaning and units, `assemble` builds activities and samples with `timing` (session end,
//! moving time) and `people` (whose scale readings), `profile` holds the numbers, `completeness` compares
//! a truncated upload with the complete file.

mod assemble;
mod collect;
mod completeness;
mod decode;
mod people;
mod profile;
mod timing;

pub use completeness::Completeness;
pub use people::FitAccount;

use crate::{FormatError, ParsedFile, Warning};

/// Reads a FIT file (chained files included) into activities and samples, with no account to match a
/// shared scale's people against: [`read_fit_with`] with `None`.
pub fn read_fit(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    read_fit_with(bytes, None)
}

/// Reads a FIT file (chained files included) into activities and samples.
///
/// `account` tells the importing account's owner among the people of a weight-scale file that holds
/// several `user_profile`s: only the matching profile's readings are kept, and every other person's are
/// left out with an `other_person` warning naming them. A file with one profile or none is one person's,
/// whatever the account. With several profiles and no account (or no profile matching it, or two
/// matching it equally well), no reading is kept: importing a housemate's weight is worse than importing
/// none, and the warnings say why.
///
/// A file cut off part-way (a `truncated` warning) still gives the activity recorded so far, with the same
/// `external_id` as the complete file and an end no later than its end; [`Completeness`] tells which of
/// the two to keep.
///
/// Errors: `not_fit` (no FIT header), `corrupt_header`, `truncated` or `corrupt_record` when the file
/// yields nothing usable. When it yields something, the same problems are [`Warning`]s instead, and so is
/// a CRC mismatch (`crc_mismatch`).
pub fn read_fit_with(bytes: &[u8], account: Option<&FitAccount>) -> Result<ParsedFile, FormatError> {
    read(bytes, account).map(|(file, _)| file)
}

/// [`read_fit`], also returning how many data messages were decoded (for tests and diagnostics).
#[doc(hidden)]
pub fn read_fit_counted(bytes: &[u8]) -> Result<(ParsedFile, usize), FormatError> {
    read(bytes, None)
}

fn read(bytes: &[u8], account: Option<&FitAccount>) -> Result<(ParsedFile, usize), FormatError> {
    let mut collected = collect::Collected::default();
    // Activity files are mostly `record` messages, at least 12 bytes each. Reserving for that many up
    // front costs address space only (pages are touched as points are written), where growing the
    // vector by doubling copied it over and over into freshly zeroed memory: a third of the time of a
    // 3 MB import went to the kernel zeroing pages.
    collected.points.reserve((bytes.len() / 12).min(4_000_000));
    let outcome = decode::decode(bytes, &mut collected)?;
    let truncated = outcome.stopped.as_ref().is_some_and(|e| e.code == "truncated");
    let mut file = assemble::assemble(collected, account, truncated);
    let mut warnings = outcome.warnings;
    warnings.append(&mut file.warnings);
    file.warnings = warnings;
    if let Some(stop) = outcome.stopped {
        if file.activities.is_empty() && file.samples.is_empty() {
            return Err(stop);
        }
        file.warnings.push(Warning {
            code: stop.code,
            detail: stop.detail,
            location: stop.location,
        });
    }
    Ok((file, outcome.messages))
}

#[cfg(test)]
mod tests;
