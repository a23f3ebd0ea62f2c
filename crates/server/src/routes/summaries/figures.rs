//! The figures of daily, weekly and monthly summaries as columns: one array per figure, one entry per
//! period, each rounded to its figure's precision. Builds and serializes views; computes nothing.
//!
//! Why columns: a year as one object of ~30 named fields per day was 195 KB of JSON, most of it field
//! names repeated 366 times and float noise; as columns of rounded numbers it is under a third, and a
//! chart takes a column as it is.

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use utoipa::ToSchema;

use wearhouse_analytics::DayFigures;
use wearhouse_model::{round_to, Metric, MetricKind};
use wearhouse_services::summaries::WorkoutFigures;
use wearhouse_services::Summaries;
use wearhouse_store::SleepRollup;

/// One figure per period, rounded to the figure's decimals; empty where nothing was recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    decimals: u8,
    cells: Vec<Cell>,
}

/// 10^decimals of the precisions kept as counts of units; finer ones go through `round_to` and
/// serde_json.
const POW10: [f64; 4] = [1.0, 10.0, 100.0, 1000.0];

/// A rounded figure.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    Empty,
    /// The figure as a count of its precision's units (10^-decimals), below 10^15: what `round_to`
    /// gives is exactly `units / 10^decimals`.
    Units(i64),
    /// Any other figure, rounded by `round_to` (huge, non-finite, or finer precisions).
    Other(f64),
}

impl Cell {
    #[inline(always)]
    fn of(v: f64, decimals: u8) -> Cell {
        if let Some(scale) = POW10.get(usize::from(decimals)) {
            let scaled = v * scale;
            // Also false for NaN.
            if scaled.abs() < 1e15 {
                return Cell::Units(round_half_away(scaled));
            }
        }
        Cell::Other(round_to(v, decimals))
    }

    /// The rounded figure as a double (what `round_to` gives).
    fn value(self, decimals: u8) -> Option<f64> {
        match self {
            Cell::Empty => None,
            Cell::Units(units) => {
                Some(units as f64 / POW10.get(usize::from(decimals)).copied().unwrap_or(1.0))
            }
            Cell::Other(v) => Some(v),
        }
    }
}

impl Column {
    /// The column of `values`, rounded; `None` when no period has a value.
    fn of(decimals: u8, values: impl Iterator<Item = Option<f64>>) -> Option<Self> {
        let cells: Vec<Cell> = values
            .map(|v| v.map_or(Cell::Empty, |v| Cell::of(v, decimals)))
            .collect();
        cells
            .iter()
            .any(|c| *c != Cell::Empty)
            .then_some(Column { decimals, cells })
    }

    /// Writes the column as the `Serialize` impl does. Why by hand: a year view writes ~12,000
    /// figures, and serde_json's per-element calls with its float formatter were a fifth of the
    /// request; a rounded figure is a count of its precision's units, written with integer formatting.
    /// (`CellWriter` writes the same cells without the column.)
    fn write_json(&self, out: &mut Vec<u8>) {
        out.reserve(self.cells.len() * 8 + 2);
        out.push(b'[');
        // One instance per precision, so that the divisions are by constants.
        match self.decimals {
            0 => write_cells::<0>(out, &self.cells),
            1 => write_cells::<1>(out, &self.cells),
            2 => write_cells::<2>(out, &self.cells),
            _ => write_cells::<3>(out, &self.cells),
        }
        out.push(b']');
    }
}

/// `x` rounded half away from zero, as `f64::round` does, for |x| < 10^15. Why not `round`: without
/// SSE4.1 in the target it is a call into libm, a twentieth of a year view for ~12,000 figures.
/// Exact: truncating a double below 2^53 to i64 is exact, and so is `x - whole`, a multiple of x's
/// last place smaller than 1.
#[inline(always)]
fn round_half_away(x: f64) -> i64 {
    let whole = x as i64;
    let fraction = x - whole as f64;
    if fraction >= 0.5 {
        whole + 1
    } else if fraction <= -0.5 {
        whole - 1
    } else {
        whole
    }
}

