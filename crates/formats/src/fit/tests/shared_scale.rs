//! A weight-scale file shared by two people: only the account owner's readings are imported.

use wearhouse_model::{Metric, Sex};

use super::*;

/// A Garmin Index scale file of a household: him (profile 0: male, 41, 1.81 m) weighed twice, her
/// (profile 1: female, 36, 1.64 m) once, each reading tagged with its profile's `message_index`.
fn household_scale() -> Fit {
    let mut f = Fit::default();
    // file_id: type weight (9), Garmin, created 2020-01-01.
    f.message(
        0,
        0,
        &[
            enumf(0, 9),
            u16f(1, 1),
            u16f(2, 2429),
            (3, 0x8C, 3_999_000_017u32.to_le_bytes().to_vec()),
            u32f(4, T0),
        ],
    );
    // user_profile: message_index, gender, age, height (cm), weight (0.1 kg).
    let profile = |index: u16, gender: u8, age: u8, height_cm: u8, weight: u16| {
        vec![
            u16f(254, index),
            enumf(1, gender),
            u8f(2, age),
            u8f(3, height_cm),
            u16f(4, weight),
        ]
    };
    f.message(1, 3, &profile(0, 1, 41, 181, 814));
    f.data(1, &profile(1, 0, 36, 164, 582));
    // weight_scale: weight (0.01 kg), percent_fat (0.01 %), user_profile_index.
    let weighing = |t: u32, weight: u16, fat: u16, profile: u16| {
        vec![u32f(253, t), u16f(0, weight), u16f(1, fat), u16f(12, profile)]
    };
    f.message(2, 30, &weighing(T0 + 3600, 8_140, 2_210, 0));
    f.data(2, &weighing(T0 + 3700, 5_820, 2_650, 1));
    f.data(2, &weighing(T0 + 90_000, 8_110, 2_190, 0));
    f
}

fn masses(file: &ParsedFile) -> Vec<f64> {
    file.samples
        .iter()
        .filter(|s| s.metric == Metric::BodyMass)
        .map(|s| s.value)
        .collect()
}

fn others(file: &ParsedFile) -> Vec<&str> {
    file.warnings
        .iter()
        .filter(|w| w.code == "other_person")
        .map(|w| w.detail.as_str())
        .collect()
}

fn account(sex: Sex, birth_year: i16, height_cm: Option<f64>) -> FitAccount {
    FitAccount {
        sex: Some(sex),
        birth_year: Some(birth_year),
        height_cm,
    }
}

#[test]
fn the_account_owners_readings_are_kept_and_the_other_person_named() {
    let bytes = household_scale().bytes();
    let him = account(Sex::Male, 1979, Some(181.0));
    let file = read_fit_with(&bytes, Some(&him)).unwrap();
    assert_eq!(masses(&file), vec![81.4, 81.1]);
    let fat: Vec<f64> = file
        .samples
        .iter()
        .filter(|s| s.metric == Metric::BodyFatPercentage)
        .map(|s| s.value)
        .collect();
    assert_eq!(fat, vec![22.1, 21.9]);
    let [warning] = others(&file)[..] else {
        panic!("{:?}", file.warnings)
    };
    assert!(
        warning.starts_with("user profile 1 (female, 36 years, 1.64 m): 1 measurement left out"),
        "{warning}"
    );

    // Her account: born 1983 or 1984 (36 at some point of 2020), 1.62 m typed in.
    let her = account(Sex::Female, 1983, Some(162.0));
    let file = read_fit_with(&bytes, Some(&her)).unwrap();
    assert_eq!(masses(&file), vec![58.2]);
    let [warning] = others(&file)[..] else {
        panic!("{:?}", file.warnings)
    };
    assert!(
        warning.starts_with("user profile 0 (male, 41 years, 1.81 m): 2 measurements left out"),
        "{warning}"
    );
    // An account without a height is matched on sex and birth year.
    let file = read_fit_with(&bytes, Some(&account(Sex::Female, 1984, None))).unwrap();
    assert_eq!(masses(&file), vec![58.2]);
}

#[test]
fn without_an_account_a_shared_scale_file_imports_nobodys_readings() {
    let file = read_fit(&household_scale().bytes()).unwrap();
    assert!(file.samples.is_empty(), "{:?}", file.samples);
    let warnings = others(&file);
    assert_eq!(warnings.len(), 2, "{:?}", file.warnings);
    assert!(warnings[0].starts_with("user profile 0 (male, 41 years, 1.81 m): 2 measurements"));
    assert!(warnings[1].starts_with("user profile 1 (female, 36 years, 1.64 m): 1 measurement"));
    assert!(warnings[0].contains("no account details"), "{}", warnings[0]);
}

#[test]
fn an_account_matching_no_profile_imports_nobodys_readings() {
    let bytes = household_scale().bytes();
    // Right sex and height, born three years too early; then right sex and birth year, 5 cm too tall.
    for stranger in [
        account(Sex::Male, 1976, Some(181.0)),
        account(Sex::Male, 1979, Some(186.0)),
    ] {
        let file = read_fit_with(&bytes, Some(&stranger)).unwrap();
        assert!(masses(&file).is_empty());
        let warnings = others(&file);
        assert_eq!(warnings.len(), 2, "{:?}", file.warnings);
        assert!(
            warnings[0].contains("none of the file's 2 user profiles matches"),
            "{}",
            warnings[0]
        );
    }
}

#[test]
fn a_scale_file_with_one_profile_is_that_persons() {
    let mut f = Fit::default();
    f.message(0, 0, &[enumf(0, 9), u16f(1, 1), u32f(4, T0)]);
    f.message(1, 3, &[u16f(254, 0), enumf(1, 0), u8f(2, 36), u8f(3, 164)]);
    f.message(2, 30, &[u32f(253, T0 + 60), u16f(0, 5_820), u16f(12, 0)]);
    let bytes = f.bytes();
    // Whoever imports it: the file names one person, so its readings are the importer's.
    let him = account(Sex::Male, 1979, Some(181.0));
    for account in [None, Some(&him)] {
        let file = read_fit_with(&bytes, account).unwrap();
        assert_eq!(masses(&file), vec![58.2]);
        assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    }
}

#[test]
fn readings_that_name_no_profile_of_a_shared_scale_are_left_out() {
    let mut f = household_scale();
    // A guest stepped on the scale: no user_profile_index.
    f.message(3, 30, &[u32f(253, T0 + 4000), u16f(0, 9_990)]);
    let him = account(Sex::Male, 1979, None);
    let file = read_fit_with(&f.bytes(), Some(&him)).unwrap();
    assert_eq!(masses(&file), vec![81.4, 81.1]);
    let warnings = others(&file);
    assert_eq!(warnings.len(), 2, "{:?}", file.warnings);
    assert!(
        warnings[1].starts_with("readings that name no user profile: 1 measurement"),
        "{}",
        warnings[1]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn mutated_scale_files_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
        birth_year in any::<i16>(),
        height_cm in proptest::option::of(any::<f64>()),
    ) {
        let mut bytes = household_scale().bytes();
        for (at, value) in edits {
            let n = bytes.len();
            bytes[at % n] = value;
        }
        let n = bytes.len();
        bytes.truncate(cut % (n + 1));
        let someone = FitAccount { sex: Some(Sex::Female), birth_year: Some(birth_year), height_cm };
        if let Ok(file) = read_fit_with(&bytes, Some(&someone)) {
            prop_assert!(file.samples.iter().all(|s| s.value.is_finite()));
        }
    }
}
