//! Merging overlapping sources by time slice. When a watch and a phone both count steps, each moment is
//! taken from the highest-priority source that has data at that moment: never the plain sum (double
//! counting), never one source for the whole day (losing the phone's steps while the watch charged).
//!
//! Two rules make the figures exact whatever the shape of the input:
//!
//! - **Time share.** Any sub-range (a local day, an hour, a minute) receives, from each interval that
//!   counts there, the share of that interval's value proportional to the time they overlap. The merge
//!   therefore never joins two input intervals into one piece: 100 steps on one day and 900 on the next
//!   stay 100 and 900, not 500 and 500. Slices of one interval are joined back, which changes nothing.
//! - **Summaries nest inside finer data.** A provider often gives the same steps at several resolutions
//!   (Google Fit: data points, 15-minute rows, daily rows). Sources of one *family* (one provider) that
//!   are summaries ([`SourcedInterval::summary`]) are counted only for what exceeds the family's finer
//!   data inside them — usually nothing — spread over the summary's interval; they never fill the
//!   minutes the finer data left empty (minutes without steps have no data points). Summaries are taken
//!   finest first, so a daily row nests over the 15-minute rows and the points. Among the family's
//!   non-summary sources the usual priority applies, so two streams of the same data count once.

use std::collections::{BTreeMap, HashMap};

/// An interval of a cumulative metric from one source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourcedInterval {
    /// Start and end in microseconds since the epoch; `end == start` is an instant.
    pub start: i64,
    pub end: i64,
    pub value: f64,
    pub source: u32,
    /// Lower wins. Ties are broken by the lower source id, so the result never depends on input order.
    pub rank: u32,
    /// Offset from UTC observed when measured, in minutes, when known (decides the local day).
    pub offset_minutes: Option<i16>,
    /// Sources that describe the same account's data (one provider) share a family; summaries nest
    /// only inside finer data of their own family.
    pub family: u32,
    /// A total over a period of data the family may also give at a finer resolution.
    pub summary: bool,
}

impl SourcedInterval {
    /// An interval of a source that is its own family and not a summary.
    pub fn plain(start: i64, end: i64, value: f64, source: u32, rank: u32) -> Self {
        Self {
            start,
            end,
            value,
            source,
            rank,
            offset_minutes: None,
            family: source,
            summary: false,
        }
    }

    /// An instant is treated as covering one microsecond, so it survives unless a higher-priority source
    /// covers that moment.
    fn effective_end(&self) -> i64 {
        if self.end > self.start {
            self.end
        } else {
            self.start + 1
        }
    }

    fn length(&self) -> i64 {
        self.effective_end() - self.start
    }

    /// The share of this interval's value that falls in `[from, to)`.
    fn share(&self, from: i64, to: i64) -> f64 {
        let overlap = self.effective_end().min(to) - self.start.max(from);
        if overlap <= 0 {
            return 0.0;
        }
        if overlap >= self.length() {
            return self.value;
        }
        self.value * overlap as f64 / self.length() as f64
    }
}

/// A piece of the merged series: the time slice `[start, end)`, the value attributed to it, and the
/// source it came from. Pieces of different sources may overlap where a summary's excess counts beside
/// finer data of its family, or where one source recorded overlapping intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MergedPiece {
    pub start: i64,
    pub end: i64,
    pub value: f64,
    pub source: u32,
    pub offset_minutes: Option<i16>,
}

/// Merges intervals of one metric from several sources: in every elementary slice between consecutive
/// boundaries, the slice's share of the intervals of the best source present is kept (with the
/// summaries' excess of that source's family, see the module docs). The output is ordered by start;
/// each piece is a part of one input interval (or of one summary's excess).
pub fn merge_intervals(intervals: &[SourcedInterval]) -> Vec<MergedPiece> {
    let finite: Vec<SourcedInterval> = intervals
        .iter()
        .filter(|i| i.value.is_finite())
        .copied()
        .collect();
    if !finite.iter().any(|i| i.summary) {
        // Families only matter for summaries: without any, every source is its own group.
        let groups: Vec<u64> = finite.iter().map(|i| u64::from(i.source)).collect();
        return sweep(&finite, &groups);
    }
    let (items, groups) = nest_summaries(&finite);
    sweep(&items, &groups)
}

