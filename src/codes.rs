//! Validated codes and small numeric newtypes: [`CountryCode`], [`RegionCode`], [`Currency`],
//! [`HsCode`], [`TaxCategory`], [`Percent`] and [`Bps`].
//!
//! Each parses with `FromStr`, prints with `Display` and serializes as a string, so the JSON
//! wire formats and the data files share one spelling.

use core::fmt;
use core::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::error::{Error, ParseProblem, ValueKind};

/// Implements `Serialize` as the `Display` string and `Deserialize` through `FromStr`.
macro_rules! serde_as_string {
    ($ty:ty, $expecting:literal) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

/// Implements `Display` (the code) and `Debug` (`Type(code)`) through `as_str`.
macro_rules! display_as_str {
    ($ty:ident) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($ty), "({})"), self.as_str())
            }
        }
    };
}

/// An ISO 3166-1 alpha-2 country code, stored upper-case.
///
/// Lower-case input is accepted. The common aliases `EL` (Greece in EU VAT use) and `UK` are
/// rejected with a hint to `GR` and `GB`, so that rate lookups never silently miss.
///
/// # Example
/// ```
/// use landed::CountryCode;
/// let de: CountryCode = "de".parse()?;
/// assert_eq!(de.as_str(), "DE");
/// assert!("UK".parse::<CountryCode>().unwrap_err().to_string().contains("GB"));
/// # Ok::<(), landed::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// The code as a `&str` (always two upper-case ASCII letters).
    pub fn as_str(&self) -> &str {
        // The bytes are validated ASCII letters, so this never fails.
        core::str::from_utf8(&self.0).unwrap_or("??")
    }
}

/// True when `a b` (uppercase ASCII letters) is an ISO 3166-1 alpha-2 code: a table of the
/// 676 two-letter combinations, filled once from `iso_country` (whose parse compares names
/// one by one, a cost that showed in loading data files of many thousand origin lists).
fn known_alpha2(a: u8, b: u8) -> bool {
    static KNOWN: std::sync::LazyLock<[bool; 676]> = std::sync::LazyLock::new(|| {
        let mut table = [false; 676];
        for (i, slot) in table.iter_mut().enumerate() {
            let (x, y) = (i / 26, i % 26);
            let (Ok(x), Ok(y)) = (u8::try_from(x), u8::try_from(y)) else {
                continue;
            };
            let code = [b'A'.saturating_add(x), b'A'.saturating_add(y)];
            *slot =
                std::str::from_utf8(&code).is_ok_and(|s| s.parse::<iso_country::Country>().is_ok());
        }
        table
    });
    let index = usize::from(a.saturating_sub(b'A'))
        .saturating_mul(26)
        .saturating_add(usize::from(b.saturating_sub(b'A')));
    KNOWN.get(index).copied().unwrap_or(false)
}

impl FromStr for CountryCode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let err = |p| Error::parse(ValueKind::Country, s, p);
        let [a, b] = match s.as_bytes() {
            [] => return Err(err(ParseProblem::Empty)),
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                [a.to_ascii_uppercase(), b.to_ascii_uppercase()]
            }
            _ => {
                return Err(err(ParseProblem::Malformed(
                    "expected two letters (iso 3166-1 alpha-2)",
                )));
            }
        };
        match &[a, b] {
            b"EL" => return Err(err(ParseProblem::UseInstead("GR"))),
            b"UK" => return Err(err(ParseProblem::UseInstead("GB"))),
            _ => {}
        }
        let code = Self([a, b]);
        if !known_alpha2(a, b) {
            return Err(err(ParseProblem::Unknown));
        }
        Ok(code)
    }
}

display_as_str!(CountryCode);

serde_as_string!(
    CountryCode,
    "an iso 3166-1 alpha-2 country code such as \"DE\""
);

/// A subdivision code within a country (the part after the hyphen of ISO 3166-2), such as
/// `ON` for Ontario. One to three ASCII letters or digits, stored upper-case.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode {
    bytes: [u8; 3],
    len: u8,
}

