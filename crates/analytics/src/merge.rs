//! Merging overlapping sources by time slice. When a watch and a phone both count steps, each moment is
//! taken from the highest-priority source that has data at that moment: never the plain sum (double
//! counting), never one source for the whole day (losing the phone's steps while the watch charged).

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
}

/// A piece of the merged series: the time slice `[start, end)`, the value attributed to it, and the
/// source it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MergedPiece {
    pub start: i64,
    pub end: i64,
    pub value: f64,
    pub source: u32,
    pub offset_minutes: Option<i16>,
}

/// An instant is treated as covering one microsecond, so it survives unless a higher-priority source
/// covers that moment.
fn effective_end(i: &SourcedInterval) -> i64 {
    if i.end > i.start {
        i.end
    } else {
        i.start + 1
    }
}

/// Merges intervals of one metric from several sources. Each interval's value is spread evenly over its
/// duration; in every elementary slice between consecutive boundaries, the slice's share of the
/// intervals of the best source present is kept. The output is ordered by time; adjacent slices of the
/// same source are joined.
pub fn merge_intervals(intervals: &[SourcedInterval]) -> Vec<MergedPiece> {
    // Sweep over boundaries: +1 events at starts, -1 at ends.
    let mut events: Vec<(i64, bool, usize)> = Vec::with_capacity(intervals.len() * 2);
    for (idx, interval) in intervals.iter().enumerate() {
        if interval.value.is_finite() {
            events.push((interval.start, true, idx));
            events.push((effective_end(interval), false, idx));
        }
    }
    // Ends before starts at the same instant, so touching intervals do not overlap.
    events.sort_by_key(|(at, is_start, _)| (*at, *is_start));
    let mut active: Vec<usize> = Vec::new();
    let mut pieces: Vec<MergedPiece> = Vec::new();
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
        let best = active
            .iter()
            .map(|a| {
                (
                    intervals[*a].rank,
                    intervals[*a].source,
                    intervals[*a].offset_minutes,
                )
            })
            .min();
        let Some((_, best_source, offset_minutes)) = best else {
            continue;
        };
        let slice = (next - at) as f64;
        let value: f64 = active
            .iter()
            .map(|a| &intervals[*a])
            .filter(|iv| iv.source == best_source)
            .map(|iv| iv.value * slice / (effective_end(iv) - iv.start) as f64)
            .sum();
        match pieces.last_mut() {
            Some(last)
                if last.source == best_source && last.end == at && last.offset_minutes == offset_minutes =>
            {
                last.end = next;
                last.value += value;
            }
            _ => pieces.push(MergedPiece {
                start: at,
                end: next,
                value,
                source: best_source,
                offset_minutes,
            }),
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000_000;
    const WATCH: u32 = 1;
    const PHONE: u32 = 2;

    fn iv(start_min: i64, end_min: i64, value: f64, source: u32) -> SourcedInterval {
        // The watch outranks the phone.
        let rank = if source == WATCH { 0 } else { 1 };
        SourcedInterval {
            start: start_min * MIN,
            end: end_min * MIN,
            value,
            source,
            rank,
            offset_minutes: None,
        }
    }

    fn total(pieces: &[MergedPiece]) -> f64 {
        pieces.iter().map(|p| p.value).sum()
    }

    #[test]
    fn overlap_takes_the_watch_where_it_has_data_and_the_phone_elsewhere() {
        // Watch 09:00–10:00 counts 1000 steps; phone 09:30–10:30 counts 800.
        let input = [iv(540, 600, 1000.0, WATCH), iv(570, 630, 800.0, PHONE)];
        let merged = merge_intervals(&input);
        assert_eq!(
            merged,
            vec![
                MergedPiece {
                    start: 540 * MIN,
                    end: 600 * MIN,
                    value: 1000.0,
                    source: WATCH,
                    offset_minutes: None,
                },
                MergedPiece {
                    start: 600 * MIN,
                    end: 630 * MIN,
                    value: 400.0,
                    source: PHONE,
                    offset_minutes: None,
                },
            ]
        );
        assert_eq!(total(&merged), 1400.0);
        let naive: f64 = input.iter().map(|i| i.value).sum();
        assert_eq!(naive, 1800.0, "the plain sum double counts 09:30–10:00");
    }

    #[test]
    fn the_phone_fills_the_gap_while_the_watch_charges() {
        // A day from two sources: watch 08:00–12:00 and 13:00–20:00 (charging 12–13), phone all day.
        let input = [
            iv(480, 720, 4000.0, WATCH),
            iv(780, 1200, 7000.0, WATCH),
            iv(480, 1200, 12000.0, PHONE), // 12,000 spread over 12 h = 1000 per hour
        ];
        let merged = merge_intervals(&input);
        assert_eq!(total(&merged), 4000.0 + 1000.0 + 7000.0);
        assert_eq!(merged.iter().filter(|p| p.source == PHONE).count(), 1);
        let phone = merged.iter().find(|p| p.source == PHONE).unwrap();
        assert_eq!(
            (phone.start, phone.end, phone.value),
            (720 * MIN, 780 * MIN, 1000.0)
        );
    }

    #[test]
    fn a_lower_priority_source_alone_counts_in_full() {
        let merged = merge_intervals(&[iv(0, 10, 50.0, PHONE), iv(20, 30, 70.0, PHONE)]);
        assert_eq!(total(&merged), 120.0);
        assert_eq!(merged.len(), 2, "a gap separates the pieces");
    }

    #[test]
    fn samples_of_the_same_source_add_up() {
        let merged = merge_intervals(&[iv(0, 10, 10.0, WATCH), iv(5, 15, 10.0, WATCH)]);
        assert_eq!(total(&merged), 20.0);
    }

    #[test]
    fn instants_survive_unless_covered_by_a_better_source() {
        let manual = SourcedInterval {
            start: 5 * MIN,
            end: 5 * MIN,
            value: 300.0,
            source: 9,
            rank: 5,
            offset_minutes: None,
        };
        assert_eq!(total(&merge_intervals(&[manual])), 300.0);
        assert_eq!(total(&merge_intervals(&[manual, iv(0, 10, 100.0, WATCH)])), 100.0);
        let later = SourcedInterval {
            start: 50 * MIN,
            ..manual
        };
        assert_eq!(total(&merge_intervals(&[later, iv(0, 10, 100.0, WATCH)])), 400.0);
    }

    #[test]
    fn equal_ranks_are_decided_by_source_id_whatever_the_input_order() {
        let a = SourcedInterval {
            start: 0,
            end: 10,
            value: 10.0,
            source: 7,
            rank: 0,
            offset_minutes: None,
        };
        let b = SourcedInterval {
            start: 0,
            end: 10,
            value: 99.0,
            source: 3,
            rank: 0,
            offset_minutes: None,
        };
        assert_eq!(merge_intervals(&[a, b]), merge_intervals(&[b, a]));
        assert_eq!(merge_intervals(&[a, b])[0].source, 3);
    }

    #[test]
    fn non_finite_values_are_ignored_and_empty_input_gives_nothing() {
        assert!(merge_intervals(&[]).is_empty());
        let bad = SourcedInterval {
            start: 0,
            end: 10,
            value: f64::NAN,
            source: 1,
            rank: 0,
            offset_minutes: None,
        };
        assert!(merge_intervals(&[bad]).is_empty());
    }
}
