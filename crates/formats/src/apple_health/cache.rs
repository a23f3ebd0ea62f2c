//! Lookups keyed by raw attribute bytes, so the few types, sources, devices, units and zones an export
//! repeats hundreds of thousands of times are decoded once; and the memory of correlation members
//! already emitted.

use std::collections::{HashMap, HashSet};

use jiff::tz::TimeZone;
use wearhouse_model::{Metric, Unit};

use super::mapping;
use super::text::{self, clean_string, Cleaned};

/// Interned strings and lookups keyed by raw attribute bytes: exports repeat a handful of types,
/// sources and devices hundreds of thousands of times.
pub(super) struct Interner<V> {
    pub(super) keys: Vec<Box<[u8]>>,
    pub(super) values: Vec<V>,
    pub(super) map: HashMap<Box<[u8]>, usize>,
    pub(super) last: usize,
}

/// More distinct keys than this and an interner starts over, so hostile input cannot grow it forever.
pub(super) const MAX_INTERNED: usize = 50_000;

impl<V> Default for Interner<V> {
    fn default() -> Self {
        Self {
            keys: Vec::new(),
            values: Vec::new(),
            map: HashMap::new(),
            last: 0,
        }
    }
}

impl<V> Interner<V> {
    pub(super) fn index(&mut self, raw: &[u8], make: impl FnOnce(&[u8]) -> V) -> usize {
        if self.keys.get(self.last).is_some_and(|k| **k == *raw) {
            return self.last;
        }
        let found = if self.keys.len() <= 8 {
            self.keys.iter().position(|k| **k == *raw)
        } else {
            self.map.get(raw).copied()
        };
        if let Some(i) = found {
            self.last = i;
            return i;
        }
        if self.keys.len() >= MAX_INTERNED {
            self.keys.clear();
            self.values.clear();
            self.map.clear();
        }
        let i = self.keys.len();
        self.keys.push(raw.into());
        self.values.push(make(raw));
        self.map.insert(raw.into(), i);
        self.last = i;
        i
    }

    pub(super) fn value(&self, i: usize) -> Option<&V> {
        self.values.get(i)
    }
}

pub(super) struct TypeEntry {
    pub(super) info: mapping::TypeInfo,
    pub(super) name: String,
}

#[derive(Default)]
pub(super) struct Caches {
    pub(super) types: Interner<TypeEntry>,
    /// Cleaned source names with what cleaning found (to warn on every use, not just the first).
    pub(super) sources: Interner<(String, Cleaned)>,
    pub(super) devices: Interner<Option<String>>,
    pub(super) zones: Interner<Option<TimeZone>>,
    /// Per metric code: the last unit string seen and what it resolved to.
    pub(super) units: Vec<Option<(Vec<u8>, Option<Unit>)>>,
    pub(super) device_key: Option<memchr::memmem::Finder<'static>>,
}

impl Caches {
    pub(super) fn unit(&mut self, metric: Metric, raw: &[u8]) -> Option<Unit> {
        let slot = usize::try_from(metric.code()).unwrap_or(0);
        if self.units.len() <= slot {
            self.units.resize(slot + 1, None);
        }
        let entry = self.units.get_mut(slot)?;
        match entry {
            Some((cached, unit)) if cached.as_slice() == raw => *unit,
            _ => {
                let unit = mapping::resolve_unit(metric, raw);
                *entry = Some((raw.to_vec(), unit));
                unit
            }
        }
    }

    pub(super) fn device(&mut self, raw: &[u8]) -> Option<String> {
        let finder = self
            .device_key
            .get_or_insert_with(|| memchr::memmem::Finder::new(b"name:"));
        let (s, e) = text::device_name(raw, finder)?;
        let name = raw.get(s..e)?;
        let i = self
            .devices
            .index(name, |n| Some(clean_string(n).0).filter(|s| !s.trim().is_empty()));
        self.devices.value(i).cloned().flatten()
    }
}

/// 64-bit keys of correlation-member records already emitted, by where they were seen.
#[derive(Default)]
pub(super) struct Dedup {
    pub(super) top_level: HashSet<u64>,
    pub(super) in_correlation: HashSet<u64>,
    pub(super) full_reported: bool,
}

/// Past this many remembered records per set, duplicates are no longer suppressed (and a warning says so).
pub(super) const MAX_DEDUP_KEYS: usize = 1_000_000;
