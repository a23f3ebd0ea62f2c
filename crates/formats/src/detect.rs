//! Content sniffing: what the first bytes of a file say about its format. Each reader's
//! [`detect`](crate::FormatReader::detect) is built from these; which reader a file gets is decided in
//! one place, [`crate::registry::detect`]. A file's name never decides here: names can be anything a
//! user renamed a file to.

/// How many leading bytes detection wants to see; XML root elements follow a prolog, comments and a DTD.
pub const SNIFF_LEN: usize = 64 * 1024;

/// Whether the bytes start a ZIP archive (a local file header, or the end record of an empty archive).
/// Archives are containers, not a format: the importer walks their entries and detects each one.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// Whether the bytes start a gzip stream (RFC 1952): a compressed file inside an archive, like
/// Strava's `activities/4242.fit.gz`, whose content is detected once decompressed.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// Whether the bytes start a FIT file: header size 12 or 14, then `.FIT` at offset 8.
pub fn is_fit(head: &[u8]) -> bool {
    head.len() >= 12 && matches!(head[0], 12 | 14) && &head[8..12] == b".FIT"
}

/// Whether `open_tag` (such as `<gpx`) occurs in the first [`SNIFF_LEN`] bytes. A substring rather than
/// a parsed root element: Apple Health exports ship broken internal DTDs that a strict prolog parser
/// would trip over, and the registry asks the most specific roots first (see
/// [`crate::registry::READERS`]).
pub fn has_element(head: &[u8], open_tag: &[u8]) -> bool {
    let text = &head[..head.len().min(SNIFF_LEN)];
    memchr::memmem::find(text, open_tag).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_containers_fit_headers_and_elements() {
        assert!(is_zip(b"PK\x03\x04rest"));
        assert!(is_zip(b"PK\x05\x06"));
        assert!(!is_zip(b"PK"));
        assert!(is_fit(b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00"));
        assert!(is_fit(b"\x0c\x10\x00\x00\x00\x00\x00\x00.FIT"));
        assert!(!is_fit(b"\x0e\x10\x00\x00\x00\x00\x00\x00.FI"));
        assert!(has_element(
            b"<?xml version=\"1.0\"?>\n<gpx version=\"1.1\">",
            b"<gpx"
        ));
        assert!(!has_element(b"hello", b"<gpx"));
        assert!(!has_element(b"", b"<gpx"));
        let mut late = vec![b' '; SNIFF_LEN];
        late.extend_from_slice(b"<gpx>");
        assert!(
            !has_element(&late, b"<gpx"),
            "only the first SNIFF_LEN bytes count"
        );
    }
}
