//! Whose weight-scale readings a FIT file holds. A scale shared by a household writes one `user_profile`
//! per person and tags each `weight_scale` message with its profile's `message_index`; this module decides
//! which profile is the importing account's owner and leaves everyone else's readings out, with a warning
//! per person. It reads no messages (`collect` does) and builds no activities.

use wearhouse_model::{Metric, Sex};

use super::collect::RawSample;
use crate::{Location, Warning};

/// What the importing account says about its owner, to recognise them among a shared scale's profiles.
///
/// A criterion counts only when both the account and the profile have it: sex (`Sex::Other` is not
/// compared, FIT profiles know only female and male), birth year (the profile's is the file's year minus
/// its age, so ±1 year), height (±3 cm: both are typed in by hand, in whole centimetres or inches). A
/// profile matches when every criterion that can be compared agrees and at least one can; an account
/// with nothing to compare counts as no account.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FitAccount {
    pub sex: Option<Sex>,
    /// Calendar year of birth.
    pub birth_year: Option<i16>,
    /// Centimetres.
    pub height_cm: Option<f64>,
}

/// One `user_profile` message, as far as matching needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UserProfile {
    /// `message_index`, which `weight_scale.user_profile_index` refers to.
    pub index: u16,
    pub sex: Option<Sex>,
    /// Whole years when the file was written.
    pub age: Option<u8>,
    pub height_m: Option<f64>,
}

/// One `weight_scale` message: its readings and the profile it names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weighing {
    pub profile: Option<u16>,
    /// FIT seconds.
    pub time: u32,
    pub mass_kg: Option<f64>,
    pub fat_percent: Option<f64>,
}

impl Weighing {
    fn samples(&self) -> impl Iterator<Item = RawSample> + '_ {
        let readings = [
            (Metric::BodyMass, self.mass_kg),
            (Metric::BodyFatPercentage, self.fat_percent),
        ];
        readings.into_iter().filter_map(move |(metric, value)| {
            Some(RawSample {
                metric,
                start: self.time,
                end: self.time,
                value: value?,
            })
        })
    }
}

const BIRTH_YEAR_SLACK: i32 = 1;
const HEIGHT_SLACK_CM: f64 = 3.0;

/// Whose readings are imported.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Owner {
    /// The file describes one person or none: every reading is theirs.
    Everyone,
    /// The profile with this index, which matches the account.
    Profile(u16),
    /// Several people, and nothing tells which one is the account's owner.
    Nobody(Unknown),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unknown {
    /// No account given, or one with neither sex, birth year nor height.
    NoAccount,
    /// No profile matches the account.
    NoMatch,
    /// Several profiles match it equally well (the account gives only its sex, say).
    Tie,
}

/// How close a matching profile is to the account: height difference in cm, then birth-year difference.
/// A criterion that could not be compared ranks after any that could.
fn closeness(p: &UserProfile, account: &FitAccount, year: Option<i16>) -> Option<(f64, i32)> {
    let mut compared = false;
    if let (Some(want @ (Sex::Female | Sex::Male)), Some(got)) = (account.sex, p.sex) {
        if want != got {
            return None;
        }
        compared = true;
    }
    let mut year_gap = i32::MAX;
    if let (Some(born), Some(age), Some(year)) = (account.birth_year, p.age, year) {
        year_gap = (i32::from(born) - (i32::from(year) - i32::from(age))).abs();
        if year_gap > BIRTH_YEAR_SLACK {
            return None;
        }
        compared = true;
    }
    let mut height_gap = f64::INFINITY;
    if let (Some(cm), Some(m)) = (account.height_cm, p.height_m) {
        height_gap = (cm - m * 100.0).abs();
        // An account height that is not a number matches nobody.
        if height_gap.is_nan() || height_gap > HEIGHT_SLACK_CM {
            return None;
        }
        compared = true;
    }
    compared.then_some((height_gap, year_gap))
}