impl RegionCode {
    /// The code as a `&str`.
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or(&[]);
        core::str::from_utf8(bytes).unwrap_or("?")
    }
}

impl FromStr for RegionCode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let err = |p| Error::parse(ValueKind::Region, s, p);
        if s.is_empty() {
            return Err(err(ParseProblem::Empty));
        }
        if s.len() > 3 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(err(ParseProblem::Malformed(
                "expected one to three letters or digits (the part after the hyphen of iso 3166-2, e.g. \"ON\")",
            )));
        }
        let mut bytes = [0u8; 3];
        for (slot, b) in bytes.iter_mut().zip(s.bytes()) {
            *slot = b.to_ascii_uppercase();
        }
        let len = u8::try_from(s.len()).map_err(|_| err(ParseProblem::Malformed("too long")))?;
        Ok(Self { bytes, len })
    }
}

display_as_str!(RegionCode);

serde_as_string!(RegionCode, "a subdivision code such as \"ON\"");

/// A customs territory: a country with its own tariff (`GB`, `US`) or a customs union (`EU`).
/// Two to four ASCII letters, stored upper-case. Which countries belong to a union is data
/// (`[[territory]]` rows); any other country is its own territory.
///
/// # Example
/// ```
/// use landed::Territory;
/// let eu: Territory = "eu".parse()?;
/// assert_eq!(eu.as_str(), "EU");
/// # Ok::<(), landed::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Territory {
    bytes: [u8; 4],
    len: u8,
}

impl Territory {
    /// The code as a `&str`.
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or(&[]);
        core::str::from_utf8(bytes).unwrap_or("?")
    }

    /// The territory of a country that is its own territory.
    pub fn of_country(country: CountryCode) -> Self {
        let [a, b] = country.0;
        Self {
            bytes: [a, b, 0, 0],
            len: 2,
        }
    }
}

impl FromStr for Territory {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let err = |p| Error::parse(ValueKind::Territory, s, p);
        if s.is_empty() {
            return Err(err(ParseProblem::Empty));
        }
        if !(2..=4).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(err(ParseProblem::Malformed(
                "expected two to four letters, e.g. \"EU\" or \"GB\"",
            )));
        }
        let mut bytes = [0u8; 4];
        for (slot, b) in bytes.iter_mut().zip(s.bytes()) {
            *slot = b.to_ascii_uppercase();
        }
        let len = u8::try_from(s.len()).map_err(|_| err(ParseProblem::Malformed("too long")))?;
        Ok(Self { bytes, len })
    }
}

display_as_str!(Territory);

serde_as_string!(Territory, "a customs territory such as \"EU\" or \"US\"");

/// An ISO 4217 currency.
///
/// Parsing accepts lower-case; `Display` prints the three-letter code (unlike
/// `iso_currency::Currency`, whose `Display` prints the name).
///
/// # Example
/// ```
/// use landed::Currency;
/// let eur: Currency = "eur".parse()?;
/// assert_eq!(eur.to_string(), "EUR");
/// assert_eq!(eur.exponent(), Some(2));
/// # Ok::<(), landed::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Wraps an `iso_currency::Currency`.
    pub const fn from_iso(c: iso_currency::Currency) -> Self {
        Self(c)
    }

    /// The underlying `iso_currency::Currency`.
    pub const fn iso(self) -> iso_currency::Currency {
        self.0
    }

    /// The three-letter code.
    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// The ISO 4217 minor-unit exponent (2 for EUR, 0 for JPY, 3 for KWD); `None` for
    /// currencies without one (XAU, XDR), which cannot be priced.
    pub fn exponent(self) -> Option<u32> {
        self.0.exponent().map(u32::from)
    }

    /// The minor-unit exponent, or [`Error::NotPriceable`].
    ///
    /// # Errors
    /// When the currency has no minor unit.
    pub fn minor_unit_scale(self) -> Result<u32, Error> {
        self.exponent()
            .ok_or(Error::NotPriceable { currency: self })
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let err = |p| Error::parse(ValueKind::Currency, s, p);
        if s.is_empty() {
            return Err(err(ParseProblem::Empty));
        }
        if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(err(ParseProblem::Malformed(
                "expected three letters (iso 4217), e.g. \"EUR\"",
            )));
        }
        let upper = s.to_ascii_uppercase();
        iso_currency::Currency::from_code(&upper)
            .map(Self)
            .ok_or_else(|| err(ParseProblem::Unknown))
    }
}

