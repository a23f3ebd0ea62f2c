//! `journal_entries.csv`: the daily journal's answers ("Have any caffeine?" yes or no, and a note),
//! kept as raw records over their cycle: one type per question (`WhoopJournal:Have any caffeine?`),
//! queryable as a series, and its notes as `WhoopJournalNotes:…`.

use super::{Header, Rows};
use crate::apple_health::UnmappedRecord;
use crate::FormatError;

/// A question's text is free; beyond this it is cut (raw record types are names, not essays).
const MAX_QUESTION: usize = 150;

pub(super) fn read(
    header: &Header,
    rows: &mut Rows<'_>,
    journal: &mut Vec<UnmappedRecord>,
) -> Result<(), FormatError> {
    let start_column = header.find("Cycle start time");
    let end_column = header.find("Cycle end time");
    let question = header.find("Question text");
    let answer = header.find("Answered yes");
    let notes = header.find("Notes");
    while let Some(row) = rows.next()? {
        let (start, end) = match (row.time(start_column), row.time(end_column)) {
            (Ok(Some(start)), Ok(end)) => (start, end.unwrap_or(start).max(start)),
            (Err(e), _) | (_, Err(e)) => {
                rows.diag.warn("unparsable_date", || e);
                continue;
            }
            (Ok(None), _) => {
                let line = row.line;
                rows.diag.warn("no_cycle_times", || {
                    format!("line {line}: the entry has no cycle start")
                });
                continue;
            }
        };
        let Some(text) = row.cell(question) else {
            continue;
        };
        let text: String = text.chars().take(MAX_QUESTION).collect();
        let record = |kind: &str, value: String| UnmappedRecord {
            record_type: format!("{kind}:{text}"),
            unit: None,
            value: Some(value),
            start,
            end,
            offset_minutes: row.offset_minutes(),
            source_name: None,
            device: None,
        };
        match row.cell(answer).map(str::to_ascii_lowercase).as_deref() {
            Some("true" | "yes") => journal.push(record("WhoopJournal", "yes".to_owned())),
            Some("false" | "no") => journal.push(record("WhoopJournal", "no".to_owned())),
            None => {}
            Some(other) => {
                let (line, other) = (row.line, other.to_owned());
                rows.diag.warn("unreadable_answer", || {
                    format!("line {line}: {other:?} is neither true nor false")
                });
            }
        }
        if let Some(note) = row.cell(notes) {
            journal.push(record("WhoopJournalNotes", note.to_owned()));
        }
    }
    Ok(())
}
