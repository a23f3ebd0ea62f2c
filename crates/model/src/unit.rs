//! Units of measure and exact conversions to each dimension's canonical unit. Values are converted on
//! the way in and stored only in canonical units, so nothing downstream ever asks "km or m?".

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::InvalidInput;

/// What a unit measures; conversion is only possible within one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    Count,
    Length,
    Mass,
    Energy,
    /// Events per minute: heart beats, breaths, steps, revolutions.
    Rate,
    Duration,
    /// A share of a whole: percent or fraction.
    Ratio,
    Speed,
    Power,
    Pressure,
    /// Blood glucose concentration (the mg/dL ↔ mmol/L factor is glucose's molar mass).
    Glucose,
    Temperature,
    Volume,
    /// kg/m²
    BodyMassIndex,
    /// Metabolic equivalent: kcal per kg per hour.
    Met,
    /// VO₂ max: mL per kg per minute.
    OxygenUptake,
    /// A category such as a sleep stage: no unit, no arithmetic.
    Category,
}

macro_rules! units {
    ($( $variant:ident => $symbol:literal, $dim:ident, $factor:expr, $offset:expr, [$($alias:literal),*] ;)*) => {
        /// A unit accepted on input. `symbol` is how the API writes it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub enum Unit { $($variant),* }

        impl Unit {
            pub const ALL: &'static [Unit] = &[$(Unit::$variant),*];

            /// The symbol used in the API (`km`, `kcal`, `count/min`, `mg/dL` …).
            pub fn symbol(self) -> &'static str {
                match self { $(Unit::$variant => $symbol),* }
            }

            pub fn dimension(self) -> Dimension {
                match self { $(Unit::$variant => Dimension::$dim),* }
            }

            /// `(factor, offset)` such that `canonical = value * factor + offset`.
            fn to_canonical(self) -> (f64, f64) {
                match self { $(Unit::$variant => ($factor, $offset)),* }
            }

            fn aliases(self) -> &'static [&'static str] {
                match self { $(Unit::$variant => &[$($alias),*]),* }
            }
        }
    };
}

// Factors are exact by definition (international yard and pound, thermochemical calorie) except the
// glucose factor, which is glucose's molar mass (180.156 g/mol) / 10.
units! {
    Count => "count", Count, 1.0, 0.0, [];
    Meter => "m", Length, 1.0, 0.0, ["meter", "meters", "metre", "metres"];
    Kilometer => "km", Length, 1000.0, 0.0, ["kilometer", "kilometers", "kilometre", "kilometres"];
    Centimeter => "cm", Length, 0.01, 0.0, ["centimeter", "centimeters"];
    Millimeter => "mm", Length, 0.001, 0.0, [];
    Mile => "mi", Length, 1609.344, 0.0, ["mile", "miles"];
    Yard => "yd", Length, 0.9144, 0.0, ["yard", "yards"];
    Foot => "ft", Length, 0.3048, 0.0, ["foot", "feet"];
    Inch => "in", Length, 0.0254, 0.0, ["inch", "inches"];
    Kilogram => "kg", Mass, 1.0, 0.0, ["kilogram", "kilograms"];
    Gram => "g", Mass, 0.001, 0.0, ["gram", "grams"];
    Pound => "lb", Mass, 0.453_592_37, 0.0, ["lbs", "pound", "pounds"];
    Stone => "st", Mass, 6.350_293_18, 0.0, ["stone"];
    Ounce => "oz", Mass, 0.028_349_523_125, 0.0, [];
    Kilocalorie => "kcal", Energy, 1.0, 0.0, ["Cal", "kilocalorie", "kilocalories"];
    Calorie => "cal", Energy, 0.001, 0.0, [];
    Kilojoule => "kJ", Energy, 1.0 / 4.184, 0.0, ["kj"];
    Joule => "J", Energy, 1.0 / 4184.0, 0.0, [];
    PerMinute => "count/min", Rate, 1.0, 0.0, ["bpm", "/min", "rpm", "spm", "breaths/min"];
    PerSecond => "count/s", Rate, 60.0, 0.0, ["Hz"];
    Millisecond => "ms", Duration, 0.001, 0.0, [];
    Second => "s", Duration, 1.0, 0.0, ["sec"];
    Minute => "min", Duration, 60.0, 0.0, [];
    Hour => "hr", Duration, 3600.0, 0.0, ["h"];
    Percent => "%", Ratio, 1.0, 0.0, ["percent"];
    Fraction => "fraction", Ratio, 100.0, 0.0, [];
    MeterPerSecond => "m/s", Speed, 1.0, 0.0, [];
    KilometerPerHour => "km/h", Speed, 1.0 / 3.6, 0.0, ["km/hr", "kph"];
    MilePerHour => "mi/h", Speed, 0.447_04, 0.0, ["mph", "mi/hr"];
    Watt => "W", Power, 1.0, 0.0, ["watt", "watts"];
    MillimeterOfMercury => "mmHg", Pressure, 1.0, 0.0, [];
    MillimolePerLiter => "mmol/L", Glucose, 1.0, 0.0, ["mmol<180.1558800000541>/L"];
    MilligramPerDeciliter => "mg/dL", Glucose, 1.0 / 18.0156, 0.0, [];
    Celsius => "degC", Temperature, 1.0, 0.0, ["°C", "C"];
    Fahrenheit => "degF", Temperature, 5.0 / 9.0, -32.0 * 5.0 / 9.0, ["°F", "F"];
    Kelvin => "K", Temperature, 1.0, -273.15, [];
    Milliliter => "mL", Volume, 1.0, 0.0, ["ml"];
    Liter => "L", Volume, 1000.0, 0.0, ["l"];
    FluidOunceUs => "fl_oz_us", Volume, 29.573_529_562_5, 0.0, ["fl oz", "fl_oz"];
    CupUs => "cup_us", Volume, 236.588_236_5, 0.0, ["cup"];
    KilogramPerSquareMeter => "kg/m^2", BodyMassIndex, 1.0, 0.0, ["kg/m2", "kg/m²"];
    MetabolicEquivalent => "kcal/(kg*hr)", Met, 1.0, 0.0, ["MET", "met", "kcal/hr·kg"];
    MilliliterPerKilogramMinute => "mL/(kg*min)", OxygenUptake, 1.0, 0.0, ["mL/kg/min", "ml/kg/min", "mL/min·kg"];
    Category => "category", Category, 1.0, 0.0, [];
}