/// Picks whose readings to keep. With several profiles matching the account, the closest wins: smallest
/// height difference, then smallest birth-year difference (a couple of the same sex and age, told apart by
/// a few centimetres). When the best two are equally close, as with an account that gives only its sex
/// in a house of two women, nobody's readings are kept: a guess would mix two people's weights, and the
/// warning tells the user what to fill in.
fn owner(profiles: &[UserProfile], account: Option<&FitAccount>, year: Option<i16>) -> Owner {
    if people(profiles) <= 1 {
        return Owner::Everyone;
    }
    let Some(account) = account.filter(|a| {
        matches!(a.sex, Some(Sex::Female | Sex::Male)) || a.birth_year.is_some() || a.height_cm.is_some()
    }) else {
        return Owner::Nobody(Unknown::NoAccount);
    };
    let mut candidates: Vec<((f64, i32), u16)> = profiles
        .iter()
        .filter_map(|p| Some((closeness(p, account, year)?, p.index)))
        .collect();
    candidates.sort_by(|(a, _), (b, _)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    candidates.dedup_by_key(|(_, index)| *index);
    match candidates.as_slice() {
        [] => Owner::Nobody(Unknown::NoMatch),
        [(first, _), (second, _), ..] if first == second => Owner::Nobody(Unknown::Tie),
        [(_, index), ..] => Owner::Profile(*index),
    }
}

/// How many people the profiles describe: a profile written twice is one person.
fn people(profiles: &[UserProfile]) -> usize {
    let mut indices: Vec<u16> = profiles.iter().map(|p| p.index).collect();
    indices.sort_unstable();
    indices.dedup();
    indices.len()
}

/// "user profile 1 (female, 36 years, 1.64 m)".
fn describe(index: Option<u16>, profiles: &[UserProfile]) -> String {
    let Some(index) = index else {
        return "readings that name no user profile".to_owned();
    };
    let Some(p) = profiles.iter().find(|p| p.index == index) else {
        return format!("user profile {index} (not described in the file)");
    };
    let parts: Vec<String> = [
        p.sex.map(|s| s.as_str().to_owned()),
        p.age.map(|a| format!("{a} years")),
        p.height_m.map(|h| format!("{h:.2} m")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        format!("user profile {index}")
    } else {
        format!("user profile {index} ({})", parts.join(", "))
    }
}

/// The account owner's readings as samples, and an `other_person` warning for each other person whose
/// readings were left out. `year` is the file's (UTC) year, for the profiles' birth years.
pub fn owners_readings(
    weighings: &[Weighing],
    profiles: &[UserProfile],
    account: Option<&FitAccount>,
    year: Option<i16>,
) -> (Vec<RawSample>, Vec<Warning>) {
    let owner = owner(profiles, account, year);
    let mut samples = Vec::new();
    // (profile named, measurements left out), in order of first appearance.
    let mut skipped: Vec<(Option<u16>, usize)> = Vec::new();
    for w in weighings {
        let keep = match owner {
            Owner::Everyone => true,
            Owner::Profile(index) => w.profile == Some(index),
            Owner::Nobody(_) => false,
        };
        if keep {
            samples.extend(w.samples());
        } else if let Some(entry) = skipped.iter_mut().find(|(p, _)| *p == w.profile) {
            entry.1 += 1;
        } else {
            skipped.push((w.profile, 1));
        }
    }
    let people = people(profiles);
    let why = match owner {
        Owner::Profile(index) => format!("user profile {index} is the account's"),
        Owner::Nobody(Unknown::NoMatch) => format!(
            "none of the file's {people} user profiles matches the account's sex, birth year and height"
        ),
        Owner::Nobody(Unknown::Tie) => format!(
            "several of the file's {people} user profiles match the account equally well (its birth year \
             or height would tell them apart)"
        ),
        Owner::Nobody(Unknown::NoAccount) | Owner::Everyone => format!(
            "the file holds {people} user profiles and no account details (sex, birth year, height) to \
             tell which is the account's"
        ),
    };
    let warnings = skipped
        .into_iter()
        .map(|(profile, n)| Warning {
            code: "other_person",
            detail: format!(
                "{}: {n} measurement{} left out, as {why}",
                describe(profile, profiles),
                if n == 1 { "" } else { "s" }
            ),
            location: Location::Entry("weight_scale".into()),
        })
        .collect();
    (samples, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(index: u16, sex: Sex, age: u8, height_m: f64) -> UserProfile {
        UserProfile {
            index,
            sex: Some(sex),
            age: Some(age),
            height_m: Some(height_m),
        }
    }

    const HOUSEHOLD: [UserProfile; 3] = [
        UserProfile {
            index: 0,
            sex: Some(Sex::Male),
            age: Some(41),
            height_m: Some(1.81),
        },
        UserProfile {
            index: 1,
            sex: Some(Sex::Female),
            age: Some(36),
            height_m: Some(1.64),
        },
        UserProfile {
            index: 2,
            sex: Some(Sex::Female),
            age: Some(12),
            height_m: Some(1.52),
        },
    ];

    fn account(sex: Option<Sex>, birth_year: Option<i16>, height_cm: Option<f64>) -> FitAccount {
        FitAccount {
            sex,
            birth_year,
            height_cm,
        }
    }

    #[test]
    fn the_profile_matching_sex_birth_year_and_height_is_the_owner() {
        let year = Some(2020);
        let her = account(Some(Sex::Female), Some(1984), Some(165.0));
        assert_eq!(owner(&HOUSEHOLD, Some(&her), year), Owner::Profile(1));
        // Birth year within one year either way, height within 3 cm.
        let near = account(Some(Sex::Female), Some(1983), Some(161.0));
        assert_eq!(owner(&HOUSEHOLD, Some(&near), year), Owner::Profile(1));
        let too_old = account(Some(Sex::Female), Some(1982), None);
        assert_eq!(
            owner(&HOUSEHOLD, Some(&too_old), year),
            Owner::Nobody(Unknown::NoMatch)
        );
        let too_tall = account(Some(Sex::Female), Some(1984), Some(168.0));
        assert_eq!(
            owner(&HOUSEHOLD, Some(&too_tall), year),
            Owner::Nobody(Unknown::NoMatch)
        );
        // Without the file's year, birth years are not compared.
        let him = account(Some(Sex::Male), Some(1900), None);
        assert_eq!(owner(&HOUSEHOLD, Some(&him), None), Owner::Profile(0));
    }

    #[test]
    fn several_matches_take_the_closest_and_no_details_take_nobody() {
        // Only the sex: both women match and nothing tells them apart.
        let woman = account(Some(Sex::Female), None, None);
        assert_eq!(
            owner(&HOUSEHOLD, Some(&woman), Some(2020)),
            Owner::Nobody(Unknown::Tie)
        );
        let mother = account(Some(Sex::Female), None, Some(163.0));
        assert_eq!(owner(&HOUSEHOLD, Some(&mother), Some(2020)), Owner::Profile(1));
        // Height decides between two matches before birth year does.
        let twins = [profile(4, Sex::Male, 30, 1.80), profile(5, Sex::Male, 30, 1.78)];
        let him = account(Some(Sex::Male), Some(1990), Some(178.5));
        assert_eq!(owner(&twins, Some(&him), Some(2020)), Owner::Profile(5));
        // `Other` compares nothing; an account with nothing else is no account.
        let other = account(Some(Sex::Other), None, None);
        assert_eq!(
            owner(&HOUSEHOLD, Some(&other), Some(2020)),
            Owner::Nobody(Unknown::NoAccount)
        );
        assert_eq!(
            owner(&HOUSEHOLD, None, Some(2020)),
            Owner::Nobody(Unknown::NoAccount)
        );
        let nan = account(None, None, Some(f64::NAN));
        assert_eq!(
            owner(&HOUSEHOLD, Some(&nan), Some(2020)),
            Owner::Nobody(Unknown::NoMatch)
        );
    }

    #[test]
    fn one_profile_or_none_owns_every_reading() {
        let stranger = account(Some(Sex::Male), Some(1950), Some(200.0));
        assert_eq!(
            owner(&HOUSEHOLD[1..2], Some(&stranger), Some(2020)),
            Owner::Everyone
        );
        assert_eq!(owner(&[], None, None), Owner::Everyone);
        // The same profile written twice is one person.
        let twice = [HOUSEHOLD[0], HOUSEHOLD[0]];
        assert_eq!(owner(&twice, None, None), Owner::Everyone);
    }
}
