//! The password policy: long enough, not a known common password, not built from the account's own names.

use zxcvbn::feedback::Warning;
use zxcvbn::Score;

use crate::{Email, InvalidInput, Username};

/// A new password that passed [`PasswordPolicy`]. Never stored: only its argon2id hash is.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Rules for a new password. Existing hashes are never re-judged: the policy applies when a password is set.
#[derive(Debug, Clone, Copy)]
pub struct PasswordPolicy {
    pub min_chars: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_chars: 10 }
    }
}

/// Longer inputs only cost hashing time; no passphrase needs more.
const MAX_CHARS: usize = 256;

impl PasswordPolicy {
    /// Checks `raw` as the new password of the account named `username` with address `email`.
    pub fn check(&self, raw: &str, username: &Username, email: &Email) -> Result<Password, InvalidInput> {
        let chars = raw.chars().count();
        if chars < self.min_chars {
            return Err(InvalidInput::new(
                "password_too_short",
                format!("password must be at least {} characters long", self.min_chars),
            ));
        }
        if chars > MAX_CHARS {
            return Err(InvalidInput::new(
                "password_too_long",
                format!("password must be at most {MAX_CHARS} characters long"),
            ));
        }
        let lowered = raw.to_lowercase();
        let local_part = email.as_str().split('@').next().unwrap_or_default();
        let identities = [username.key(), local_part.to_owned()];
        if identities
            .iter()
            .any(|id| id.chars().count() >= 3 && lowered.contains(id.as_str()))
        {
            return Err(InvalidInput::new(
                "password_contains_identity",
                "password must not contain the username or the e-mail address",
            ));
        }
        // zxcvbn carries a ranked list of ~30,000 leaked passwords and recognises them through l33t
        // substitutions, reversal and appended digits; its warnings name exactly that case.
        // zxcvbn's matching grows faster than linearly with length; its authors advise judging at most
        // ~100 characters, which is far beyond any guessable prefix anyway.
        let judged: String = raw.chars().take(100).collect();
        let entropy = zxcvbn::zxcvbn(&judged, &[username.as_str(), email.as_str()]);
        let warning = entropy.feedback().and_then(|f| f.warning());
        if matches!(
            warning,
            Some(
                Warning::ThisIsATop10Password
                    | Warning::ThisIsATop100Password
                    | Warning::ThisIsACommonPassword
                    | Warning::ThisIsSimilarToACommonlyUsedPassword
            )
        ) {
            return Err(InvalidInput::new(
                "password_common",
                "password is too common; choose another one",
            ));
        }
        if entropy.score() < Score::Two {
            let why = warning.map(|w| format!(" ({w})")).unwrap_or_default();
            return Err(InvalidInput::new(
                "password_too_guessable",
                format!("password is too easy to guess{why}; add words or characters"),
            ));
        }
        Ok(Password(raw.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str) -> Result<Password, InvalidInput> {
        PasswordPolicy::default().check(
            raw,
            &Username::parse("ana_runner").unwrap(),
            &Email::parse("ana.lopez@example.org").unwrap(),
        )
    }

    #[test]
    fn accepts_a_reasonable_passphrase() {
        check("granite kettle orbit").unwrap();
        check("T9#vq!2mPz&w").unwrap();
    }

    #[test]
    fn rejects_short_passwords() {
        assert_eq!(check("x7#Qp!2m").unwrap_err().code, "password_too_short");
    }

    #[test]
    fn rejects_common_passwords() {
        for common in [
            "password123",
            "qwertyuiop",
            "1234567890",
            "iloveyou123",
            "P@ssw0rd123",
        ] {
            let code = check(common).unwrap_err().code;
            assert!(
                code == "password_common" || code == "password_too_guessable",
                "{common}: {code}"
            );
        }
        assert_eq!(check("password123").unwrap_err().code, "password_common");
    }

    #[test]
    fn rejects_passwords_containing_the_account_names() {
        assert_eq!(
            check("ANA_RUNNER-2026!").unwrap_err().code,
            "password_contains_identity"
        );
        assert_eq!(
            check("my ana.lopez secret").unwrap_err().code,
            "password_contains_identity"
        );
    }

    #[test]
    fn rejects_absurdly_long_passwords() {
        assert_eq!(
            check(&"correct horse ".repeat(30)).unwrap_err().code,
            "password_too_long"
        );
    }
}