impl Currency {
    fn as_str(&self) -> &'static str {
        self.code()
    }
}

display_as_str!(Currency);

serde_as_string!(Currency, "an iso 4217 currency code such as \"EUR\"");

/// A Harmonized System code: 2 to 10 digits (chapter, heading, subheading, national lines).
/// Dots and spaces are stripped on parsing (`"6109.10"` → `610910`).
///
/// # Example
/// ```
/// use landed::HsCode;
/// let hs: HsCode = "6109.10 00".parse()?;
/// assert_eq!(hs.as_str(), "61091000");
/// assert_eq!(hs.subheading().map(|s| s.to_string()).as_deref(), Some("610910"));
/// # Ok::<(), landed::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HsCode {
    digits: [u8; 10],
    len: u8,
}

impl HsCode {
    /// The digits as a `&str`.
    pub fn as_str(&self) -> &str {
        let bytes = self.digits.get(..usize::from(self.len)).unwrap_or(&[]);
        core::str::from_utf8(bytes).unwrap_or("")
    }

    /// The digit bytes, zeros past the last digit, read as one big-endian number: it orders
    /// as the digit strings do (a code before its extensions, since a zero byte is below any
    /// digit), and a prefix's digits are its top non-zero bytes (see `data::hs_set`).
    pub(crate) fn order_key(&self) -> u128 {
        let mut bytes = [0u8; 16];
        if let Some(top) = bytes.get_mut(..10) {
            top.copy_from_slice(&self.digits);
        }
        u128::from_be_bytes(bytes)
    }

    /// The digits as ASCII bytes, without `as_str`'s UTF-8 check (they are validated
    /// digits): for tests on a few digits, such as the chapter, on every line of a quote.
    pub(crate) fn digit_bytes(&self) -> &[u8] {
        self.digits.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Number of digits (2 to 10).
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false: an `HsCode` has at least two digits.
    pub const fn is_empty(&self) -> bool {
        false
    }

    /// The first `n` digits as a code, if `2 <= n <= len`.
    pub fn prefix(&self, n: usize) -> Option<Self> {
        if n < 2 || n > self.len() {
            return None;
        }
        let mut digits = [0u8; 10];
        for (slot, d) in digits.iter_mut().zip(self.digits.iter().take(n)) {
            *slot = *d;
        }
        Some(Self {
            digits,
            len: u8::try_from(n).ok()?,
        })
    }

    /// The 6-digit subheading, the most detailed internationally harmonised level.
    pub fn subheading(&self) -> Option<Self> {
        self.prefix(6)
    }
}

impl FromStr for HsCode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let err = |p| Error::parse(ValueKind::HsCode, s, p);
        let mut digits = [0u8; 10];
        let mut len = 0usize;
        for b in s.bytes() {
            match b {
                b'.' | b' ' => {}
                b'0'..=b'9' => {
                    let slot = digits.get_mut(len).ok_or_else(|| {
                        err(ParseProblem::Malformed("expected at most 10 digits"))
                    })?;
                    *slot = b;
                    len = len.saturating_add(1);
                }
                _ => {
                    return Err(err(ParseProblem::Malformed(
                        "expected digits (dots and spaces are ignored)",
                    )));
                }
            }
        }
        match len {
            0 => Err(err(ParseProblem::Empty)),
            1 => Err(err(ParseProblem::Malformed(
                "expected at least 2 digits (a chapter)",
            ))),
            _ => Ok(Self {
                digits,
                len: u8::try_from(len).map_err(|_| err(ParseProblem::Malformed("too long")))?,
            }),
        }
    }
}

display_as_str!(HsCode);

serde_as_string!(HsCode, "an hs code of 2 to 10 digits such as \"6109.10\"");

