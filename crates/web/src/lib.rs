//! The dashboard's files: the Angular build in `web/dist/browser`, embedded in release builds and read
//! from disk in debug builds (rust-embed's own split), each with its precompressed `.br`/`.gz`
//! siblings when the build wrote them. Owns which file answers a path and how long it may be cached;
//! the HTTP layer turns that into a response.

use std::borrow::Cow;

#[derive(rust_embed::Embed)]
#[folder = "../../web/dist/browser/"]
#[allow_missing = true]
struct Built;

/// A content coding a file is stored in besides identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
        }
    }
}

/// How long a browser may keep a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// The name carries a hash of the content: it never changes, keep it a year.
    Immutable,
    /// `index.html` and unhashed files: ask again every time (an ETag makes that cheap).
    Revalidate,
}

/// A file of the dashboard, ready to send.
#[derive(Debug)]
pub struct Asset {
    pub body: Cow<'static, [u8]>,
    /// The MIME type of the file itself (not of its encoding).
    pub content_type: String,
    /// Set when `body` is the compressed sibling.
    pub encoding: Option<Encoding>,
    pub caching: Caching,
    /// A strong validator of the stored bytes (a SHA-256 prefix, quoted).
    pub etag: String,
}

/// Whether a build of the dashboard is there to serve.
pub fn is_built() -> bool {
    Built::get("index.html").is_some()
}

/// The file at `path` (relative to the site root, without the leading `/`), in the best encoding the
/// client accepts (`accepts` answers for `br` and `gzip`). `None` when there is no such file; the
/// compressed siblings themselves are not served by name.
pub fn file(path: &str, accepts: impl Fn(Encoding) -> bool) -> Option<Asset> {
    if path.is_empty() || path.ends_with(".br") || path.ends_with(".gz") || path.contains("..") {
        return None;
    }
    let plain = Built::get(path)?;
    let content_type = plain.metadata.mimetype().to_owned();
    let caching = if is_hashed(path) {
        Caching::Immutable
    } else {
        Caching::Revalidate
    };
    for encoding in [Encoding::Brotli, Encoding::Gzip] {
        if !accepts(encoding) {
            continue;
        }
        if let Some(packed) = Built::get(&format!("{path}{}", encoding.suffix())) {
            return Some(Asset {
                etag: etag(&packed.metadata.sha256_hash(), Some(encoding)),
                body: packed.data,
                content_type,
                encoding: Some(encoding),
                caching,
            });
        }
    }
    Some(Asset {
        etag: etag(&plain.metadata.sha256_hash(), None),
        body: plain.data,
        content_type,
        encoding: None,
        caching,
    })
}

fn etag(hash: &[u8; 32], encoding: Option<Encoding>) -> String {
    let hex: String = hash.iter().take(12).map(|b| format!("{b:02x}")).collect();
    match encoding {
        Some(e) => format!("\"{hex}-{}\"", e.token()),
        None => format!("\"{hex}\""),
    }
}

/// Whether the file name carries the build's content hash (`main-PKKOT4UN.js`, `chunk-3GHB3DT4.js`):
/// eight upper-case letters or digits between a `-` and the extension.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some((stem, _extension)) = name.split_once('.') else {
        return false;
    };
    let Some((_, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_told_from_plain_ones() {
        assert!(is_hashed("main-PKKOT4UN.js"));
        assert!(is_hashed("media/chunk-3GHB3DT4.js"));
        assert!(is_hashed("styles-ZO3QTCOL.css"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("favicon.svg"));
        assert!(!is_hashed("my-file.js"));
        assert!(!is_hashed("main-pkkot4un.js"));
    }

    #[test]
    fn compressed_siblings_and_escapes_are_not_served_by_name() {
        assert!(file("main.js.br", |_| true).is_none());
        assert!(file("../Cargo.toml", |_| true).is_none());
        assert!(file("", |_| true).is_none());
    }

    #[test]
    fn etags_differ_by_encoding() {
        let hash = [7u8; 32];
        assert_ne!(etag(&hash, None), etag(&hash, Some(Encoding::Brotli)));
        assert!(etag(&hash, None).starts_with('"'));
    }
}
