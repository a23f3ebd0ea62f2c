//! A day's (or an hour's, or a period's) figures of one metric: what rollups keep and summaries show.
//! Here, not with the computations that produce it, because storage hands it out as it is: a summary's
//! columns are filled straight from decoded rollup blocks.

/// One day's figures of one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayFigures {
    pub total: f64,
    pub minimum: f64,
    pub maximum: f64,
    pub count: i64,
}

impl DayFigures {
    /// Figures of nothing yet, to `add` values to.
    pub fn new() -> Self {
        Self {
            total: 0.0,
            minimum: f64::INFINITY,
            maximum: f64::NEG_INFINITY,
            count: 0,
        }
    }

    pub fn add(&mut self, value: f64) {
        self.total += value;
        self.minimum = self.minimum.min(value);
        self.maximum = self.maximum.max(value);
        self.count += 1;
    }

    /// Folds another day's figures in (a period's figures from its days').
    pub fn combine(&mut self, day: &DayFigures) {
        self.total += day.total;
        self.minimum = self.minimum.min(day.minimum);
        self.maximum = self.maximum.max(day.maximum);
        self.count += day.count;
    }
}

impl Default for DayFigures {
    fn default() -> Self {
        Self::new()
    }
}
