//! `sleeps.csv`: every sleep and nap, as its stage totals laid out from sleep onset
//! ([`crate::sleep_totals`]: the export has no timeline), with the night's performance and breathing
//! rate at waking (a nap's performance is not the day's sleep score, so only the main sleep gives one).

use wearhouse_model::Metric;

use super::{Header, NotImported, Rows};
use crate::fitbit::shared::sample;
use crate::sleep_totals::stage_blocks;
use crate::{FormatError, ParsedFile};

/// Minutes per stage, in the order [`stage_blocks`] takes them.
const STAGES: [&str; 4] = [
    "Light sleep duration (min)",
    "Deep (SWS) duration (min)",
    "REM duration (min)",
    "Awake duration (min)",
];

const UNMAPPED: [&str; 3] = ["Sleep need (min)", "Sleep debt (min)", "Sleep consistency %"];

pub(super) fn read(header: &Header, rows: &mut Rows<'_>, file: &mut ParsedFile) -> Result<(), FormatError> {
    let onset_column = header.find("Sleep onset");
    let wake_column = header.find("Wake onset");
    let stage_columns = STAGES.map(|name| header.find(name));
    let performance = header.find("Sleep performance %");
    let breathing = header.find("Respiratory rate (rpm)");
    let nap = header.find("Nap");
    let mut not_imported = NotImported::new(header, &UNMAPPED);
    while let Some(row) = rows.next()? {
        not_imported.note(&row);
        let (onset, wake) = match (row.time(onset_column), row.time(wake_column)) {
            (Ok(Some(onset)), Ok(Some(wake))) if onset < wake => (onset, wake),
            (Err(e), _) | (_, Err(e)) => {
                rows.diag.warn("unparsable_date", || e);
                continue;
            }
            _ => {
                let line = row.line;
                rows.diag.warn("no_sleep_times", || {
                    format!("line {line}: the sleep has no onset before its waking")
                });
                continue;
            }
        };
        let minutes = stage_columns.map(|column| row.number(column).map(|m| m * 60.0));
        file.samples
            .extend(stage_blocks(onset, wake, minutes, row.offset_minutes()));
        // A nap's performance is measured against its own small need: as the day's sleep score it would
        // drag the night's down, so only the main sleep's is kept.
        let is_nap = row.cell(nap).is_some_and(|c| c.eq_ignore_ascii_case("true"));
        let score = if is_nap { None } else { performance };
        for (column, metric) in [(score, Metric::SleepScore), (breathing, Metric::RespiratoryRate)] {
            let Some(value) = row.number(column) else {
                continue;
            };
            match sample(metric, value, None, wake, wake) {
                Ok(mut s) => {
                    s.offset_minutes = row.offset_minutes();
                    file.samples.push(s);
                }
                Err(e) => rows.diag.invalid(|| format!("line {}", row.line), e),
            }
        }
    }
    not_imported.report(
        &mut rows.diag,
        "WHOOP's own sleep need, debt and consistency have no metric (efficiency is computed from the stages)",
    );
    Ok(())
}