/// Replaces each family that has summaries by one layer: its finer data merged by priority, plus each
/// summary's excess over what that layer already holds inside it. Returns the items for the final
/// sweep with their groups (a family's layer is one group, so its pieces add up in a slice; any other
/// source is a group of its own).
fn nest_summaries(intervals: &[SourcedInterval]) -> (Vec<SourcedInterval>, Vec<u64>) {
    let mut families: Vec<u32> = intervals.iter().filter(|i| i.summary).map(|i| i.family).collect();
    families.sort_unstable();
    families.dedup();
    let nested = |i: &SourcedInterval| families.binary_search(&i.family).is_ok();

    let mut items: Vec<SourcedInterval> = Vec::with_capacity(intervals.len());
    let mut groups: Vec<u64> = Vec::with_capacity(intervals.len());
    for i in intervals.iter().filter(|i| !nested(i)) {
        items.push(*i);
        groups.push(u64::from(i.source));
    }
    for family in families {
        // A layer's group cannot collide with a source's (those are below 2^32).
        let group = (1u64 << 32) | u64::from(family);
        let members = || intervals.iter().filter(move |i| i.family == family);
        let fine: Vec<SourcedInterval> = members().filter(|i| !i.summary).copied().collect();
        let fine_groups: Vec<u64> = fine.iter().map(|i| u64::from(i.source)).collect();
        let ranks: HashMap<u32, u32> = fine.iter().map(|i| (i.source, i.rank)).collect();
        // The finer data, each moment from the best of the family's streams.
        let mut layer: Vec<SourcedInterval> = sweep(&fine, &fine_groups)
            .into_iter()
            .map(|p| {
                let rank = ranks.get(&p.source).copied().unwrap_or(u32::MAX);
                SourcedInterval {
                    start: p.start,
                    end: p.end,
                    value: p.value,
                    source: p.source,
                    rank,
                    offset_minutes: p.offset_minutes,
                    family,
                    summary: false,
                }
            })
            .collect();
        layer.sort_by_key(|p| p.start);
        let longest = layer.iter().map(SourcedInterval::length).max().unwrap_or(0);
        let mut summaries: Vec<SourcedInterval> = members().filter(|i| i.summary).copied().collect();
        summaries.sort_by_key(|s| (s.length(), s.start, s.source));
        // The excess of the summaries taken so far, by start, for range queries: a year of quarter-hour
        // rows is 35,000 summaries, each nesting over the few before it that lie inside it.
        let mut excess: BTreeMap<(i64, usize), SourcedInterval> = BTreeMap::new();
        let mut longest_excess = 0;
        for (n, s) in summaries.into_iter().enumerate() {
            let (from, to) = (s.start, s.effective_end());
            let earlier = excess
                .range((from.saturating_sub(longest_excess), 0)..(to, 0))
                .map(|(_, e)| e.share(from, to))
                .sum::<f64>();
            let rest = s.value - covered(&layer, longest, from, to) - earlier;
            // Rounding of the finer shares must not leave crumbs of a summary behind.
            if rest > 1e-9 * s.value.abs().max(1.0) {
                longest_excess = longest_excess.max(s.length());
                excess.insert((s.start, n), SourcedInterval { value: rest, ..s });
            }
        }
        for i in layer.into_iter().chain(excess.into_values()) {
            items.push(i);
            groups.push(group);
        }
    }
    (items, groups)
}

/// What the pieces of `layer` (sorted by start, none longer than `longest`) hold inside `[from, to)`.
fn covered(layer: &[SourcedInterval], longest: i64, from: i64, to: i64) -> f64 {
    let first = layer.partition_point(|p| p.start < from.saturating_sub(longest));
    layer[first..]
        .iter()
        .take_while(|p| p.start < to)
        .map(|p| p.share(from, to))
        .sum()
}

/// The sweep: at every boundary, the best active item by (rank, source) names a group, and every active
/// item of that group counts for its share of the slice. `groups[i]` is the group of `items[i]`.
fn sweep(items: &[SourcedInterval], groups: &[u64]) -> Vec<MergedPiece> {
    // +1 events at starts, -1 at ends.
    let mut events: Vec<(i64, bool, usize)> = Vec::with_capacity(items.len() * 2);
    for (idx, item) in items.iter().enumerate() {
        events.push((item.start, true, idx));
        events.push((item.effective_end(), false, idx));
    }
    // Ends before starts at the same instant, so touching intervals do not overlap.
    events.sort_by_key(|(at, is_start, _)| (*at, *is_start));
    let mut active: Vec<usize> = Vec::new();
    let mut pieces: Vec<MergedPiece> = Vec::new();
    // For each item, its latest piece, so the slices of one item are joined back into one piece.
    let mut last_piece: Vec<Option<usize>> = vec![None; items.len()];
    let mut i = 0;
    while i < events.len() {
        let at = events[i].0;
        while i < events.len() && events[i].0 == at {
            let (_, is_start, idx) = events[i];
            if is_start {
                active.push(idx);
            } else if let Some(pos) = active.iter().position(|a| *a == idx) {
                active.swap_remove(pos);
            }
            i += 1;
        }
        let Some(next) = events.get(i).map(|e| e.0) else {
            break;
        };
        let Some(best) = active.iter().min_by_key(|a| (items[**a].rank, items[**a].source)) else {
            continue;
        };
        let group = groups[*best];
        for &a in active.iter().filter(|a| groups[**a] == group) {
            let item = &items[a];
            match last_piece[a] {
                Some(p) if pieces[p].end == at => {
                    let piece = &mut pieces[p];
                    piece.end = next;
                    piece.value = item.share(piece.start, next);
                }
                _ => {
                    last_piece[a] = Some(pieces.len());
                    pieces.push(MergedPiece {
                        start: at,
                        end: next,
                        value: item.share(at, next),
                        source: item.source,
                        offset_minutes: item.offset_minutes,
                    });
                }
            }
        }
    }
    pieces.sort_by_key(|p| (p.start, p.source));
    pieces
}

#[cfg(test)]
mod tests;
