//! The forgiving tag scanner under the reader: finds `<`, classifies what follows, and splits a start
//! tag into attribute spans without copying or allocating.
//!
//! It is not an XML parser. Text content is skipped (export.xml keeps everything in attributes), so
//! the internal DTD subset needs no special case: its declarations are `<!…>` markup and its `]>` is
//! text. Attribute names are whatever precedes `=`, spaces included, because iOS 8 wrote metadata keys
//! such as `Health Mate App Version` as attribute names. An attribute value may not contain `<` (XML
//! forbids it, and Apple escapes it): when one does, its quote was never closed, the tag is reported and
//! skipped, and scanning resumes at that `<` so the next record is still read.
//!
//! Memory stays flat: the buffer holds the unread tail of one chunk plus at most one tag being
//! completed, capped at [`MAX_MARKUP`].

use std::io::BufRead;
use std::ops::Range;

use memchr::{memchr, memchr2, memchr3, memmem};

use super::diag::Diagnostics;
use crate::{FormatError, Location};

/// How much is pulled from the input at a time.
const CHUNK: usize = 256 * 1024;

/// The longest tag, comment or declaration accepted before it is reported and skipped. Real tags are
/// under a kilobyte; a DTD declaration or comment a few kilobytes.
pub(crate) const MAX_MARKUP: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagKind {
    /// `<Name …>`
    Open,
    /// `<Name …/>`
    Empty,
    /// `</Name>`
    Close,
}

/// One attribute: spans into the scanner's buffer, valid until the next call to [`Scanner::next_tag`].
#[derive(Debug, Clone)]
pub(crate) struct Attr {
    pub name: Range<usize>,
    pub value: Range<usize>,
    /// Where the value starts in the file, for warnings that point at a value.
    pub value_offset: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Tag {
    pub kind: TagKind,
    pub name: Range<usize>,
    /// Byte offset of the tag's `<` in the file.
    pub offset: u64,
}

enum Parsed {
    Tag(Tag, usize),
    /// Markup that carries nothing (comment, declaration, processing instruction, stray `<`).
    Skip(usize),
    /// A broken tag: report it and carry on at `resume`.
    Malformed {
        resume: usize,
        why: &'static str,
    },
    NeedMore,
    /// A comment (or CDATA section) whose end is not in the buffer; `body` is where its text starts.
    OpenComment {
        body: usize,
        cdata: bool,
    },
}

pub(crate) struct Scanner<R> {
    input: R,
    buf: Vec<u8>,
    /// Next unread index in `buf`.
    pos: usize,
    /// File offset of `buf[0]`.
    base: u64,
    eof: bool,
    attrs: Vec<Attr>,
    /// File offsets up to which the input is known to hold no `-->` (resp. `]]>`), so an unterminated
    /// comment's search is never repeated for the comments that start inside it.
    no_comment_end_before: u64,
    no_cdata_end_before: u64,
}

fn is_space(c: u8) -> bool {
    // Every control character counts as space between attributes, so a stray `\x0b` there is harmless.
    c <= b' '
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b':' || c >= 0x80
}

impl<R: BufRead> Scanner<R> {
    pub fn new(input: R) -> Self {
        Self {
            input,
            buf: Vec::with_capacity(CHUNK + 4096),
            pos: 0,
            base: 0,
            eof: false,
            attrs: Vec::with_capacity(16),
            no_comment_end_before: 0,
            no_cdata_end_before: 0,
        }
    }

    /// Bytes consumed so far (everything before the next unread byte).
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// How much memory the read buffer holds, for the test that memory stays flat.
    #[cfg(test)]
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    pub fn bytes(&self, span: &Range<usize>) -> &[u8] {
        self.buf.get(span.clone()).unwrap_or_default()
    }

    pub fn attrs(&self) -> &[Attr] {
        &self.attrs
    }

    /// The value of the first attribute with this name.
    pub fn attr(&self, name: &[u8]) -> Option<&[u8]> {
        self.attrs
            .iter()
            .find(|a| self.bytes(&a.name) == name)
            .map(|a| self.bytes(&a.value))
    }