impl Unit {
    /// Converts `value` in this unit to its dimension's canonical unit.
    pub fn to_canonical_value(self, value: f64) -> f64 {
        let (factor, offset) = self.to_canonical();
        value * factor + offset
    }

    /// Converts a canonical value into this unit (for display and export).
    pub fn from_canonical_value(self, canonical: f64) -> f64 {
        let (factor, offset) = self.to_canonical();
        (canonical - offset) / factor
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl FromStr for Unit {
    type Err = InvalidInput;

    /// Accepts the symbol or an alias. Case matters where it carries meaning (`Cal` is a kilocalorie,
    /// `cal` a calorie); otherwise a case-insensitive match is accepted.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        let exact = Unit::ALL
            .iter()
            .find(|u| u.symbol() == raw || u.aliases().contains(&raw));
        let folded = || {
            Unit::ALL.iter().find(|u| {
                u.symbol().eq_ignore_ascii_case(raw)
                    || u.aliases().iter().any(|a| a.eq_ignore_ascii_case(raw))
            })
        };
        exact
            .or_else(|| {
                if raw.eq_ignore_ascii_case("cal") {
                    None
                } else {
                    folded()
                }
            })
            .copied()
            .ok_or_else(|| InvalidInput::new("bad_unit", format!("unknown unit '{raw}'")))
    }
}

impl TryFrom<String> for Unit {
    type Error = InvalidInput;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Unit> for String {
    fn from(unit: Unit) -> Self {
        unit.symbol().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(value: f64, unit: &str) -> f64 {
        unit.parse::<Unit>().unwrap().to_canonical_value(value)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn every_conversion_has_its_known_answer() {
        let cases: &[(f64, &str, f64)] = &[
            (1.0, "count", 1.0),
            (1.0, "m", 1.0),
            (1.0, "km", 1000.0),
            (250.0, "cm", 2.5),
            (1000.0, "mm", 1.0),
            (1.0, "mi", 1609.344),
            (1.0, "yd", 0.9144),
            (1.0, "ft", 0.3048),
            (12.0, "in", 0.3048),
            (1.0, "kg", 1.0),
            (1000.0, "g", 1.0),
            (1.0, "lb", 0.45359237),
            (1.0, "st", 6.35029318),
            (16.0, "oz", 0.45359237),
            (1.0, "kcal", 1.0),
            (1.0, "Cal", 1.0),
            (1000.0, "cal", 1.0),
            (4.184, "kJ", 1.0),
            (4184.0, "J", 1.0),
            (60.0, "bpm", 60.0),
            (1.0, "count/s", 60.0),
            (1500.0, "ms", 1.5),
            (1.0, "s", 1.0),
            (1.0, "min", 60.0),
            (1.0, "hr", 3600.0),
            (97.0, "%", 97.0),
            (0.97, "fraction", 97.0),
            (1.0, "m/s", 1.0),
            (36.0, "km/h", 10.0),
            (1.0, "mph", 0.44704),
            (250.0, "W", 250.0),
            (120.0, "mmHg", 120.0),
            (5.5, "mmol/L", 5.5),
            (18.0156, "mg/dL", 1.0),
            (99.0, "mg/dL", 99.0 / 18.0156),
            (37.0, "degC", 37.0),
            (98.6, "degF", 37.0),
            (32.0, "°F", 0.0),
            (310.15, "K", 37.0),
            (1.0, "L", 1000.0),
            (250.0, "mL", 250.0),
            (1.0, "fl_oz_us", 29.5735295625),
            (1.0, "cup_us", 236.5882365),
            (22.5, "kg/m^2", 22.5),
            (8.0, "MET", 8.0),
            (52.0, "mL/kg/min", 52.0),
        ];
        for (value, unit, expected) in cases {
            let got = canonical(*value, unit);
            assert!(
                close(got, *expected),
                "{value} {unit} = {got}, expected {expected}"
            );
        }
    }

    #[test]
    fn conversions_round_trip() {
        for unit in Unit::ALL {
            for value in [0.0, 1.0, 37.5, 1234.5] {
                let back = unit.from_canonical_value(unit.to_canonical_value(value));
                assert!(close(back, value), "{unit}: {value} -> {back}");
            }
        }
    }

    #[test]
    fn symbols_parse_back_and_case_matters_only_for_calories() {
        for unit in Unit::ALL {
            assert_eq!(unit.symbol().parse::<Unit>().unwrap(), *unit);
        }
        assert_eq!("Cal".parse::<Unit>().unwrap(), Unit::Kilocalorie);
        assert_eq!("cal".parse::<Unit>().unwrap(), Unit::Calorie);
        assert_eq!("KM".parse::<Unit>().unwrap(), Unit::Kilometer);
        assert_eq!("furlong".parse::<Unit>().unwrap_err().code, "bad_unit");
    }
}
