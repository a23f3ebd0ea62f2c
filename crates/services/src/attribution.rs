//! Where a day's figure comes from (`GET /samples/attribution`): for one local day and metric, each
//! source's samples on a timeline, with the part the merge counted and the part it set aside because a
//! source of higher priority covered the same minutes. Computed from the raw samples by the same merge
//! as the rollups, so the counted parts add up to the day's figure.

use jiff::civil::Date;
use wearhouse_analytics::rollup::micros;
use wearhouse_analytics::{
    attribute_cumulative, attribute_readings, merge_intervals, merge_readings, Attributed,
};
use wearhouse_model::{InvalidInput, Metric, MetricKind, UserId};
use wearhouse_store::SourceRecord;

use crate::rollups::{merge_input, source_traits, Rollups, READING_SLICE_SECS};
use crate::summaries::SummaryService;
use crate::{FieldError, ServiceError};

/// Runs one source may have on a day. Beyond it, neighbouring runs are grouped, so a source that
/// recorded every second still answers in a few hundred kilobytes.
pub const MAX_RUNS_PER_SOURCE: usize = 1_500;

/// How the merge treated a run of samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// All of it counts toward the day's figure.
    Counted,
    /// Part of it counts; a source of higher priority covered the rest.
    PartlyCounted,
    /// None of it counts: a source of higher priority covered all of it.
    SetAside,
}

impl Treatment {
    pub fn as_str(self) -> &'static str {
        match self {
            Treatment::Counted => "counted",
            Treatment::PartlyCounted => "partly_counted",
            Treatment::SetAside => "set_aside",
        }
    }
}

/// Consecutive samples of one source that the merge treated alike (or, past
/// [`MAX_RUNS_PER_SOURCE`], neighbouring samples grouped).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Unix seconds; a run of readings spans its first to its last reading.
    pub start: i64,
    pub end: i64,
    pub samples: u32,
    /// Of an amount: what lies on the day. Of readings: their sum (see [`Run::mean`]).
    pub value: f64,
    /// Of an amount: the part of `value` counted. Of readings: the sum of those counted.
    pub counted: f64,
    /// Readings the merge kept (amounts: samples with anything counted).
    pub counted_samples: u32,
}

impl Run {
    fn of(item: &Attributed, cumulative: bool) -> Self {
        let kept = if cumulative {
            item.counted > 0.0
        } else {
            item.counted.to_bits() == item.value.to_bits()
        };
        Run {
            start: item.start.div_euclid(1_000_000),
            end: item.end.div_euclid(1_000_000),
            samples: 1,
            value: item.value,
            counted: if kept || cumulative { item.counted } else { 0.0 },
            counted_samples: u32::from(kept),
        }
    }

    fn absorb(&mut self, other: &Run) {
        self.end = self.end.max(other.end);
        self.samples += other.samples;
        self.value += other.value;
        self.counted += other.counted;
        self.counted_samples += other.counted_samples;
    }

    /// How the merge treated the run: by amount for amounts, by readings kept for readings.
    pub fn treatment(&self, cumulative: bool) -> Treatment {
        let (whole, part) = if cumulative {
            (self.value, self.counted)
        } else {
            (f64::from(self.samples), f64::from(self.counted_samples))
        };
        // Counted amounts are shares of the values, computed in floating point.
        let tolerance = 1e-9 * whole.abs().max(1e-9);
        if whole - part <= tolerance {
            Treatment::Counted
        } else if part <= tolerance {
            Treatment::SetAside
        } else {
            Treatment::PartlyCounted
        }
    }

    /// The mean of a run of readings, and of the readings counted (`None` when none was).
    pub fn means(&self) -> (f64, Option<f64>) {
        let mean = self.value / f64::from(self.samples.max(1));
        let counted = (self.counted_samples > 0).then(|| self.counted / f64::from(self.counted_samples));
        (mean, counted)
    }
}

/// One source's part in a day.
#[derive(Debug, Clone)]
pub struct SourceAttribution {
    pub source: SourceRecord,
    /// The source's samples on the day, as runs, by start.
    pub runs: Vec<Run>,
    /// All its runs together.
    pub whole: Run,
}

/// A day's figure of one metric and where it comes from.
#[derive(Debug, Clone)]
pub struct DayAttribution {
    pub metric: Metric,
    pub date: Date,
    /// Sources with samples on the day, highest priority first.
    pub sources: Vec<SourceAttribution>,
}

impl DayAttribution {
    /// The day's figure as the summaries give it: the counted total of an amount, the mean of the
    /// readings kept; `None` without data.
    pub fn figure(&self) -> Option<f64> {
        let mut all: Option<Run> = None;
        for s in &self.sources {
            match &mut all {
                Some(run) => run.absorb(&s.whole),
                None => all = Some(s.whole.clone()),
            }
        }
        let all = all?;
        if self.metric.kind() == MetricKind::Cumulative {
            Some(all.counted)
        } else {
            all.means().1
        }
    }
}

/// Groups a source's samples (ordered by start) into runs of neighbours treated alike: touching
/// intervals of an amount, readings at most a merge slice apart. Then halves the number of runs by
/// pairing neighbours until it is within [`MAX_RUNS_PER_SOURCE`].
fn runs_of(items: &[Attributed], cumulative: bool) -> Vec<Run> {
    let gap = if cumulative { 0 } else { READING_SLICE_SECS };
    let mut runs: Vec<Run> = Vec::new();
    for item in items {
        let run = Run::of(item, cumulative);
        match runs.last_mut() {
            Some(last)
                if run.start <= last.end + gap && last.treatment(cumulative) == run.treatment(cumulative) =>
            {
                last.absorb(&run)
            }
            _ => runs.push(run),
        }
    }
    while runs.len() > MAX_RUNS_PER_SOURCE {
        runs = runs
            .chunks(2)
            .map(|pair| {
                let mut run = pair[0].clone();
                for other in &pair[1..] {
                    run.absorb(other);
                }
                run
            })
            .collect();
    }
    runs
}