/// A product tax category such as `standard`, `reduced` or `super_reduced`: a lower-case
/// identifier (letters, digits, underscores), kept as data rather than a closed enum because
/// countries add categories.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaxCategory(Arc<str>);

impl TaxCategory {
    /// The standard rate category.
    pub fn standard() -> Self {
        Self(Arc::from("standard"))
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TaxCategory {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let err = |p| Error::parse(ValueKind::TaxCategory, s, p);
        if s.is_empty() {
            return Err(err(ParseProblem::Empty));
        }
        let ok = s.len() <= 40
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !ok {
            return Err(err(ParseProblem::Malformed(
                "expected a snake_case identifier such as \"standard\" or \"reduced\"",
            )));
        }
        Ok(Self(Arc::from(s.to_ascii_lowercase())))
    }
}

display_as_str!(TaxCategory);

serde_as_string!(TaxCategory, "a tax category such as \"standard\"");

/// Parses a decimal string strictly: digits with an optional sign and decimal point; no
/// exponent, no thousands separators, no surrounding spaces.
pub(crate) fn parse_decimal(kind: ValueKind, s: &str) -> Result<Decimal, Error> {
    let err = |p| Error::parse(kind, s, p);
    if s.is_empty() {
        return Err(err(ParseProblem::Empty));
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut dots = 0u32;
    let well_formed = !body.is_empty()
        && body.bytes().all(|b| {
            if b == b'.' {
                dots = dots.saturating_add(1);
                true
            } else {
                b.is_ascii_digit()
            }
        })
        && dots <= 1
        && body != ".";
    if !well_formed {
        return Err(err(ParseProblem::Malformed(
            "expected a plain decimal string such as \"12.34\" (no exponent, spaces or separators)",
        )));
    }
    Decimal::from_str_exact(s).map_err(|_| {
        err(ParseProblem::OutOfRange(
            "too many digits: at most 28 significant digits fit",
        ))
    })
}

/// A percentage such as `20` (meaning 20 %). Any sign is representable; tables reject negative
/// rates at load time.
///
/// # Example
/// ```
/// use landed::Percent;
/// let p: Percent = "25.5".parse()?;
/// assert_eq!(p.as_fraction()?.to_string(), "0.255");
/// # Ok::<(), landed::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Percent(Decimal);

impl Percent {
    /// Wraps a number of percent.
    pub const fn new(value: Decimal) -> Self {
        Self(value)
    }

    /// The number of percent (`20` for 20 %).
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// The fraction (`0.2` for 20 %).
    ///
    /// # Errors
    /// Never in practice; the division is checked.
    pub fn as_fraction(self) -> Result<Decimal, Error> {
        self.0
            .checked_div(Decimal::ONE_HUNDRED)
            .ok_or(Error::overflow("percent to fraction"))
    }

    /// True when negative.
    pub const fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }
}

impl FromStr for Percent {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        parse_decimal(ValueKind::Percent, s).map(Self)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}

impl fmt::Debug for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Percent({})", self.0)
    }
}

serde_as_string!(Percent, "a percentage as a decimal string such as \"20\"");

/// Basis points: 1 bps = 0.01 %, so 150 bps = 1.5 %.
///
/// Serializes as a string; deserializes from a string or a JSON integer (an integer loses no
/// digits).
///
/// # Example
/// ```
/// use landed::Bps;
/// let b: Bps = "150".parse()?;
/// assert_eq!(b.as_fraction()?.to_string(), "0.015");
/// assert_eq!(b.as_percent()?.value().to_string(), "1.5");
/// # Ok::<(), landed::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Bps(Decimal);

impl Bps {
    /// Wraps a number of basis points.
    pub const fn new(value: Decimal) -> Self {
        Self(value)
    }

    /// The number of basis points.
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// The fraction (`0.015` for 150 bps).
    ///
    /// # Errors
    /// Never in practice; the division is checked.
    pub fn as_fraction(self) -> Result<Decimal, Error> {
        self.0
            .checked_div(Decimal::from(10_000u32))
            .ok_or(Error::overflow("bps to fraction"))
    }

