use super::*;
use crate::bucket_cumulative;

const MIN: i64 = 60_000_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
const WATCH: u32 = 1;
const PHONE: u32 = 2;

fn iv(start_min: i64, end_min: i64, value: f64, source: u32) -> SourcedInterval {
    // The watch outranks the phone.
    let rank = if source == WATCH { 0 } else { 1 };
    SourcedInterval::plain(start_min * MIN, end_min * MIN, value, source, rank)
}

fn total(pieces: &[MergedPiece]) -> f64 {
    pieces.iter().map(|p| p.value).sum()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The merged value inside `[from, to)`, by the time-share rule.
fn within(pieces: &[MergedPiece], from: i64, to: i64) -> f64 {
    pieces
        .iter()
        .map(|p| {
            let overlap = p.end.min(to) - p.start.max(from);
            if overlap <= 0 {
                0.0
            } else {
                p.value * overlap as f64 / (p.end - p.start) as f64
            }
        })
        .sum()
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
fn back_to_back_intervals_of_one_source_keep_their_own_values() {
    // 100 steps on one day, 900 on the next: never 500 and 500.
    let input = [iv(0, 1440, 100.0, PHONE), iv(1440, 2880, 900.0, PHONE)];
    let merged = merge_intervals(&input);
    assert_eq!(merged.len(), 2, "two intervals stay two pieces: {merged:?}");
    assert!(close(within(&merged, 0, DAY), 100.0));
    assert!(close(within(&merged, DAY, 2 * DAY), 900.0));
    let hours = bucket_cumulative(&merged, HOUR);
    assert!(close(hours[&0].figures.total, 100.0 / 24.0));
    assert!(close(hours[&(30 * HOUR)].figures.total, 900.0 / 24.0));
}

#[test]
fn slices_of_one_interval_cut_by_another_source_add_back_up_to_it() {
    // The watch's minute in the middle of the phone's hour cuts the phone's hour in two pieces; each
    // keeps its time share, and the phone's day loses exactly the watch's minute.
    let input = [
        iv(0, 60, 600.0, PHONE),
        iv(30, 31, 5.0, WATCH),
        iv(60, 120, 60.0, PHONE),
    ];
    let merged = merge_intervals(&input);
    assert!(close(within(&merged, 0, 30 * MIN), 300.0));
    assert!(close(within(&merged, 30 * MIN, 31 * MIN), 5.0));
    assert!(close(within(&merged, 31 * MIN, 60 * MIN), 290.0));
    assert!(close(within(&merged, 60 * MIN, 120 * MIN), 60.0));
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
    assert!(close(within(&merged, 5 * MIN, 10 * MIN), 10.0));
}

#[test]
fn instants_survive_unless_covered_by_a_better_source() {
    let manual = SourcedInterval::plain(5 * MIN, 5 * MIN, 300.0, 9, 5);
    assert_eq!(total(&merge_intervals(&[manual])), 300.0);
    assert_eq!(total(&merge_intervals(&[manual, iv(0, 10, 100.0, WATCH)])), 100.0);
    let later = SourcedInterval {
        start: 50 * MIN,
        end: 50 * MIN,
        ..manual
    };
    assert_eq!(total(&merge_intervals(&[later, iv(0, 10, 100.0, WATCH)])), 400.0);
}

#[test]
fn equal_ranks_are_decided_by_source_id_whatever_the_input_order() {
    let a = SourcedInterval::plain(0, 10, 10.0, 7, 0);
    let b = SourcedInterval::plain(0, 10, 99.0, 3, 0);
    assert_eq!(merge_intervals(&[a, b]), merge_intervals(&[b, a]));
    assert_eq!(merge_intervals(&[a, b])[0].source, 3);
}

#[test]
fn non_finite_values_are_ignored_and_empty_input_gives_nothing() {
    assert!(merge_intervals(&[]).is_empty());
    let bad = SourcedInterval::plain(0, 10, f64::NAN, 1, 0);
    assert!(merge_intervals(&[bad]).is_empty());
}

// ----- Summaries nest inside finer data of their family ---------------------------------------------

/// Google Fit's three views of one day: data points (source 10), 15-minute rows (11), a daily row (12).
const POINTS: u32 = 10;
const QUARTERS: u32 = 11;
const DAILY: u32 = 12;
const GOOGLE: u32 = 100;

fn google(start_min: i64, end_min: i64, value: f64, source: u32) -> SourcedInterval {
    SourcedInterval {
        family: GOOGLE,
        summary: source != POINTS,
        ..SourcedInterval::plain(start_min * MIN, end_min * MIN, value, source, 5)
    }
}

#[test]
fn daily_and_quarter_hour_rows_do_not_fill_the_minutes_without_data_points() {
    // Points: 60 steps in each of the minutes 08:00, 08:05 and 12:30; no points in the other minutes
    // (minutes without steps have none). The 15-minute rows and the daily row total the same 180.
    let mut input = vec![
        google(480, 481, 60.0, POINTS),
        google(485, 486, 60.0, POINTS),
        google(750, 751, 60.0, POINTS),
        google(480, 495, 120.0, QUARTERS),
        google(750, 765, 60.0, QUARTERS),
        google(0, 1440, 180.0, DAILY),
    ];
    let merged = merge_intervals(&input);
    assert!(close(total(&merged), 180.0), "{merged:?}");
    assert!(merged.iter().all(|p| p.source == POINTS));
    // Whatever the order and however equal the ranks.
    input.reverse();
    assert!(close(total(&merge_intervals(&input)), 180.0));
}

#[test]
fn a_summary_counts_for_what_exceeds_the_finer_data_spread_over_its_interval() {
    // The quarter hour 08:00–08:15 says 150 steps, its points only 60: the other 90 count, spread
    // over the quarter hour. The daily row (240) then exceeds points and quarters (60 + 90 = 150) by
    // 90, spread over the day.
    let input = [
        google(480, 481, 60.0, POINTS),
        google(480, 495, 150.0, QUARTERS),
        google(0, 1440, 240.0, DAILY),
    ];
    let merged = merge_intervals(&input);
    assert!(close(total(&merged), 240.0), "{merged:?}");
    assert!(close(
        within(&merged, 481 * MIN, 495 * MIN),
        90.0 * 14.0 / 15.0 + 90.0 * 14.0 / 1440.0
    ));
    assert!(close(within(&merged, 0, 480 * MIN), 90.0 * 480.0 / 1440.0));
}

#[test]
fn a_summary_alone_counts_in_full_and_a_summary_below_its_finer_data_counts_nothing() {
    assert!(close(
        total(&merge_intervals(&[google(0, 1440, 500.0, DAILY)])),
        500.0
    ));
    let input = [google(0, 1, 80.0, POINTS), google(0, 1440, 50.0, DAILY)];
    assert!(close(total(&merge_intervals(&input)), 80.0));
}

#[test]
fn two_streams_of_one_family_at_the_same_resolution_count_each_moment_once() {
    // Raw and derived streams of the same steps: one family, neither a summary.
    let raw = SourcedInterval {
        family: GOOGLE,
        ..SourcedInterval::plain(0, 10 * MIN, 100.0, 20, 5)
    };
    let derived = SourcedInterval { source: 21, ..raw };
    let daily = google(0, 1440, 100.0, DAILY);
    assert!(close(total(&merge_intervals(&[raw, derived, daily])), 100.0));
}

#[test]
fn a_better_source_of_another_family_outranks_the_whole_layer() {
    // A watch (its own family, rank 0) covers 08:00–09:00 with 500 steps; Google's points and its
    // daily row's excess count only outside that hour.
    let watch = SourcedInterval::plain(480 * MIN, 540 * MIN, 500.0, WATCH, 0);
    let input = [
        watch,
        google(490, 491, 40.0, POINTS),
        google(600, 601, 40.0, POINTS),
        google(0, 1440, 80.0 + 1440.0, DAILY), // excess: 1 step per minute of the day
    ];
    let merged = merge_intervals(&input);
    assert!(close(within(&merged, 480 * MIN, 540 * MIN), 500.0));
    assert!(close(total(&merged), 500.0 + 40.0 + (1440.0 - 60.0)));
}

#[test]
fn one_window_gives_the_same_days_as_a_longer_one() {
    // Recomputing one day alone must give what a full rebuild gives: the pieces inside a day depend
    // only on the intervals that reach into it.
    let days: Vec<SourcedInterval> = (0..5)
        .flat_map(|d| {
            let base = d * 1440;
            [
                iv(base, base + 1440, 100.0 * (d + 1) as f64, PHONE),
                iv(base + 600, base + 660, 50.0, WATCH),
            ]
        })
        .collect();
    let all = merge_intervals(&days);
    let window: Vec<SourcedInterval> = days
        .iter()
        .filter(|i| i.end > 2 * DAY && i.start < 3 * DAY)
        .copied()
        .collect();
    let alone = merge_intervals(&window);
    assert!(close(
        within(&all, 2 * DAY, 3 * DAY),
        within(&alone, 2 * DAY, 3 * DAY)
    ));
    assert!(close(
        within(&alone, 2 * DAY, 3 * DAY),
        300.0 - 300.0 / 24.0 + 50.0
    ));
}