fn parse_date(raw: &str) -> Result<Date, FieldError> {
    raw.trim()
        .parse::<Date>()
        .ok()
        .filter(|d| (1900..=2099).contains(&d.year()))
        .ok_or_else(|| {
            FieldError::new(
                "date",
                InvalidInput::new(
                    "invalid_date",
                    format!("'{raw}' is not a date (YYYY-MM-DD, 1900–2099)"),
                ),
            )
        })
}

impl SummaryService {
    /// Each source's samples of `metric` on the local day `date`, and what the merge counted of them.
    pub async fn attribution(
        &self,
        user: &UserId,
        metric: &str,
        date: &str,
    ) -> Result<DayAttribution, ServiceError> {
        let metric = metric.parse::<Metric>().map_err(|e| FieldError::new("metric", e));
        let date = parse_date(date);
        let (metric, date) = match (metric, date) {
            (Ok(m), Ok(d)) => (m, d),
            (m, d) => {
                return Err(ServiceError::Invalid(
                    m.err().into_iter().chain(d.err()).collect(),
                ));
            }
        };
        let cumulative = match metric.kind() {
            MetricKind::Cumulative => true,
            MetricKind::Instantaneous => false,
            MetricKind::Category => {
                return Err(ServiceError::invalid(
                    "metric",
                    InvalidInput::new(
                        "not_attributable",
                        format!("{metric} is a category; see GET /api/v1/summaries/sleep for nights"),
                    ),
                ))
            }
        };
        let records = self.store.samples.sources(user).await?;
        let sources = source_traits(&records);
        let summaries = sources.values().any(|s| s.summary);
        let (from, to) = Rollups::read_window(metric, date, date, summaries);
        let samples = self.store.samples.sample_values(user, metric, from, to).await?;
        let zones = self.rollups.zones(user).await?;
        let intervals = merge_input(&samples, &sources);
        let attributed = if cumulative {
            attribute_cumulative(&intervals, &merge_intervals(&intervals), date, &zones)
        } else {
            let kept = merge_readings(&intervals, micros(READING_SLICE_SECS));
            attribute_readings(&intervals, &kept, date, &zones)
        };
        // `attributed` is ordered by source, then start.
        let mut out: Vec<SourceAttribution> = attributed
            .chunk_by(|a, b| a.source == b.source)
            .filter_map(|items| {
                let id = i64::from(items[0].source);
                // Every sample belongs to a source of its user; one that does not is left out.
                let source = records.iter().find(|r| r.id == id)?.clone();
                let runs = runs_of(items, cumulative);
                let mut whole = runs.first()?.clone();
                for run in &runs[1..] {
                    whole.absorb(run);
                }
                Some(SourceAttribution { source, runs, whole })
            })
            .collect();
        out.sort_by_key(|s| (s.source.rank(), s.source.id));
        Ok(DayAttribution {
            metric,
            date,
            sources: out,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(start_s: i64, end_s: i64, value: f64, counted: f64) -> Attributed {
        Attributed {
            start: start_s * 1_000_000,
            end: end_s * 1_000_000,
            source: 1,
            value,
            counted,
        }
    }

    #[test]
    fn touching_amounts_treated_alike_form_one_run() {
        let items = [
            item(0, 60, 10.0, 10.0),
            item(60, 120, 20.0, 20.0),
            item(120, 180, 30.0, 0.0),
            item(300, 360, 5.0, 0.0),
            item(360, 420, 8.0, 4.0),
        ];
        let runs = runs_of(&items, true);
        let shape: Vec<_> = runs
            .iter()
            .map(|r| (r.start, r.end, r.samples, r.treatment(true)))
            .collect();
        assert_eq!(
            shape,
            vec![
                (0, 120, 2, Treatment::Counted),
                (120, 180, 1, Treatment::SetAside),
                (300, 360, 1, Treatment::SetAside),
                (360, 420, 1, Treatment::PartlyCounted),
            ]
        );
        assert_eq!(runs[0].value, 30.0);
    }

    #[test]
    fn readings_within_a_slice_of_each_other_form_one_run() {
        let items = [
            item(0, 0, 60.0, 60.0),
            item(30, 30, 70.0, 70.0),
            item(200, 200, 80.0, 80.0),
            item(210, 210, 90.0, 0.0),
        ];
        let runs = runs_of(&items, false);
        assert_eq!(runs.len(), 3);
        assert_eq!(runs[0].means(), (65.0, Some(65.0)));
        assert_eq!(runs[2].treatment(false), Treatment::SetAside);
        assert_eq!(runs[2].means(), (90.0, None));
    }

    #[test]
    fn a_source_with_many_runs_is_grouped_within_the_bound() {
        // Alternating treatment, never touching: one run per sample before grouping.
        let items: Vec<Attributed> = (0..10_000)
            .map(|i| item(i * 120, i * 120 + 60, 1.0, if i % 2 == 0 { 1.0 } else { 0.0 }))
            .collect();
        let runs = runs_of(&items, true);
        assert!(runs.len() <= MAX_RUNS_PER_SOURCE, "{}", runs.len());
        assert!(runs.len() > MAX_RUNS_PER_SOURCE / 2, "{}", runs.len());
        let samples: u32 = runs.iter().map(|r| r.samples).sum();
        let counted: f64 = runs.iter().map(|r| r.counted).sum();
        assert_eq!((samples, counted), (10_000, 5_000.0));
        assert_eq!(runs[0].treatment(true), Treatment::PartlyCounted);
    }
}
