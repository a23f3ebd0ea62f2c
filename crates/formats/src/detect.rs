//! Content sniffing: which reader a file needs, decided from its first bytes, never its name.

/// A file format Wearhouse can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Zip,
    Fit,
    Gpx,
    Tcx,
    AppleHealthXml,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Zip => "zip",
            Format::Fit => "fit",
            Format::Gpx => "gpx",
            Format::Tcx => "tcx",
            Format::AppleHealthXml => "apple_health",
        }
    }
}

/// How many leading bytes [`detect`] wants to see; XML root elements follow a prolog, comments and a DTD.
pub const SNIFF_LEN: usize = 64 * 1024;

/// Names the format of a file from its leading bytes (pass at least [`SNIFF_LEN`] when the file has them).
pub fn detect(head: &[u8]) -> Option<Format> {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Some(Format::Zip);
    }
    // FIT: header size 12 or 14, then ".FIT" at offset 8.
    if head.len() >= 12 && matches!(head[0], 12 | 14) && &head[8..12] == b".FIT" {
        return Some(Format::Fit);
    }
    let text = &head[..head.len().min(SNIFF_LEN)];
    let has = |needle: &[u8]| memchr::memmem::find(text, needle).is_some();
    if has(b"<HealthData") {
        Some(Format::AppleHealthXml)
    } else if has(b"<TrainingCenterDatabase") {
        Some(Format::Tcx)
    } else if has(b"<gpx") {
        Some(Format::Gpx)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        assert_eq!(detect(b"PK\x03\x04rest"), Some(Format::Zip));
        assert_eq!(
            detect(b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00"),
            Some(Format::Fit)
        );
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?>\n<gpx version=\"1.1\">"),
            Some(Format::Gpx)
        );
        assert_eq!(
            detect(b"<?xml?><TrainingCenterDatabase xmlns=\"x\">"),
            Some(Format::Tcx)
        );
        assert_eq!(
            detect(b"<?xml?><!DOCTYPE HealthData [ ]><HealthData locale=\"en\">"),
            Some(Format::AppleHealthXml)
        );
        assert_eq!(detect(b"hello"), None);
        assert_eq!(detect(b""), None);
    }
}