/// Writes `cells` separated by commas. A count of units is written as its decimal with trailing zeros
/// trimmed, which is the shortest form serde_json writes for the double it stands for (any decimal of
/// at most 15 significant digits survives a round trip through a double, so no shorter one names the
/// same double); whole figures have no fraction, like `Figure`.
fn write_cells<const DECIMALS: u32>(out: &mut Vec<u8>, cells: &[Cell]) {
    let mut digits = itoa::Buffer::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_cell::<DECIMALS>(out, *cell, &mut digits);
    }
}

fn write_cell<const DECIMALS: u32>(out: &mut Vec<u8>, cell: Cell, digits: &mut itoa::Buffer) {
    match cell {
        Cell::Empty => out.extend_from_slice(b"null"),
        Cell::Other(v) => {
            if serde_json::to_writer(&mut *out, &Figure(v)).is_err() {
                out.extend_from_slice(b"null");
            }
        }
        Cell::Units(units) => {
            let scale = 10u64.pow(DECIMALS);
            if units < 0 {
                out.push(b'-');
            }
            let units = units.unsigned_abs();
            out.extend_from_slice(digits.format(units / scale).as_bytes());
            let mut fraction = units % scale;
            if fraction == 0 {
                return;
            }
            let mut width = DECIMALS as usize;
            while fraction.is_multiple_of(10) {
                fraction /= 10;
                width -= 1;
            }
            out.push(b'.');
            let text = digits.format(fraction);
            out.extend(std::iter::repeat_n(b'0', width.saturating_sub(text.len())));
            out.extend_from_slice(text.as_bytes());
        }
    }
}

/// Writes a column's figures straight from the summaries, rounded as `Column::of` rounds them, without
/// the column in between: for a year view the ~12,000 cells were as costly to hold as to write. Cells
/// are written into a chunk on the stack, its position in a register, and the chunk is appended to
/// the response when full: writing each cell through the response's `Vec` (its length loaded, checked
/// and stored per cell) was a third of the cost of writing figures.
struct CellWriter<'a, const DECIMALS: u32> {
    out: &'a mut Vec<u8>,
    chunk: [u8; CHUNK],
    at: usize,
    digits: itoa::Buffer,
    first: bool,
    any: bool,
}

/// Room for a comma, a sign, 16 digits and a point: a count of units below 10^15 fits.
const SCRATCH: usize = 24;
/// Bytes written before they are appended to the response.
const CHUNK: usize = 1024;

impl<'a, const DECIMALS: u32> CellWriter<'a, DECIMALS> {
    fn new(out: &'a mut Vec<u8>, cells: usize) -> Self {
        out.reserve(cells * 8 + 2);
        out.push(b'[');
        CellWriter {
            out,
            chunk: [0; CHUNK],
            at: 0,
            digits: itoa::Buffer::new(),
            first: true,
            any: false,
        }
    }

    fn flush(&mut self) {
        self.out.extend_from_slice(&self.chunk[..self.at]);
        self.at = 0;
    }

    // Inlined into each column's loop (see `for_each_value`): called once per cell.
    #[inline(always)]
    fn cell(&mut self, value: Option<f64>) {
        let comma = !self.first;
        self.first = false;
        if self.at > CHUNK - SCRATCH {
            self.flush();
        }
        let Some(scratch) = self
            .chunk
            .get_mut(self.at..self.at + SCRATCH)
            .and_then(|s| <&mut [u8; SCRATCH]>::try_from(s).ok())
        else {
            // Unreachable: `at` is at most CHUNK - SCRATCH here.
            return;
        };
        let Some(v) = value else {
            let null: &[u8; 5] = b",null";
            let from = usize::from(!comma);
            scratch[..5 - from].copy_from_slice(&null[from..]);
            self.at += 5 - from;
            return;
        };
        self.any = true;
        // DECIMALS is at most 3.
        match Cell::of(v, DECIMALS as u8) {
            Cell::Units(units) => self.at += write_units::<DECIMALS>(scratch, units, comma),
            cell => {
                self.flush();
                if comma {
                    self.out.push(b',');
                }
                write_cell::<DECIMALS>(self.out, cell, &mut self.digits);
            }
        }
    }

    /// Closes the array; whether any period had a value.
    fn finish(mut self) -> bool {
        self.flush();
        self.out.push(b']');
        self.any
    }
}

