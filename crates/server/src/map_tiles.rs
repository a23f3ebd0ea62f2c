//! A basemap for the dashboard's routes: the tile server the operator configured (an XYZ template
//! such as `https://tile.openstreetmap.org/{z}/{x}/{y}.png`). None is configured by default, so no
//! request leaves for a third party unless the operator chose one; routes are then drawn on their own.

use thiserror::Error;

/// A checked tile template, with the origin the dashboard's policy must let images come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapTiles {
    /// The template, `{z}`, `{x}` and `{y}` each once.
    pub url: String,
    /// `scheme://host[:port]` of the template.
    pub origin: String,
    /// Shown under the map (most tile servers' terms require it).
    pub attribution: String,
    /// The deepest zoom the server has.
    pub max_zoom: u8,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum InvalidMapTiles {
    #[error("map tile URL {0:?} must start with https:// or http://")]
    Scheme(String),
    #[error("map tile URL {url:?} must contain {placeholder} exactly once")]
    Placeholder { url: String, placeholder: &'static str },
    #[error("map tile URL {0:?} has no host")]
    Host(String),
    #[error("map tile URL {0:?} may not contain quotes, spaces, semicolons or commas")]
    Character(String),
    #[error("map max_zoom {0} is beyond 22")]
    Zoom(u8),
}

impl MapTiles {
    /// The configured tiles, or `None` when `url` is empty.
    pub fn parse(url: &str, attribution: &str, max_zoom: u8) -> Result<Option<Self>, InvalidMapTiles> {
        let url = url.trim();
        if url.is_empty() {
            return Ok(None);
        }
        // The origin goes into a Content-Security-Policy header: nothing that could end a directive.
        if url
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | ';' | ','))
        {
            return Err(InvalidMapTiles::Character(url.to_owned()));
        }
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| InvalidMapTiles::Scheme(url.to_owned()))?;
        for placeholder in ["{z}", "{x}", "{y}"] {
            if url.matches(placeholder).count() != 1 {
                return Err(InvalidMapTiles::Placeholder {
                    url: url.to_owned(),
                    placeholder,
                });
            }
        }
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || host.contains('{') {
            return Err(InvalidMapTiles::Host(url.to_owned()));
        }
        if max_zoom > 22 {
            return Err(InvalidMapTiles::Zoom(max_zoom));
        }
        let scheme = if url.starts_with("https://") {
            "https"
        } else {
            "http"
        };
        Ok(Some(Self {
            url: url.to_owned(),
            origin: format!("{scheme}://{host}"),
            attribution: attribution.trim().to_owned(),
            max_zoom,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_gives_its_origin() {
        let tiles = MapTiles::parse(
            " https://tile.example.org:8443/osm/{z}/{x}/{y}.png ",
            " © OpenStreetMap ",
            19,
        )
        .unwrap()
        .unwrap();
        assert_eq!(tiles.origin, "https://tile.example.org:8443");
        assert_eq!(tiles.url, "https://tile.example.org:8443/osm/{z}/{x}/{y}.png");
        assert_eq!(tiles.attribution, "© OpenStreetMap");
    }

    #[test]
    fn nothing_configured_is_no_tiles() {
        assert_eq!(MapTiles::parse("  ", "x", 19), Ok(None));
    }

    #[test]
    fn bad_templates_are_named() {
        assert!(matches!(
            MapTiles::parse("ftp://a/{z}/{x}/{y}", "", 19),
            Err(InvalidMapTiles::Scheme(_))
        ));
        assert!(matches!(
            MapTiles::parse("https://a/{z}/{x}.png", "", 19),
            Err(InvalidMapTiles::Placeholder {
                placeholder: "{y}",
                ..
            })
        ));
        assert!(matches!(
            MapTiles::parse("https://{z}/{x}/{y}", "", 19),
            Err(InvalidMapTiles::Host(_))
        ));
        assert!(matches!(
            MapTiles::parse("https://a/{z}/{x}/{y}.png; script-src *", "", 19),
            Err(InvalidMapTiles::Character(_))
        ));
        assert!(matches!(
            MapTiles::parse("https://a/{z}/{x}/{y}", "", 30),
            Err(InvalidMapTiles::Zoom(30))
        ));
    }
}
