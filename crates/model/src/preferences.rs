//! How the dashboard looks for a user, kept on the server so it follows them to every device: which
//! Today cards show and in what order, the theme and the language. (The unit system is part of the
//! profile, since the API's own answers depend on it too.)

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::InvalidInput;

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $code:literal, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        // Variants are named so that snake case gives their names: the OpenAPI derive does not see a
        // `rename` passed through this macro (checked by the tests).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw).ok_or_else(|| {
                    let known: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    InvalidInput::new($code, format!("'{raw}' is not a {}; one of {}", $what, known.join(", ")))
                })
            }
        }
    };
}

named_enum!(
    /// A card of the dashboard's Today page.
    TodayCard, "unknown_card", "Today card" {
        Steps => "steps",
        Distance => "distance",
        ActiveEnergy => "active_energy",
        RestingEnergy => "resting_energy",
        Exercise => "exercise",
        Sleep => "sleep",
        RestingHeartRate => "resting_heart_rate",
        Hrv => "hrv",
        Weight => "weight",
    }
);

named_enum!(
    /// Light or dark, or whatever the device prefers.
    Theme, "unknown_theme", "theme" {
        System => "system",
        Light => "light",
        Dark => "dark",
    }
);

named_enum!(
    /// A language the dashboard ships in.
    Language, "unknown_language", "language" {
        En => "en",
        De => "de",
    }
);

/// A user's dashboard preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// The Today cards shown, in order; those left out are hidden.
    pub today_cards: Vec<TodayCard>,
    pub theme: Theme,
    /// `None`: the browser's language.
    pub language: Option<Language>,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            today_cards: TodayCard::ALL.to_vec(),
            theme: Theme::System,
            language: None,
        }
    }
}

impl Preferences {
    /// The cards as given, each known and shown once.
    pub fn parse_cards(raw: &[String]) -> Result<Vec<TodayCard>, InvalidInput> {
        let mut cards = Vec::with_capacity(raw.len());
        for name in raw {
            let card = TodayCard::parse(name)?;
            if cards.contains(&card) {
                return Err(InvalidInput::new(
                    "duplicate_card",
                    format!("'{name}' is listed twice; each card shows once"),
                ));
            }
            cards.push(card);
        }
        Ok(cards)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_its_value() {
        for card in TodayCard::ALL {
            assert_eq!(TodayCard::parse(card.as_str()), Ok(*card));
            let json = serde_json::to_string(card).unwrap();
            assert_eq!(json, format!("\"{}\"", card.as_str()));
        }
        for theme in Theme::ALL {
            assert_eq!(Theme::parse(theme.as_str()), Ok(*theme));
            assert_eq!(
                serde_json::to_string(theme).unwrap(),
                format!("\"{}\"", theme.as_str())
            );
        }
        for language in Language::ALL {
            assert_eq!(
                serde_json::to_string(language).unwrap(),
                format!("\"{}\"", language.as_str())
            );
        }
        assert_eq!(Language::parse("de"), Ok(Language::De));
    }

    #[test]
    fn cards_are_known_and_listed_once() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Preferences::parse_cards(&names(&["weight", "steps"])),
            Ok(vec![TodayCard::Weight, TodayCard::Steps])
        );
        assert_eq!(Preferences::parse_cards(&[]), Ok(vec![]));
        let unknown = Preferences::parse_cards(&names(&["steps", "stepz"])).unwrap_err();
        assert_eq!(unknown.code, "unknown_card");
        assert!(unknown.detail.contains("stepz") && unknown.detail.contains("resting_heart_rate"));
        let twice = Preferences::parse_cards(&names(&["steps", "steps"])).unwrap_err();
        assert_eq!(twice.code, "duplicate_card");
    }

    #[test]
    fn the_stored_document_reads_back() {
        let prefs = Preferences {
            today_cards: vec![TodayCard::Sleep, TodayCard::Hrv],
            theme: Theme::Dark,
            language: Some(Language::De),
        };
        let text = serde_json::to_string(&prefs).unwrap();
        assert_eq!(serde_json::from_str::<Preferences>(&text).unwrap(), prefs);
    }
}