    /// The same quantity as a [`Percent`].
    ///
    /// # Errors
    /// Never in practice; the division is checked.
    pub fn as_percent(self) -> Result<Percent, Error> {
        self.0
            .checked_div(Decimal::ONE_HUNDRED)
            .map(|p| Percent(p.normalize()))
            .ok_or(Error::overflow("bps to percent"))
    }
}

impl FromStr for Bps {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        parse_decimal(ValueKind::Bps, s).map(Self)
    }
}

impl fmt::Display for Bps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}

impl fmt::Debug for Bps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bps({})", self.0)
    }
}

impl serde::Serialize for Bps {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Bps {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Bps;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("basis points as a decimal string or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Bps, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Bps, E> {
                Ok(Bps(Decimal::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Bps, E> {
                Ok(Bps(Decimal::from(v)))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes() {
        assert_eq!("de".parse::<CountryCode>().unwrap().as_str(), "DE");
        for (input, hint) in [("EL", "GR"), ("uk", "GB")] {
            let e = input.parse::<CountryCode>().unwrap_err();
            assert!(
                matches!(e, Error::Parse { problem: ParseProblem::UseInstead(h), .. } if h == hint)
            );
            assert!(e.to_string().contains(hint));
        }
        assert!(matches!(
            "".parse::<CountryCode>().unwrap_err(),
            Error::Parse {
                problem: ParseProblem::Empty,
                ..
            }
        ));
        assert!(matches!(
            "QQ".parse::<CountryCode>().unwrap_err(),
            Error::Parse {
                problem: ParseProblem::Unknown,
                ..
            }
        ));
        assert!("DEU".parse::<CountryCode>().is_err());
        assert!("D1".parse::<CountryCode>().is_err());
    }

    #[test]
    fn currency_prints_code_not_name() {
        let c: Currency = "jpy".parse().unwrap();
        assert_eq!(c.to_string(), "JPY");
        assert_eq!(c.exponent(), Some(0));
        assert!("EURO".parse::<Currency>().is_err());
        assert!("ZZZ".parse::<Currency>().is_err());
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"JPY\"");
        let back: Currency = serde_json::from_str("\"kwd\"").unwrap();
        assert_eq!(back.exponent(), Some(3));
    }

    #[test]
    fn hs_codes() {
        let hs: HsCode = "6109.10".parse().unwrap();
        assert_eq!(hs.as_str(), "610910");
        assert_eq!(hs.prefix(4).unwrap().as_str(), "6109");
        assert!(hs.prefix(7).is_none());
        assert!("6".parse::<HsCode>().is_err());
        assert!("12345678901".parse::<HsCode>().is_err());
        assert!("61a9".parse::<HsCode>().is_err());
        assert!("".parse::<HsCode>().is_err());
        assert_eq!("61 09 10 00 10".parse::<HsCode>().unwrap().len(), 10);
    }

    #[test]
    fn decimals_are_strict() {
        for bad in ["", "1e5", "1,000", " 1", "1.2.3", ".", "-", "abc"] {
            assert!(parse_decimal(ValueKind::Decimal, bad).is_err(), "{bad}");
        }
        for good in ["1", "-1.50", "0.000001", ".5", "+3"] {
            assert!(parse_decimal(ValueKind::Decimal, good).is_ok(), "{good}");
        }
    }

    #[test]
    fn bps_and_percent() {
        let b: Bps = serde_json::from_str("150").unwrap();
        assert_eq!(b.as_percent().unwrap().to_string(), "1.5");
        let b: Bps = serde_json::from_str("\"12.5\"").unwrap();
        assert_eq!(b.as_fraction().unwrap(), Decimal::new(125, 5));
        assert!(serde_json::from_str::<Bps>("1.5").is_err());
        let p: Percent = "20".parse().unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"20\"");
        assert!(serde_json::from_str::<Percent>("20").is_err());
    }

    #[test]
    fn tax_category() {
        assert_eq!(
            "Reduced".parse::<TaxCategory>().unwrap().as_str(),
            "reduced"
        );
        assert!("super reduced".parse::<TaxCategory>().is_err());
        assert!("_x".parse::<TaxCategory>().is_err());
    }
}