/// Two-digit groups, for writing numbers two digits at a time.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes what `write_cell` writes for `Cell::Units(units)` (|units| <= 10^15) into `text`, after a
/// comma if `comma`; returns its length. The length is known before the text is written, so it goes
/// straight into place, two digits at a time; a year view writes ~10,000 of them.
#[inline(always)]
fn write_units<const DECIMALS: u32>(text: &mut [u8; SCRATCH], units: i64, comma: bool) -> usize {
    let scale = 10u64.pow(DECIMALS);
    let magnitude = units.unsigned_abs();
    let (mut whole, mut fraction) = (magnitude / scale, magnitude % scale);
    let mut fraction_digits = if fraction == 0 { 0 } else { DECIMALS as usize };
    while fraction_digits > 0 && fraction.is_multiple_of(10) {
        fraction /= 10;
        fraction_digits -= 1;
    }
    let whole_digits = whole.checked_ilog10().map_or(1, |l| l as usize + 1);
    let negative = units < 0;
    let lead = usize::from(comma) + usize::from(negative);
    let point = usize::from(fraction_digits > 0);
    // At most 20 (10^15 has 16 digits), within the scratch.
    let len = (lead + whole_digits + point + fraction_digits).min(SCRATCH);
    let mut at = len;
    for _ in 0..fraction_digits {
        at -= 1;
        text[at] = b'0' + (fraction % 10) as u8;
        fraction /= 10;
    }
    if point == 1 {
        at -= 1;
        text[at] = b'.';
    }
    while whole >= 100 && at >= 2 {
        let pair = (whole % 100) as usize * 2;
        whole /= 100;
        at -= 2;
        text[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if whole >= 10 && at >= 2 {
        let pair = whole as usize * 2;
        at -= 2;
        text[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else if at >= 1 {
        at -= 1;
        text[at] = b'0' + whole as u8;
    }
    if negative && at >= 1 {
        text[at - 1] = b'-';
    }
    if comma {
        text[0] = b',';
    }
    len
}

/// A figure of a period's sleep. Named, not a function pointer: a call through a pointer per cell (a
/// year has ~3,300 sleep cells) could not be inlined into the column's loop.
#[derive(Clone, Copy)]
enum SleepFigure {
    Asleep,
    InBed,
    Awake,
    Core,
    Deep,
    Rem,
    Unspecified,
    /// Asleep ÷ in bed, at most 1; none without time in bed.
    Efficiency,
    Sessions,
}

impl SleepFigure {
    #[inline(always)]
    fn of(self, s: &SleepRollup) -> Option<f64> {
        Some(match self {
            SleepFigure::Asleep => s.asleep,
            SleepFigure::InBed => s.in_bed,
            SleepFigure::Awake => s.awake,
            SleepFigure::Core => s.core,
            SleepFigure::Deep => s.deep,
            SleepFigure::Rem => s.rem,
            SleepFigure::Unspecified => s.unspecified,
            SleepFigure::Efficiency => return (s.in_bed > 0.0).then(|| (s.asleep / s.in_bed).min(1.0)),
            SleepFigure::Sessions => s.sessions as f64,
        })
    }
}

/// A figure of a period's workouts (see `SleepFigure` for why named).
#[derive(Clone, Copy)]
enum WorkoutFigure {
    Count,
    Duration,
    Distance,
}

impl WorkoutFigure {
    #[inline(always)]
    fn of(self, w: &WorkoutFigures) -> f64 {
        match self {
            WorkoutFigure::Count => f64::from(w.count),
            WorkoutFigure::Duration => w.duration,
            WorkoutFigure::Distance => w.distance,
        }
    }
}

/// Where a column's figures come from.
#[derive(Clone, Copy)]
enum Source {
    /// A metric's period figure: the total of an amount, the average of readings.
    Metric(Metric),
    Lowest(Metric),
    Highest(Metric),
    /// Active plus basal energy.
    TotalEnergy,
    Sleep(SleepFigure),
    Workouts(WorkoutFigure),
}

impl Source {
    /// Writes the column's array into `out`; whether any period had a value (a column without one is
    /// left out, as `column` gives `None`).
    fn write(self, s: &Summaries, decimals: u8, out: &mut Vec<u8>) -> bool {
        match decimals {
            0 => self.write_as::<0>(s, out),
            1 => self.write_as::<1>(s, out),
            2 => self.write_as::<2>(s, out),
            3 => self.write_as::<3>(s, out),
            _ => match self.column(s, decimals) {
                Some(column) => {
                    column.write_json(out);
                    true
                }
                None => false,
            },
        }
    }

    fn write_as<const DECIMALS: u32>(self, s: &Summaries, out: &mut Vec<u8>) -> bool {
        if !self.has_column(s) {
            return false;
        }
        let mut w = CellWriter::<DECIMALS>::new(out, s.periods.len());
        self.for_each_value(s, |v| w.cell(v));
        w.finish()
    }

    /// False when no period can have a value (the metric has no figures at all).
    fn has_column(self, s: &Summaries) -> bool {
        match self {
            Source::Metric(m) | Source::Lowest(m) | Source::Highest(m) => s.figures.contains_key(&m),
            Source::TotalEnergy => {
                s.figures.contains_key(&Metric::ActiveEnergy) || s.figures.contains_key(&Metric::BasalEnergy)
            }
            Source::Sleep(_) | Source::Workouts(_) => true,
        }
    }

    /// Calls `f` with the figure of each period, in order. Inlined, so that `f` is inlined into each
    /// source's loop rather than called per cell.
    #[inline(always)]
    fn for_each_value(self, s: &Summaries, mut f: impl FnMut(Option<f64>)) {
        let metric = |m: Metric| s.figures.get(&m).map(Vec::as_slice).unwrap_or_default();
        match self {
            Source::Metric(m) => {
                let average = m.kind() == MetricKind::Instantaneous;
                metric(m).iter().for_each(|d| f(d.map(|d| value(average, &d))));
            }
            Source::Lowest(m) => metric(m).iter().for_each(|d| f(d.map(|d| d.minimum))),
            Source::Highest(m) => metric(m).iter().for_each(|d| f(d.map(|d| d.maximum))),
            Source::TotalEnergy => {
                let (active, basal) = (metric(Metric::ActiveEnergy), metric(Metric::BasalEnergy));
                for i in 0..s.periods.len() {
                    let (a, b) = (active.get(i).copied().flatten(), basal.get(i).copied().flatten());
                    f((a.is_some() || b.is_some())
                        .then(|| a.map_or(0.0, |d| d.total) + b.map_or(0.0, |d| d.total)));
                }
            }
            Source::Sleep(which) => s
                .sleep
                .iter()
                .for_each(|x| f(x.as_ref().and_then(|s| which.of(s)))),
            Source::Workouts(which) => s.workouts.iter().for_each(|x| f(x.as_ref().map(|w| which.of(w)))),
        }
    }

    fn column(self, s: &Summaries, decimals: u8) -> Option<Column> {
        let mut values = Vec::with_capacity(s.periods.len());
        self.for_each_value(s, |v| values.push(v));
        Column::of(decimals, values.into_iter())
    }
}

/// A metric's figure over a period: amounts are the period's total, readings (`average`) its average.
fn value(average: bool, f: &DayFigures) -> f64 {
    if average {
        f.total / f.count.max(1) as f64
    } else {
        f.total
    }
}

/// A rounded figure: whole numbers go out as integers (`8123`, not `8123.0`).
struct Figure(f64);

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Below 2^53 a whole double converts to i64 exactly.
        if self.0.fract() == 0.0 && self.0.abs() < 9_007_199_254_740_992.0 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

impl Serialize for Column {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.cells.len()))?;
        for cell in &self.cells {
            seq.serialize_element(&cell.value(self.decimals).map(Figure))?;
        }
        seq.end()
    }
}

/// The figures of summaries, in a view: serialized as `FigureColumns`, and written by `write_json`
/// without building the columns first.
#[derive(Debug)]
pub struct Figures(pub Summaries);

impl Figures {
    /// Writes the same JSON as serializing (a test holds them equal).
    pub(super) fn write_json(&self, out: &mut Vec<u8>) {
        FigureColumns::write_of(&self.0, out);
    }

    /// An estimate of the written size, to allocate the response once in the common case: about two
    /// figures per metric with data and a few of sleep and workouts, ~7 bytes a cell (a year view is
    /// ~56 KB). Not an upper bound: a too-large buffer per request cost more than the rare regrowth.
    pub(super) fn size_hint(&self) -> usize {
        let columns = self.0.figures.len() * 2 + 12;
        columns * (self.0.periods.len() * 7 + 24)
    }
}

impl Serialize for Figures {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        FigureColumns::of(&self.0).serialize(s)
    }
}

