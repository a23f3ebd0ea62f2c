//! Writing the XML: the DTD and header, one `Record` at a time, dates in the export's offset, and the
//! HealthKit device descriptions whose pointer changes on every record as in real exports.

use std::fmt::Write as _;
use std::io::{self, Write};

use wearhouse_model::Metric;

use super::super::date::civil_from_days;
use super::GeneratedStats;

pub(super) const IPHONE: &str = "Jane’s iPhone";
pub(super) const WATCH: &str = "Jane’s Apple Watch";
pub(super) const SCALE: &str = "Health Mate";

/// A writer that counts what passes through.
pub(super) struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W> Counting<W> {
    pub(super) fn new(inner: W) -> Self {
        Self { inner, bytes: 0 }
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Source {
    Phone,
    Watch,
    Scale,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Phone => IPHONE,
            Source::Watch => WATCH,
            Source::Scale => SCALE,
        }
    }

    fn version(self) -> &'static str {
        match self {
            Source::Phone => "17.2.1",
            Source::Watch => "10.2",
            Source::Scale => "6.3.1",
        }
    }
}

/// A quantity type as written: `HKQuantityTypeIdentifier{name}`, its catalogue metric (`None` for a
/// type the reader keeps unmapped), source, unit and decimals.
#[derive(Debug, Clone, Copy)]
pub(super) struct Kind {
    pub(super) name: &'static str,
    pub(super) metric: Option<Metric>,
    pub(super) source: Source,
    pub(super) unit: &'static str,
    pub(super) decimals: usize,
}

/// One `Record` to write.
pub(super) struct Rec<'a> {
    pub(super) ty: &'a str,
    pub(super) metric: Option<Metric>,
    pub(super) source: Source,
    pub(super) unit: Option<&'a str>,
    pub(super) value: &'a str,
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) meta: &'a [(&'a str, &'a str)],
    /// Adds a `HeartRateVariabilityMetadataList` child, as HRV records have.
    pub(super) beats: bool,
}

pub(super) struct Gen<W: Write> {
    out: Counting<W>,
    /// The export moment's UTC offset in seconds, stamped on every date.
    pub(super) stamp_offset: i32,
    pub(super) stats: GeneratedStats,
    /// The element being written; flushed to `out` whole.
    pub(super) line: String,
    value: String,
    pointer: u64,
}

impl<W: Write> Gen<W> {
    pub(super) fn new(out: Counting<W>, stamp_offset: i32, seed: u64) -> Self {
        Self {
            out,
            stamp_offset,
            stats: GeneratedStats::default(),
            line: String::with_capacity(4096),
            value: String::new(),
            pointer: seed | 1,
        }
    }

    pub(super) fn header(&mut self, export_at: i64) -> io::Result<()> {
        self.out.write_all(DTD.as_bytes())?;
        let export_date = self.date(export_at);
        let _ = write!(
            self.line,
            "<HealthData locale=\"en_US\">\n <ExportDate value=\"{export_date}\"/>\n <Me HKCharacteristicTypeIdentifierDateOfBirth=\"1988-04-12\" HKCharacteristicTypeIdentifierBiologicalSex=\"HKBiologicalSexFemale\" HKCharacteristicTypeIdentifierBloodType=\"HKBloodTypeNotSet\" HKCharacteristicTypeIdentifierFitzpatrickSkinType=\"HKFitzpatrickSkinTypeNotSet\" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse=\"None\"/>\n"
        );
        self.flush_line()
    }

    pub(super) fn footer(mut self) -> io::Result<GeneratedStats> {
        self.out.write_all(b"</HealthData>\n")?;
        self.out.flush()?;
        self.stats.bytes = self.out.bytes;
        Ok(self.stats)
    }

    /// `YYYY-MM-DD HH:MM:SS ±HHMM` in the export's offset.
    pub(super) fn date(&self, unix: i64) -> String {
        let mut s = String::with_capacity(25);
        push_date(&mut s, unix, self.stamp_offset);
        s
    }

    pub(super) fn flush_line(&mut self) -> io::Result<()> {
        self.out.write_all(self.line.as_bytes())?;
        self.line.clear();
        Ok(())
    }

    pub(super) fn device(&mut self, source: Source) {
        self.pointer = self
            .pointer
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        let ptr = 0x0002_8000_0000_u64 + (self.pointer >> 36);
        let _ = match source {
            Source::Phone => write!(
                self.line,
                " device=\"&lt;&lt;HKDevice: 0x{ptr:x}&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,2, software:17.2.1&gt;\""
            ),
            Source::Watch => write!(
                self.line,
                " device=\"&lt;&lt;HKDevice: 0x{ptr:x}&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:10.2&gt;\""
            ),
            Source::Scale => Ok(()),
        };
    }

