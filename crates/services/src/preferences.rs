//! A user's dashboard preferences (`/me/preferences`): Today cards and their order, theme, language,
//! and the profile's unit system beside them, so one document sets up the dashboard on any device.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use wearhouse_model::{Language, Preferences, Theme, TodayCard, UnitSystem};

use crate::accounts::{AccountService, AuthenticatedUser};
use crate::profile::ProfilePatch;
use crate::{FieldError, ServiceError};

/// A new set of preferences as received. `PUT` replaces the document: `language` left out means the
/// browser's; `unit_system` left out leaves the profile's as it is.
#[derive(Debug, Clone, Default)]
pub struct PreferencesInput {
    pub today_cards: Vec<String>,
    pub theme: String,
    pub language: Option<String>,
    pub unit_system: Option<UnitSystem>,
}

/// The preferences in effect.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedPreferences {
    pub preferences: Preferences,
    pub unit_system: UnitSystem,
    /// When they were last saved; `None` while they are the defaults.
    pub updated_at: Option<Timestamp>,
}

/// The document as stored: names rather than enums, so a document saved by a release that knew a
/// card this one does not still reads (the unknown card is left out).
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    today_cards: Vec<String>,
    theme: String,
    language: Option<String>,
}

impl Stored {
    fn of(p: &Preferences) -> Self {
        Stored {
            today_cards: p.today_cards.iter().map(|c| c.as_str().to_owned()).collect(),
            theme: p.theme.as_str().to_owned(),
            language: p.language.as_ref().map(|l| l.as_str().to_owned()),
        }
    }

    fn read(self) -> Preferences {
        let mut cards: Vec<TodayCard> = Vec::new();
        for card in self.today_cards.iter().filter_map(|c| TodayCard::parse(c).ok()) {
            if !cards.contains(&card) {
                cards.push(card);
            }
        }
        Preferences {
            today_cards: cards,
            theme: Theme::parse(&self.theme).unwrap_or(Theme::System),
            language: self.language.and_then(|l| Language::parse(&l).ok()),
        }
    }
}

impl AccountService {
    /// The user's preferences, the defaults where they saved none.
    pub async fn preferences(&self, actor: &AuthenticatedUser) -> Result<SavedPreferences, ServiceError> {
        let stored = self.store.accounts.preferences(actor.id()).await?;
        let (preferences, updated_at) = match stored {
            Some((document, at)) => match serde_json::from_str::<Stored>(&document) {
                Ok(stored) => (stored.read(), Some(at)),
                Err(e) => {
                    tracing::warn!(user = %actor.id(), error = %e, "stored preferences unreadable; showing the defaults");
                    (Preferences::default(), None)
                }
            },
            None => (Preferences::default(), None),
        };
        Ok(SavedPreferences {
            preferences,
            unit_system: actor.user.unit_system,
            updated_at,
        })
    }

    /// Validates every field (reporting all failures together), then saves the document and, when
    /// given, the profile's unit system.
    pub async fn put_preferences(
        &self,
        actor: &AuthenticatedUser,
        input: PreferencesInput,
    ) -> Result<SavedPreferences, ServiceError> {
        let mut errors = Vec::new();
        let cards = Preferences::parse_cards(&input.today_cards)
            .map_err(|e| errors.push(FieldError::new("today_cards", e)))
            .ok();
        let theme = Theme::parse(&input.theme)
            .map_err(|e| errors.push(FieldError::new("theme", e)))
            .ok();
        let language = input
            .language
            .as_deref()
            .map(Language::parse)
            .transpose()
            .map_err(|e| errors.push(FieldError::new("language", e)))
            .ok();
        let (Some(today_cards), Some(theme), Some(language)) = (cards, theme, language) else {
            return Err(ServiceError::Invalid(errors));
        };
        let preferences = Preferences {
            today_cards,
            theme,
            language,
        };
        let document = serde_json::to_string(&Stored::of(&preferences))
            .map_err(|e| ServiceError::Internal(format!("preferences: {e}")))?;
        // Stored to the microsecond: what a later read gives back.
        let now = self.clock.now();
        let now = Timestamp::from_microsecond(now.as_microsecond()).unwrap_or(now);
        self.store
            .accounts
            .put_preferences(actor.id(), &document, now)
            .await?;
        let unit_system = match input.unit_system {
            Some(system) if system != actor.user.unit_system => {
                let patch = ProfilePatch {
                    unit_system: Some(system),
                    ..Default::default()
                };
                self.update_profile(actor, patch).await?.unit_system
            }
            _ => actor.user.unit_system,
        };
        Ok(SavedPreferences {
            preferences,
            unit_system,
            updated_at: Some(now),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_with_names_this_release_does_not_know_still_reads() {
        let stored: Stored = serde_json::from_str(
            r#"{"today_cards": ["vo2max", "sleep", "steps", "sleep"], "theme": "sepia", "language": "Klingon"}"#,
        )
        .unwrap();
        assert_eq!(
            stored.read(),
            Preferences {
                today_cards: vec![TodayCard::Sleep, TodayCard::Steps],
                theme: Theme::System,
                language: None,
            }
        );
    }
}
