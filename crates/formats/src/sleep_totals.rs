//! Sleep given as totals per stage rather than as a timeline (WHOOP's and Garmin's exports): the night
//! becomes consecutive blocks of its stages from the moment sleep began, so that its span and every
//! stage's total are exact. The order of the blocks is not the night's: the file does not say it.

use jiff::{SignedDuration, Timestamp};
use wearhouse_model::{Metric, SleepStage};

use crate::ParsedSample;

/// The order stages are laid out in: light first, as nights begin, awake last.
const ORDER: [SleepStage; 4] = [
    SleepStage::Core,
    SleepStage::Deep,
    SleepStage::Rem,
    SleepStage::Awake,
];

/// Samples of the `sleep` metric for a night from `start` to `end` holding `seconds` of each stage
/// (in the order of [`ORDER`]: light, deep, REM, awake; `None` or ≤ 0 for none). Blocks that would
/// pass `end` are cut there; time the totals leave uncovered stays without a stage.
pub fn stage_blocks(
    start: Timestamp,
    end: Timestamp,
    seconds: [Option<f64>; 4],
    offset_minutes: Option<i16>,
) -> Vec<ParsedSample> {
    let mut at = start;
    let mut blocks = Vec::new();
    for (stage, total) in ORDER.into_iter().zip(seconds) {
        let Some(total) = total.filter(|s| s.is_finite() && *s >= 1.0) else {
            continue;
        };
        if at >= end {
            break;
        }
        // Whole seconds, as every stored time; a night is far below i64 seconds.
        let length = SignedDuration::from_secs(total.round() as i64);
        let until = at.checked_add(length).unwrap_or(end).min(end);
        blocks.push(ParsedSample {
            metric: Metric::Sleep,
            start: at,
            end: until,
            value: f64::from(stage.code()),
            offset_minutes,
            source_name: None,
            device: None,
            external_id: None,
            summary: false,
            floating: false,
        });
        at = until;
    }
    blocks
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn stages_follow_each_other_from_the_start() {
        let blocks = stage_blocks(
            t("2024-03-01T23:00:00Z"),
            t("2024-03-02T07:00:00Z"),
            [Some(3600.0 * 4.0), Some(3600.0), None, Some(1800.0)],
            Some(60),
        );
        let spans: Vec<_> = blocks
            .iter()
            .map(|b| (b.value as u8, b.start.to_string(), b.end.to_string()))
            .collect();
        assert_eq!(
            spans,
            [
                (3, "2024-03-01T23:00:00Z".into(), "2024-03-02T03:00:00Z".into()),
                (4, "2024-03-02T03:00:00Z".into(), "2024-03-02T04:00:00Z".into()),
                (2, "2024-03-02T04:00:00Z".into(), "2024-03-02T04:30:00Z".into()),
            ]
        );
        assert!(blocks.iter().all(|b| b.offset_minutes == Some(60)));
    }

    #[test]
    fn totals_longer_than_the_night_are_cut_at_its_end() {
        let blocks = stage_blocks(
            t("2024-03-01T23:00:00Z"),
            t("2024-03-02T01:00:00Z"),
            [Some(5400.0), Some(3600.0), Some(3600.0), Some(f64::NAN)],
            None,
        );
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].end, t("2024-03-02T01:00:00Z"));
        assert_eq!(blocks[1].start, t("2024-03-02T00:30:00Z"));
    }
}