    /// Writes a record (indented one more inside a correlation, where it is not counted again).
    pub(super) fn record(&mut self, rec: Rec<'_>, in_correlation: bool) -> io::Result<()> {
        let indent = if in_correlation { "  " } else { " " };
        let (start, end, created) = (self.date(rec.start), self.date(rec.end), self.date(rec.end + 17));
        let _ = write!(
            self.line,
            "{indent}<Record type=\"{}\" sourceName=\"{}\" sourceVersion=\"{}\"",
            rec.ty,
            rec.source.name(),
            rec.source.version()
        );
        self.device(rec.source);
        if let Some(unit) = rec.unit {
            let _ = write!(self.line, " unit=\"{unit}\"");
        }
        let _ = write!(
            self.line,
            " creationDate=\"{created}\" startDate=\"{start}\" endDate=\"{end}\" value=\"{}\"",
            rec.value
        );
        if rec.meta.is_empty() && !rec.beats {
            self.line.push_str("/>\n");
        } else {
            self.line.push_str(">\n");
            for (key, value) in rec.meta {
                let _ = writeln!(
                    self.line,
                    "{indent} <MetadataEntry key=\"{key}\" value=\"{value}\"/>"
                );
            }
            if rec.beats {
                let _ = writeln!(self.line, "{indent} <HeartRateVariabilityMetadataList>");
                for (i, bpm) in [62, 64, 61].iter().enumerate() {
                    let _ = writeln!(
                        self.line,
                        "{indent}  <InstantaneousBeatsPerMinute bpm=\"{bpm}\" time=\"7:0{i}:1{i}.{i}4 AM\"/>"
                    );
                }
                let _ = writeln!(self.line, "{indent} </HeartRateVariabilityMetadataList>");
            }
            let _ = writeln!(self.line, "{indent}</Record>");
        }
        self.stats.record_elements += 1;
        if !in_correlation {
            match rec.metric {
                Some(metric) => {
                    self.stats.samples += 1;
                    *self.stats.per_metric.entry(metric).or_insert(0) += 1;
                }
                None => self.stats.unmapped += 1,
            }
        }
        self.flush_line()
    }

    /// Writes a quantity record of `kind` with the value formatted to the kind's decimals.
    pub(super) fn quantity(
        &mut self,
        kind: Kind,
        value: f64,
        start: i64,
        end: i64,
        meta: &[(&str, &str)],
    ) -> io::Result<()> {
        let ty = format!("HKQuantityTypeIdentifier{}", kind.name);
        let mut text = std::mem::take(&mut self.value);
        text.clear();
        let _ = write!(text, "{value:.*}", kind.decimals);
        let result = self.record(
            Rec {
                ty: &ty,
                metric: kind.metric,
                source: kind.source,
                unit: Some(kind.unit),
                value: &text,
                start,
                end,
                meta,
                beats: false,
            },
            false,
        );
        self.value = text;
        result
    }
}

pub(super) fn push_date(s: &mut String, unix: i64, offset: i32) {
    let local = unix + i64::from(offset);
    let (y, mo, d) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    let sign = if offset < 0 { '-' } else { '+' };
    let off = offset.unsigned_abs() / 60;
    let _ = write!(
        s,
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        off / 60,
        off % 60
    );
}

const DTD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType           CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType CDATA #REQUIRED
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- Note: Any Records that appear as children of a correlation also appear as top-level records in this document. -->
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ATTLIST Correlation
  type          CDATA #REQUIRED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  totalDistance         CDATA #IMPLIED
  totalDistanceUnit     CDATA #IMPLIED
  totalEnergyBurned     CDATA #IMPLIED
  totalEnergyBurnedUnit CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutEvent EMPTY>
<!ATTLIST WorkoutEvent
  type         CDATA #REQUIRED
  date         CDATA #REQUIRED
  duration     CDATA #IMPLIED
  durationUnit CDATA #IMPLIED
>
<!ELEMENT WorkoutStatistics EMPTY>
<!ATTLIST WorkoutStatistics
  type      CDATA #REQUIRED
  startDate CDATA #REQUIRED
  endDate   CDATA #REQUIRED
  average   CDATA #IMPLIED
  minimum   CDATA #IMPLIED
  maximum   CDATA #IMPLIED
  sum       CDATA #IMPLIED
  unit      CDATA #IMPLIED
>
<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference|Location)*)>
<!ATTLIST WorkoutRoute
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT FileReference EMPTY>
<!ATTLIST FileReference
  path CDATA #REQUIRED
>
<!ELEMENT ActivitySummary EMPTY>
<!ATTLIST ActivitySummary
  dateComponents           CDATA #IMPLIED
  activeEnergyBurned       CDATA #IMPLIED
  activeEnergyBurnedGoal   CDATA #IMPLIED
  activeEnergyBurnedUnit   CDATA #IMPLIED
  appleMoveTime            CDATA #IMPLIED
  appleMoveTimeGoal        CDATA #IMPLIED
  appleExerciseTime        CDATA #IMPLIED
  appleExerciseTimeGoal    CDATA #IMPLIED
  appleStandHours          CDATA #IMPLIED
  appleStandHoursGoal      CDATA #IMPLIED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
]>
"#;