    /// The next tag, or `None` at the end of the input. Markup that is not a tag is skipped; broken tags
    /// are reported in `diag` and skipped.
    pub fn next_tag(&mut self, diag: &mut Diagnostics) -> Result<Option<Tag>, FormatError> {
        loop {
            let Some(found) = memchr(b'<', self.buf.get(self.pos..).unwrap_or_default()) else {
                self.pos = self.buf.len();
                if self.eof {
                    return Ok(None);
                }
                self.fill(self.pos, CHUNK)?;
                continue;
            };
            let lt = self.pos + found;
            match self.parse_at(lt) {
                Parsed::Tag(tag, next) => {
                    self.pos = next;
                    return Ok(Some(tag));
                }
                Parsed::Skip(next) => self.pos = next,
                Parsed::Malformed { resume, why } => {
                    diag.warn("malformed_tag", self.base + lt as u64, || why.to_owned());
                    self.pos = resume.max(lt + 1);
                }
                Parsed::OpenComment { body, cdata } => {
                    let searched_to = self.base + self.buf.len() as u64;
                    if cdata {
                        self.no_cdata_end_before = searched_to;
                    } else {
                        self.no_comment_end_before = searched_to;
                    }
                    let held = self.buf.len() - lt;
                    if self.eof || held > MAX_MARKUP {
                        // Strictly, all that follows is comment text; forgivingly, the markup inside
                        // is read on (a typo such as `->` must not cost a history of records).
                        diag.warn("unterminated_comment", self.base + lt as u64, || {
                            "a comment or CDATA section has no end; its contents were read as markup"
                                .to_owned()
                        });
                        self.pos = body;
                    } else {
                        self.fill(lt, held.max(CHUNK))?;
                    }
                }
                Parsed::NeedMore => {
                    let held = self.buf.len() - lt;
                    if self.eof {
                        diag.warn("truncated", self.base + lt as u64, || {
                            "the file ends inside a tag; the tag was skipped".to_owned()
                        });
                        self.pos = self.buf.len();
                        return Ok(None);
                    }
                    if held > MAX_MARKUP {
                        diag.warn("oversized_markup", self.base + lt as u64, || {
                            format!("a tag longer than {MAX_MARKUP} bytes was skipped")
                        });
                        self.pos = lt + 1;
                        continue;
                    }
                    // Read at least as much again as is held, so a long tag is re-scanned O(log n) times.
                    self.fill(lt, held.max(CHUNK))?;
                }
            }
        }
    }