/// Declares the figures once: the column struct (its schema documents each figure's unit and
/// rounding) and where each column comes from.
macro_rules! figures {
    ($( $(#[doc = $doc:literal])* $name:ident : $decimals:expr => $source:expr ),* $(,)?) => {
        /// Figures as columns: each is an array with one entry per period (day, week or month), in the
        /// order of the periods, `null` for a period without data; a figure without data in any period
        /// is left out. Amounts are totals over the period, readings its average (`heart_rate_min` and
        /// `_max` its extremes). Every figure is rounded half away from zero to the precision given
        /// with it; whole numbers are written without a fraction.
        #[derive(Debug, Default, Serialize, ToSchema)]
        pub struct FigureColumns {
            $(
                $(#[doc = $doc])*
                #[serde(skip_serializing_if = "Option::is_none")]
                #[schema(value_type = Vec<Option<f64>>, required = false)]
                pub $name: Option<Column>,
            )*
        }

        impl FigureColumns {
            /// The columns of `summaries`, one entry per period.
            pub(super) fn of(summaries: &Summaries) -> Self {
                FigureColumns {
                    $( $name: Source::column($source, summaries, $decimals), )*
                }
            }

            /// Writes the JSON of `FigureColumns::of(summaries)` (a test holds them equal) straight
            /// from the summaries.
            fn write_of(summaries: &Summaries, out: &mut Vec<u8>) {
                out.push(b'{');
                let mut first = true;
                $(
                    let mark = out.len();
                    if !first {
                        out.push(b',');
                    }
                    out.extend_from_slice(concat!("\"", stringify!($name), "\":").as_bytes());
                    if Source::write($source, summaries, $decimals, out) {
                        first = false;
                    } else {
                        out.truncate(mark);
                    }
                )*
                let _ = first;
                out.push(b'}');
            }
        }
    };
}

figures! {
    /// Steps, whole.
    steps: Metric::Steps.decimals() => Source::Metric(Metric::Steps),
    /// Metres on foot, by bike or swimming, to 0.1 m.
    distance: Metric::Distance.decimals() => Source::Metric(Metric::Distance),
    /// kcal, to 0.1.
    active_energy: Metric::ActiveEnergy.decimals() => Source::Metric(Metric::ActiveEnergy),
    /// kcal, to 0.1.
    basal_energy: Metric::BasalEnergy.decimals() => Source::Metric(Metric::BasalEnergy),
    /// Active plus basal energy, kcal, to 0.1 (the sum rounded, not the sum of the rounded).
    total_energy: Metric::ActiveEnergy.decimals() => Source::TotalEnergy,
    /// Floors climbed, whole.
    floors: Metric::Floors.decimals() => Source::Metric(Metric::Floors),
    /// Metres, to 0.1.
    elevation_gain: Metric::ElevationGain.decimals() => Source::Metric(Metric::ElevationGain),
    /// Minutes, to 0.1.
    exercise_minutes: Metric::ExerciseMinutes.decimals() => Source::Metric(Metric::ExerciseMinutes),
    /// Minutes, to 0.1.
    sedentary_minutes: Metric::SedentaryMinutes.decimals() => Source::Metric(Metric::SedentaryMinutes),
    /// Minutes, to 0.1.
    light_activity_minutes: Metric::LightActivityMinutes.decimals() => Source::Metric(Metric::LightActivityMinutes),
    /// Google Fit's Heart Points, whole.
    heart_points: Metric::HeartPoints.decimals() => Source::Metric(Metric::HeartPoints),
    /// Hours with standing, whole.
    stand_hours: Metric::StandHours.decimals() => Source::Metric(Metric::StandHours),
    /// Minutes, to 0.1.
    mindful_minutes: Metric::MindfulMinutes.decimals() => Source::Metric(Metric::MindfulMinutes),
    /// mL, whole.
    water: Metric::Water.decimals() => Source::Metric(Metric::Water),
    /// Beats per minute, average of the readings, to 0.1.
    heart_rate_avg: Metric::HeartRate.decimals() => Source::Metric(Metric::HeartRate),
    /// Beats per minute, lowest reading, to 0.1.
    heart_rate_min: Metric::HeartRate.decimals() => Source::Lowest(Metric::HeartRate),
    /// Beats per minute, highest reading, to 0.1.
    heart_rate_max: Metric::HeartRate.decimals() => Source::Highest(Metric::HeartRate),
    /// Beats per minute, to 0.1.
    resting_heart_rate: Metric::RestingHeartRate.decimals() => Source::Metric(Metric::RestingHeartRate),
    /// Beats per minute, to 0.1.
    walking_heart_rate: Metric::WalkingHeartRate.decimals() => Source::Metric(Metric::WalkingHeartRate),
    /// Milliseconds, to 0.1.
    hrv_sdnn: Metric::HrvSdnn.decimals() => Source::Metric(Metric::HrvSdnn),
    /// Milliseconds, to 0.1.
    hrv_rmssd: Metric::HrvRmssd.decimals() => Source::Metric(Metric::HrvRmssd),
    /// Percent, to 0.1.
    spo2: Metric::Spo2.decimals() => Source::Metric(Metric::Spo2),
    /// Breaths per minute, to 0.1.
    respiratory_rate: Metric::RespiratoryRate.decimals() => Source::Metric(Metric::RespiratoryRate),
    /// Kilograms, to 0.01 (10 g: a tenth of a pound still shows after conversion).
    body_mass: Metric::BodyMass.decimals() => Source::Metric(Metric::BodyMass),
    /// mL/(kg·min), to 0.1.
    vo2max: Metric::Vo2max.decimals() => Source::Metric(Metric::Vo2max),
    /// Recovery or readiness score, 0–100, whole.
    recovery_score: Metric::RecoveryScore.decimals() => Source::Metric(Metric::RecoveryScore),
    /// Day strain, 0–21, to 0.1.
    strain: Metric::Strain.decimals() => Source::Metric(Metric::Strain),
    /// °C, to 0.01.
    skin_temperature: Metric::SkinTemperature.decimals() => Source::Metric(Metric::SkinTemperature),
    /// Sleep score, 0–100, whole.
    sleep_score: Metric::SleepScore.decimals() => Source::Metric(Metric::SleepScore),
    /// Stress level, 0–100, average of the readings, whole.
    stress_level: Metric::StressLevel.decimals() => Source::Metric(Metric::StressLevel),
    /// Seconds asleep (any stage) in sessions ending in the period, whole.
    sleep_asleep: 0 => Source::Sleep(SleepFigure::Asleep),
    /// Seconds in bed, whole.
    sleep_in_bed: 0 => Source::Sleep(SleepFigure::InBed),
    /// Seconds awake in bed, whole.
    sleep_awake: 0 => Source::Sleep(SleepFigure::Awake),
    /// Seconds of light/core sleep, whole.
    sleep_core: 0 => Source::Sleep(SleepFigure::Core),
    /// Seconds of deep sleep, whole.
    sleep_deep: 0 => Source::Sleep(SleepFigure::Deep),
    /// Seconds of REM sleep, whole.
    sleep_rem: 0 => Source::Sleep(SleepFigure::Rem),
    /// Seconds asleep with the stage unknown (older devices), whole.
    sleep_unspecified: 0 => Source::Sleep(SleepFigure::Unspecified),
    /// Asleep ÷ in bed, a fraction to 0.001.
    sleep_efficiency: 3 => Source::Sleep(SleepFigure::Efficiency),
    /// Sleep sessions ending in the period, whole.
    sleep_sessions: 0 => Source::Sleep(SleepFigure::Sessions),
    /// Workouts started in the period, whole.
    workout_count: 0 => Source::Workouts(WorkoutFigure::Count),
    /// Elapsed seconds of those workouts, whole.
    workout_duration: 0 => Source::Workouts(WorkoutFigure::Duration),
    /// Metres covered in those workouts, to 0.1.
    workout_distance: Metric::Distance.decimals() => Source::Workouts(WorkoutFigure::Distance),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_rounded_per_figure_and_whole_numbers_have_no_fraction() {
        let day = |total: f64, count: i64| {
            vec![
                Some(DayFigures {
                    total,
                    minimum: 51.04,
                    maximum: 160.96,
                    count,
                }),
                None,
            ]
        };
        let date: jiff::civil::Date = "2024-06-01".parse().unwrap();
        let mut summaries = Summaries {
            periods: vec![(date, date), (date.tomorrow().unwrap(), date.tomorrow().unwrap())],
            figures: Default::default(),
            sleep: vec![
                None,
                Some(SleepRollup {
                    in_bed: 28_800.4,
                    asleep: 27_000.6,
                    sessions: 1,
                    ..Default::default()
                }),
            ],
            workouts: vec![None, None],
        };
        summaries.figures.insert(Metric::Steps, day(8123.4999, 1));
        summaries
            .figures
            .insert(Metric::Distance, day(35377.20000000004, 1));
        summaries.figures.insert(Metric::HeartRate, day(61.25 * 3.0, 3));
        summaries.figures.insert(Metric::BodyMass, day(69.853, 1));
        let columns = FigureColumns::of(&summaries);
        let json = serde_json::to_string(&columns).unwrap();
        assert_eq!(
            json,
            r#"{"steps":[8123,null],"distance":[35377.2,null],"heart_rate_avg":[61.3,null],"heart_rate_min":[51,null],"heart_rate_max":[161,null],"body_mass":[69.85,null],"sleep_asleep":[null,27001],"sleep_in_bed":[null,28800],"sleep_awake":[null,0],"sleep_core":[null,0],"sleep_deep":[null,0],"sleep_rem":[null,0],"sleep_unspecified":[null,0],"sleep_efficiency":[null,0.938],"sleep_sessions":[null,1]}"#
        );
    }
}

#[cfg(test)]
mod writer_tests {
    use super::*;

    /// The hand-written JSON is byte for byte what serde_json writes, over figures of every size and
    /// precision, negative ones, exact halves, and values beyond the integer path.
    #[test]
    fn written_columns_equal_serde_json_exactly() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            0.05,
            0.001,
            1.25,
            35377.2,
            8123.0,
            69.85,
            -12.3,
            0.938,
            1e14,
            123_456_789.1,
            9.99e14,
            2e15,
            1e300,
            -1e300,
            5e-324,
            f64::NAN,
            f64::INFINITY,
        ];
        let mut x = 0.123_456_789_f64;
        for _ in 0..20_000 {
            x = (x * 7_919.0 + 0.377).fract();
            values.push((x - 0.3) * 10f64.powi((x * 40.0) as i32 - 10));
        }
        for decimals in [0u8, 1, 2, 3] {
            let column = Column::of(decimals, values.iter().map(|v| Some(*v)).chain([None])).unwrap();
            let mut written = Vec::new();
            column.write_json(&mut written);
            let expected = serde_json::to_vec(&column).unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(expected).unwrap(),
                "decimals {decimals}"
            );
        }
    }
}

