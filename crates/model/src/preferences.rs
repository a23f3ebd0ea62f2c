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

/// A language, as a BCP 47 tag of a language and at most a region or a script, in canonical case:
/// `de`, `pt-BR`, `zh-Hant`, `es-419`.
///
/// Any well-formed tag is accepted rather than only the dashboard's languages: the preference is the
/// user's, other clients may ship other languages, and a dashboard shows a language it does not ship
/// in the browser's language instead. It also keeps adding a language to the dashboard a matter of
/// its translation file alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Language(String);

impl Language {
    /// What [`Language::parse`] accepts, for the API's schema.
    pub const PATTERN: &'static str = "^[a-z]{2,3}(-([A-Z]{2}|[0-9]{3}|[A-Z][a-z]{3}))?$";
    /// The longest tag accepted (`zho-Hant`).
    pub const MAX_LEN: usize = 8;

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let (language, rest) = raw.split_once('-').map_or((raw, None), |(l, r)| (l, Some(r)));
        let language_ok =
            (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_lowercase());
        let rest_ok = match rest {
            None => true,
            Some(sub) => {
                let bytes = sub.as_bytes();
                match bytes {
                    // region: two letters or three digits
                    [a, b] => a.is_ascii_uppercase() && b.is_ascii_uppercase(),
                    [_, _, _] => bytes.iter().all(u8::is_ascii_digit),
                    // script: a capital and three small letters
                    [first, others @ ..] if others.len() == 3 => {
                        first.is_ascii_uppercase() && others.iter().all(u8::is_ascii_lowercase)
                    }
                    _ => false,
                }
            }
        };
        if language_ok && rest_ok {
            Ok(Language(raw.to_owned()))
        } else {
            Err(InvalidInput::new(
                "unknown_language",
                format!("'{raw}' is not a language tag such as 'de', 'pt-BR' or 'zh-Hant'"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Language {
    type Error = InvalidInput;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Language::parse(&raw)
    }
}

impl From<Language> for String {
    fn from(language: Language) -> Self {
        language.0
    }
}

impl utoipa::PartialSchema for Language {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(Language::PATTERN))
            .min_length(Some(2))
            .max_length(Some(Language::MAX_LEN))
            .description(Some(
                "A BCP 47 language tag: a language, optionally with a region or a script.",
            ))
            .examples(["de"])
            .into()
    }
}

impl ToSchema for Language {}

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
    }

    #[test]
    fn a_language_is_a_well_formed_tag() {
        for tag in ["de", "en", "fil", "pt-BR", "es-419", "zh-Hant"] {
            let language = Language::parse(tag).unwrap();
            assert_eq!(language.as_str(), tag);
            assert_eq!(serde_json::to_string(&language).unwrap(), format!("\"{tag}\""));
            assert_eq!(
                serde_json::from_str::<Language>(&format!("\"{tag}\"")).unwrap(),
                language
            );
        }
        for bad in [
            "", "d", "DE", "de-", "de_AT", "de-at", "de-AT-x", "german", "zh-hant", "de-12", "é",
        ] {
            let err = Language::parse(bad).unwrap_err();
            assert_eq!(err.code, "unknown_language", "{bad}");
        }
        assert!(serde_json::from_str::<Language>("\"deu-XYZ\"").is_err());
        let pattern_lengths = ["zho-Hant".len(), "de".len()];
        assert_eq!(pattern_lengths, [Language::MAX_LEN, 2]);
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
            language: Some(Language::parse("pt-BR").unwrap()),
        };
        let text = serde_json::to_string(&prefs).unwrap();
        assert_eq!(serde_json::from_str::<Preferences>(&text).unwrap(), prefs);
    }
}