    /// Drops everything before `keep_from` and appends up to `want` bytes from the input.
    fn fill(&mut self, keep_from: usize, want: usize) -> Result<(), FormatError> {
        let keep_from = keep_from.min(self.buf.len());
        if keep_from > 0 {
            self.buf.drain(..keep_from);
            self.base += keep_from as u64;
            self.pos = self.pos.saturating_sub(keep_from);
        }
        let mut added = 0;
        while added < want {
            let available = match self.input.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(FormatError::new(
                        "read_failed",
                        format!("reading the export failed: {e}"),
                        Location::Byte(self.base + self.buf.len() as u64),
                    ))
                }
            };
            if available.is_empty() {
                self.eof = true;
                break;
            }
            let n = available.len().min(want - added);
            self.buf.extend_from_slice(&available[..n]);
            self.input.consume(n);
            added += n;
        }
        Ok(())
    }

    fn parse_at(&mut self, lt: usize) -> Parsed {
        let buf = &self.buf[..];
        let Some(&next) = buf.get(lt + 1) else {
            return Parsed::NeedMore;
        };
        match next {
            // Processing instructions and declarations end at their `>`, or at the next `<` when the
            // `>` is missing (iOS 16's DTD lost one): every construct but a comment is bounded by the
            // next `<`, which keeps the scan linear on hostile input.
            b'?' => match memchr2(b'>', b'<', &buf[lt + 2..]) {
                Some(i) if buf[lt + 2 + i] == b'>' => Parsed::Skip(lt + 2 + i + 1),
                Some(i) => Parsed::Skip(lt + 2 + i),
                None => Parsed::NeedMore,
            },
            b'!' => {
                let rest = &buf[lt..];
                if rest.len() < 9
                    && !self.eof
                    && (b"<!--".starts_with(rest) || b"<![CDATA[".starts_with(rest))
                {
                    return Parsed::NeedMore;
                }
                let (close, from): (&[u8], usize) = if rest.starts_with(b"<!--") {
                    (b"-->", 4)
                } else if rest.starts_with(b"<![CDATA[") {
                    (b"]]>", 9)
                } else {
                    return match memchr2(b'>', b'<', &buf[lt + 2..]) {
                        Some(i) if buf[lt + 2 + i] == b'>' => Parsed::Skip(lt + 2 + i + 1),
                        Some(i) => Parsed::Skip(lt + 2 + i),
                        None => Parsed::NeedMore,
                    };
                };
                let cdata = from == 9;
                let known = if cdata {
                    self.no_cdata_end_before
                } else {
                    self.no_comment_end_before
                };
                // Resume a previous search two bytes early, in case the terminator straddles its end.
                let known = usize::try_from(known.saturating_sub(self.base)).unwrap_or(usize::MAX);
                let search_from = (lt + from).max(known.saturating_sub(2)).min(buf.len());
                match memmem::find(&buf[search_from..], close) {
                    Some(i) => Parsed::Skip(search_from + i + close.len()),
                    None => Parsed::OpenComment {
                        body: lt + from,
                        cdata,
                    },
                }
            }
            b'/' => match memchr2(b'>', b'<', &buf[lt + 2..]) {
                Some(i) if buf[lt + 2 + i] == b'<' => Parsed::Malformed {
                    resume: lt + 2 + i,
                    why: "a closing tag has no `>`",
                },
                Some(i) => {
                    let gt = lt + 2 + i;
                    let mut end = lt + 2;
                    while end < gt && !is_space(buf[end]) {
                        end += 1;
                    }
                    Parsed::Tag(
                        Tag {
                            kind: TagKind::Close,
                            name: lt + 2..end,
                            offset: self.base + lt as u64,
                        },
                        gt + 1,
                    )
                }
                None => Parsed::NeedMore,
            },
            c if is_name_start(c) => self.parse_start_tag(lt),
            // A `<` in text (or junk): nothing to read here.
            _ => Parsed::Skip(lt + 1),
        }
    }

    fn parse_start_tag(&mut self, lt: usize) -> Parsed {
        let buf = &self.buf[..];
        let end = buf.len();
        let mut p = lt + 1;
        while p < end && !is_space(buf[p]) && buf[p] != b'/' && buf[p] != b'>' && buf[p] != b'<' {
            p += 1;
        }
        let name = lt + 1..p;
        self.attrs.clear();
        let tag = |kind| Tag {
            kind,
            name: name.clone(),
            offset: self.base + lt as u64,
        };
        loop {
            while p < end && is_space(buf[p]) {
                p += 1;
            }
            let Some(&c) = buf.get(p) else {
                return Parsed::NeedMore;
            };
            match c {
                b'>' => return Parsed::Tag(tag(TagKind::Open), p + 1),
                b'/' => match buf.get(p + 1) {
                    Some(b'>') => return Parsed::Tag(tag(TagKind::Empty), p + 2),
                    Some(_) => {
                        p += 1;
                        continue;
                    }
                    None => return Parsed::NeedMore,
                },
                b'<' => {
                    return Parsed::Malformed {
                        resume: p,
                        why: "a tag is not closed before the next one starts",
                    }
                }
                _ => {}
            }
            // An attribute name runs to `=`; it may contain spaces (iOS 8 metadata keys).
            let name_start = p;
            let Some(i) = memchr3(b'=', b'>', b'<', &buf[p..]) else {
                return Parsed::NeedMore;
            };
            let stop = p + i;
            if buf[stop] != b'=' {
                // A bare word without a value: ignore it and let the loop see the `>` or `<`.
                p = stop;
                continue;
            }
            let mut name_end = stop;
            while name_end > name_start && is_space(buf[name_end - 1]) {
                name_end -= 1;
            }
            p = stop + 1;
            while p < end && is_space(buf[p]) {
                p += 1;
            }
            let Some(&quote) = buf.get(p) else {
                return Parsed::NeedMore;
            };
            if quote != b'"' && quote != b'\'' {
                let resume = memchr(b'<', &buf[p..]).map_or(end, |i| p + i);
                return Parsed::Malformed {
                    resume,
                    why: "an attribute value is not quoted",
                };
            }
            let value_start = p + 1;
            let Some(i) = memchr2(quote, b'<', &buf[value_start..]) else {
                return Parsed::NeedMore;
            };
            let value_end = value_start + i;
            if buf[value_end] == b'<' {
                return Parsed::Malformed {
                    resume: value_end,
                    why: "an attribute value's closing quote is missing",
                };
            }
            self.attrs.push(Attr {
                name: name_start..name_end,
                value: value_start..value_end,
                value_offset: self.base + value_start as u64,
            });
            p = value_end + 1;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    type Scanned = Vec<(TagKind, String, Vec<(String, String)>)>;

    /// Every tag as (kind, name, [(attr, value)]), reading through a tiny BufReader so tags straddle refills.
    fn scan_all(input: &[u8], capacity: usize) -> (Scanned, Diagnostics) {
        let mut diag = Diagnostics::default();
        let mut scanner = Scanner::new(std::io::BufReader::with_capacity(capacity, input));
        let mut out = Vec::new();
        while let Some(tag) = scanner.next_tag(&mut diag).unwrap() {
            let text = |r: &Range<usize>| String::from_utf8_lossy(scanner.bytes(r)).into_owned();
            let attrs = scanner
                .attrs()
                .iter()
                .map(|a| (text(&a.name), text(&a.value)))
                .collect();
            out.push((tag.kind, text(&tag.name), attrs));
        }
        (out, diag)
    }

    #[test]
    fn splits_tags_and_attributes_across_any_buffer_size() {
        let doc = br#"<?xml version="1.0"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 3 -->
<!ELEMENT HealthData (ExportDate,Me)>
<!ATTLIST Record
  type CDATA #REQUIRED
>
]>
<HealthData locale="en_US">
 <Record type="A" Health Mate App Version = '2.6.0' value="1"/>
 <Record type="B" device="&lt;x&gt;">text<![CDATA[<Record>]]><!-- <Record type="C"/> -->
 </Record >
</HealthData>"#;
        for capacity in [1, 2, 3, 7, 64, 4096] {
            let (tags, diag) = scan_all(doc, capacity);
            assert!(diag.warnings.is_empty(), "{:?}", diag.warnings);
            let names: Vec<_> = tags.iter().map(|t| (t.0, t.1.as_str())).collect();
            assert_eq!(
                names,
                [
                    (TagKind::Open, "HealthData"),
                    (TagKind::Empty, "Record"),
                    (TagKind::Open, "Record"),
                    (TagKind::Close, "Record"),
                    (TagKind::Close, "HealthData"),
                ]
            );
            assert_eq!(
                tags[1].2,
                [
                    ("type".to_owned(), "A".to_owned()),
                    ("Health Mate App Version".to_owned(), "2.6.0".to_owned()),
                    ("value".to_owned(), "1".to_owned())
                ]
            );
            assert_eq!(tags[2].2[1].1, "&lt;x&gt;");
        }
    }

    #[test]
    fn broken_tags_are_reported_and_the_next_tag_is_read() {
        let doc = b"<A x=\"1/>\n<B y=\"2\"/><C z=3/><D bare w=\"4\"/><E";
        let (tags, diag) = scan_all(doc, 5);
        let names: Vec<_> = tags.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(names, ["B", "D"]);
        // Names run to `=`, spaces included, so the bare word joins the next name.
        assert_eq!(tags[1].2, [("bare w".to_owned(), "4".to_owned())]);
        let codes: Vec<_> = diag
            .warnings
            .iter()
            .map(|w| (w.code, w.location.clone()))
            .collect();
        assert_eq!(
            codes,
            [
                ("malformed_tag", Location::Byte(0)),
                ("malformed_tag", Location::Byte(20)),
                ("truncated", Location::Byte(43)),
            ]
        );
    }

    #[test]
    fn declarations_and_closing_tags_without_their_gt_end_at_the_next_lt() {
        let doc = b"<!ATTLIST VisionPrescription\n  brand CDATA #IMPLIED\n<!ELEMENT Attachment EMPTY>\n<?pi oops <A/></B <C/>";
        let (tags, diag) = scan_all(doc, 3);
        let names: Vec<_> = tags.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(names, ["A", "C"]);
        assert_eq!(diag.warnings.len(), 1);
        assert_eq!(diag.warnings[0].location, Location::Byte(offset(doc, b"</B")));
    }

    fn offset(haystack: &[u8], needle: &[u8]) -> u64 {
        memmem::find(haystack, needle).unwrap() as u64
    }

    #[test]
    fn an_unterminated_comment_is_reported_and_read_through() {
        let doc = b"<A/><!-- HealthKit Export Version: 12 -> <B/><!-- <C/> -->";
        for capacity in [1, 5, 1 << 16] {
            let (tags, diag) = scan_all(doc, capacity);
            let names: Vec<_> = tags.iter().map(|t| t.1.as_str()).collect();
            assert_eq!(
                names,
                ["A"],
                "the first comment ends at the only `-->`, as in XML"
            );
            assert!(diag.warnings.is_empty());
        }
        let doc = b"<A/><!-- no end <B/><!-- nor here <C/>";
        let (tags, diag) = scan_all(doc, 3);
        let names: Vec<_> = tags.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        let found: Vec<_> = diag
            .warnings
            .iter()
            .map(|w| (w.code, w.location.clone()))
            .collect();
        assert_eq!(
            found,
            [
                ("unterminated_comment", Location::Byte(4)),
                ("unterminated_comment", Location::Byte(offset(doc, b"<!-- nor"))),
            ]
        );
        let mut long = b"<A/><!-- never closed ".to_vec();
        long.resize(long.len() + MAX_MARKUP + 1024, b'x');
        long.extend_from_slice(b"<B/>");
        let (tags, diag) = scan_all(&long, 1 << 16);
        assert_eq!(tags.len(), 2);
        assert_eq!(diag.warnings[0].code, "unterminated_comment");
    }

    #[test]
    fn hostile_markup_is_scanned_in_linear_time() {
        for unit in [
            &b"<!"[..],
            b"</",
            b"<?",
            b"<a b=\"",
            b"<a ",
            b"<!--",
            b"<![CDATA[",
        ] {
            let doc: Vec<u8> = unit.iter().copied().cycle().take(200_000 * unit.len()).collect();
            let started = std::time::Instant::now();
            let _ = scan_all(&doc, 1 << 16);
            assert!(
                started.elapsed().as_secs() < 20,
                "{:?}",
                String::from_utf8_lossy(unit)
            );
        }
    }
}