#[cfg(test)]
mod direct_writer_tests {
    use super::*;
    use wearhouse_store::SleepRollup;

    /// Written straight from the summaries, the figures are byte for byte what serializing their
    /// columns gives: every kind of source, gaps, absent metrics, a column empty in every period.
    #[test]
    fn figures_written_from_summaries_equal_serialized_columns() {
        let date: jiff::civil::Date = "2024-03-30".parse().unwrap();
        let len = 40;
        let periods: Vec<_> = (0..len)
            .map(|i| {
                let d = date.checked_add(jiff::Span::new().days(i)).unwrap();
                (d, d)
            })
            .collect();
        let mut x = 0.271_f64;
        let mut next = move || {
            x = (x * 7_919.0 + 0.377).fract();
            x
        };
        let mut s = Summaries {
            periods,
            figures: Default::default(),
            sleep: vec![None; len as usize],
            workouts: vec![None; len as usize],
        };
        for (k, metric) in [
            Metric::Steps,
            Metric::ActiveEnergy,
            Metric::HeartRate,
            Metric::BodyMass,
            Metric::Spo2,
        ]
        .into_iter()
        .enumerate()
        {
            let column = (0..len)
                .map(|_| {
                    let r = next();
                    (r > 0.3).then(|| DayFigures {
                        total: r * 10f64.powi(k as i32 + 1) - 3.0,
                        minimum: r * 40.0 + 0.05,
                        maximum: r * 190.0 - 0.05,
                        count: 1 + (r * 9.0) as i64,
                    })
                })
                .collect();
            s.figures.insert(metric, column);
        }
        // Present but empty in every period: left out, like a metric without data.
        s.figures.insert(Metric::Water, vec![None; len as usize]);
        for i in 0..len as usize {
            if next() > 0.5 {
                s.sleep[i] = Some(SleepRollup {
                    in_bed: next() * 30_000.0,
                    asleep: next() * 28_000.0,
                    sessions: 1,
                    ..Default::default()
                });
            }
            if next() > 0.7 {
                s.workouts[i] = Some(WorkoutFigures {
                    count: 1,
                    duration: next() * 5_000.0,
                    distance: next() * 20_000.5,
                });
            }
        }
        let figures = Figures(s);
        let mut written = Vec::new();
        figures.write_json(&mut written);
        let expected = serde_json::to_vec(&FigureColumns::of(&figures.0)).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            String::from_utf8(expected).unwrap()
        );
        assert!(
            !String::from_utf8(serde_json::to_vec(&figures).unwrap())
                .unwrap()
                .contains("water"),
            "a column without any value is left out"
        );
        let empty = Figures(Summaries {
            periods: vec![],
            figures: Default::default(),
            sleep: vec![],
            workouts: vec![],
        });
        let mut written = Vec::new();
        empty.write_json(&mut written);
        assert_eq!(written, b"{}");
    }

    /// Every size, sign and precision the column writer is checked on, written straight.
    #[test]
    fn figures_of_every_size_written_straight_equal_serde_json() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            0.05,
            0.001,
            0.0004,
            9.995,
            -12.3,
            1e14,
            9.99e14,
            999_999_999_999_999.4,
            2e15,
            1e300,
            f64::NAN,
            f64::INFINITY,
        ];
        let mut x = 0.123_456_789_f64;
        for _ in 0..5_000 {
            x = (x * 7_919.0 + 0.377).fract();
            values.push((x - 0.3) * 10f64.powi((x * 40.0) as i32 - 10));
        }
        let date: jiff::civil::Date = "2020-01-01".parse().unwrap();
        let mut s = Summaries {
            periods: vec![(date, date); values.len()],
            figures: Default::default(),
            sleep: vec![None; values.len()],
            workouts: vec![None; values.len()],
        };
        // Whole, to 0.1, to 0.01; sleep efficiency is to 0.001.
        for metric in [Metric::Steps, Metric::Distance, Metric::BodyMass] {
            let column = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    (i % 7 != 3).then_some(DayFigures {
                        total: *v,
                        minimum: *v,
                        maximum: *v,
                        count: 1,
                    })
                })
                .collect();
            s.figures.insert(metric, column);
        }
        for (i, v) in values.iter().enumerate() {
            s.sleep[i] = Some(SleepRollup {
                in_bed: 1.0,
                asleep: v.abs().fract(),
                ..Default::default()
            });
        }
        let figures = Figures(s);
        let mut written = Vec::new();
        figures.write_json(&mut written);
        let expected = serde_json::to_vec(&FigureColumns::of(&figures.0)).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }

    #[test]
    fn rounding_half_away_from_zero_equals_f64_round() {
        let mut x = 0.5_f64;
        let mut values = vec![
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.49999999999999994,
            -0.49999999999999994,
            4.5e14 + 0.5,
            999_999_999_999_999.4,
        ];
        for _ in 0..100_000 {
            x = (x * 7_919.0 + 0.377).fract();
            values.push((x - 0.5) * 10f64.powi((x * 30.0) as i32 - 14));
        }
        for v in values {
            if v.abs() < 1e15 {
                assert_eq!(round_half_away(v), v.round() as i64, "{v}");
            }
        }
    }
}

#[cfg(test)]
mod schema_tests {
    use super::*;

    /// The schema the dashboard generates its types from: every figure an optional array of nullable
    /// numbers, its precision stated.
    #[test]
    fn every_figure_is_documented_as_an_optional_column_with_its_precision() {
        let schema = serde_json::to_value(<FigureColumns as utoipa::PartialSchema>::schema()).unwrap();
        assert!(
            schema.get("required").is_none(),
            "columns without data are left out"
        );
        let properties = schema["properties"].as_object().unwrap();
        assert_eq!(properties.len(), 42);
        for (name, p) in properties {
            assert_eq!(p["type"], "array", "{name}");
            assert_eq!(
                p["items"]["type"],
                serde_json::json!(["number", "null"]),
                "{name}"
            );
            let doc = p["description"].as_str().unwrap();
            assert!(
                doc.contains("whole") || doc.contains(" to 0."),
                "{name}: the description states the rounding: {doc}"
            );
        }
    }
}
