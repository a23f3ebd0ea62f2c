//! Warnings with a cap: a damaged 2 GB export can produce millions of identical complaints, so the
//! first [`MAX_WARNINGS`] are kept in full and the rest only counted per code.

use std::collections::BTreeMap;

use crate::{Location, Warning};

/// How many warnings are kept with their details.
pub const MAX_WARNINGS: usize = 1000;

#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    pub warnings: Vec<Warning>,
    pub counts: BTreeMap<&'static str, u64>,
}

impl Diagnostics {
    /// Records a warning at a byte offset; `detail` is only built while under the cap.
    pub fn warn(&mut self, code: &'static str, offset: u64, detail: impl FnOnce() -> String) {
        *self.counts.entry(code).or_insert(0) += 1;
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(Warning {
                code,
                detail: detail(),
                location: Location::Byte(offset),
            });
        }
    }
}
