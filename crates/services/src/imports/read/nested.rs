//! ZIP archives inside the archive (Garmin's `DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip`,
//! which hold the FIT files of every upload). A ZIP is read from its end, so the inner archive is
//! spooled to a temporary file first (at most the size the outer archive declared for it), then read
//! entry by entry like the outer one, with every byte its entries expand to held to the outer
//! archive's limits as it is read, not by what the inner directory claims.

use std::io::Read;
use std::rc::Rc;

use wearhouse_formats::detect::is_zip;
use wearhouse_formats::ReadContext;

use super::{
    read_entry, read_head, ArchiveLimits, CapState, Capped, ChunkSink, Entry, ReadError, WatchState, Watched,
};

/// What the outer archive has used of its limits so far, which the inner one's entries add to.
pub(super) struct Budget {
    /// Entries seen, of every archive.
    pub entries: usize,
    /// Bytes expanded to, of every archive.
    pub expanded: u64,
}

/// Reads the inner archive `at` (an entry of the outer one, whose bytes are `body`), entry by entry.
/// An inner archive that cannot be opened is a warning; one that holds more entries or expands to
/// more than the outer archive's limits allow fails the import (`archive_too_large`), as the outer
/// archive would. Archives inside the inner one are not opened (a warning says so).
pub(super) fn read_nested_zip(
    at: &Entry<'_>,
    mut body: impl Read,
    limits: &ArchiveLimits,
    budget: &mut Budget,
    ctx: &ReadContext,
    sink: &mut ChunkSink<'_>,
    read_bytes: &mut u64,
) -> Result<(), ReadError> {
    let name = at.name;
    let mut spool = tempfile::tempfile()?;
    if let Err(e) = std::io::copy(&mut body, &mut spool) {
        let _ = sink.entry_warning("unreadable_entry", name, format!("{name}: {e}"));
        return Ok(());
    }
    if at.watch.read.get() > at.declared {
        let detail = format!(
            "{name}: holds more than the {} bytes the archive says; skipped",
            at.declared
        );
        let _ = sink.entry_warning("entry_too_large", name, detail);
        return Ok(());
    }
    let mut archive = match zip::ZipArchive::new(spool) {
        Ok(archive) => archive,
        Err(e) => {
            let _ = sink.entry_warning(
                "unreadable_entry",
                name,
                format!("{name}: not a readable ZIP: {e}"),
            );
            return Ok(());
        }
    };
    budget.entries = budget.entries.saturating_add(archive.len());
    if budget.entries > limits.max_entries {
        return Err(ReadError {
            code: "archive_too_large",
            detail: format!(
                "{name} brings the archives to {} entries; at most {} are read",
                budget.entries, limits.max_entries
            ),
        });
    }
    let mut nested_archives = 0u64;
    for index in 0..archive.len() {
        if sink.closed {
            return Ok(());
        }
        let entry = archive.by_index(index)?;
        let inner = entry.name().to_owned();
        let lower = inner.to_ascii_lowercase();
        if inner.ends_with('/') || lower.contains("__macosx/") {
            continue;
        }
        let path = format!("{name}/{inner}");
        let declared = entry.size();
        // What this entry may expand to: its share of the ratio, within what the archive has left.
        let room = limits.max_total_bytes.saturating_sub(budget.expanded);
        let cap = Rc::new(CapState::new(
            entry
                .compressed_size()
                .max(1)
                .saturating_mul(limits.max_ratio)
                .min(room),
        ));
        let watch = Rc::new(WatchState::default());
        let mut raw = Capped::new(
            Watched::new(entry.take(declared.saturating_add(1)), Rc::clone(&watch)),
            Rc::clone(&cap),
        );
        let head = match read_head(&mut raw) {
            Ok(head) => head,
            Err(e) => {
                cap.check(&path, limits)?;
                let _ = sink.entry_warning("unreadable_entry", &path, format!("{path}: {e}"));
                continue;
            }
        };
        if is_zip(&head) {
            nested_archives += 1;
            continue;
        }
        let at = Entry {
            name: &path,
            declared,
            watch: &watch,
        };
        let body = std::io::Cursor::new(head).chain(raw);
        let result = read_entry(&at, &inner, Some(&cap), body, ctx, sink, read_bytes);
        cap.check(&path, limits)?;
        result?;
        budget.expanded = budget.expanded.saturating_add(cap.read.get());
    }
    if nested_archives > 0 {
        let _ = sink.entry_warning(
            "nested_archive",
            name,
            format!("{name}: {nested_archives} archives inside it were not opened (one level of archives in an archive is read)"),
        );
    }
    Ok(())
}
