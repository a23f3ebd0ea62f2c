//! Reading fixtures the plain way: a folder's files, ZIPs built from them, and the small XML, CSV and
//! number helpers the format modules parse with. Shares no code with the readers under test.

use std::collections::BTreeMap;
use std::path::Path;

/// The files under a fixture folder, as (path relative to it with `/`, bytes), sorted.
pub(super) fn folder_files(relative: &str) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let name = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative);
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

/// A fixture folder zipped as an export would be: its files under their relative paths.
pub(super) fn zipped_folder(relative: &str, method: zip::CompressionMethod) -> Vec<u8> {
    crate::harness::zip_with(&folder_files(relative), method)
}

/// Start tags of `element` as attribute maps, values unescaped. Health exports escape `<`, `>` and `&`
/// inside attribute values, so a start tag ends at the first `>`. Attribute names may hold spaces (iOS 8
/// wrote metadata keys as attributes), so a name is whatever precedes `="`.
pub(super) fn start_tags(xml: &str, element: &str) -> Vec<BTreeMap<String, String>> {
    let open = format!("<{element} ");
    xml.split(open.as_str())
        .skip(1)
        .map(|rest| {
            let mut tag = &rest[..rest.find('>').unwrap()];
            let mut attributes = BTreeMap::new();
            while let Some(eq) = tag.find("=\"") {
                let name = tag[..eq].trim().to_owned();
                let value_start = eq + 2;
                let len = tag[value_start..].find('"').unwrap();
                let value = tag[value_start..value_start + len]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&");
                attributes.insert(name, value);
                tag = &tag[value_start + len + 1..];
            }
            attributes
        })
        .collect()
}

/// The text of every `<tag>…</tag>` in `xml`, in order.
pub(super) fn texts<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(open.as_str())
        .skip(1)
        .map(|rest| rest[..rest.find(close.as_str()).unwrap()].trim())
        .collect()
}

pub(super) fn number(text: &str) -> f64 {
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("{text:?} is not a number"))
}

/// Rows of a CSV without quoted cells, as header → cell maps.
pub(super) fn csv_rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            header
                .iter()
                .zip(line.split(','))
                .map(|(h, c)| ((*h).to_owned(), c.trim().to_owned()))
                .collect()
        })
        .collect()
}

/// The same file inside a ZIP: other bytes, the same records.
pub(super) fn wrapped(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    crate::harness::zip_with(&[(name.to_owned(), bytes)], zip::CompressionMethod::Deflated)
}
