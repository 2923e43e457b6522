//! Serde helpers shared by the data files and the JSON wire formats: decimals and dates as
//! strings only. A bare TOML float or JSON number is refused with a message saying to quote it,
//! because a binary float may already have lost digits (`0.123456789012345678901` reads back as
//! `0.12345678901234568`).

use core::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::codes::parse_decimal;
use crate::error::ValueKind;

/// Serializes a `Decimal` as its plain string.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecimalStr(pub Decimal);

impl serde::Serialize for DecimalStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_decimal(&self.0, s)
    }
}

/// A `Decimal`'s `Display` text (`-12.50`, `0.005`, `7`) written digit by digit: results
/// serialize every amount, and `Display` (96-bit division per digit, then `core::fmt`) was
/// most of the cost of writing them. Equal to `Display` for every decimal (tested).
#[derive(Debug, Clone, Copy)]
struct PlainText {
    /// Right-aligned: up to 29 digits, a point, a leading `0` and a sign.
    buf: [u8; 40],
    start: usize,
}

impl PlainText {
    /// `None` when the mantissa is beyond 64 bits (written by `Display` instead).
    fn of(v: &Decimal) -> Option<Self> {
        let mut m = u64::try_from(v.mantissa().unsigned_abs()).ok()?;
        let scale = usize::try_from(v.scale()).ok()?;
        let mut buf = [0u8; 40];
        let mut pos = buf.len();
        let mut put = |pos: &mut usize, b: u8| -> Option<()> {
            *pos = pos.checked_sub(1)?;
            *buf.get_mut(*pos)? = b;
            Some(())
        };
        // Digits from the last, the point after `scale` of them, at least one before it.
        let mut written = 0usize;
        loop {
            if written == scale && scale > 0 {
                put(&mut pos, b'.')?;
            }
            let digit = u8::try_from(m % 10).ok()?;
            m /= 10;
            put(&mut pos, b'0'.checked_add(digit)?)?;
            written = written.checked_add(1)?;
            if m == 0 && written > scale {
                break;
            }
        }
        if v.is_sign_negative() {
            put(&mut pos, b'-')?;
        }
        Some(Self { buf, start: pos })
    }

    fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.buf.get(self.start..)?).ok()
    }
}

/// A `Decimal` as its plain string (as `collect_str` would write it).
fn serialize_decimal<S: serde::Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let text = PlainText::of(v);
    match text.as_ref().and_then(PlainText::as_str) {
        Some(t) => s.serialize_str(t),
        None => s.collect_str(v),
    }
}

/// A `Decimal`'s `Display` text written through [`PlainText`] (the texts written when read,
/// [`crate::text::Note`], hold amounts and rates): the same text without `Display`'s 96-bit
/// division per digit and `core::fmt` padding.
pub(crate) fn write_decimal(f: &mut fmt::Formatter<'_>, v: &Decimal) -> fmt::Result {
    match PlainText::of(v).as_ref().and_then(PlainText::as_str) {
        Some(t) => f.write_str(t),
        None => write!(f, "{v}"),
    }
}

/// A date's `Display` text (`yyyy-mm-dd` for years 0 to 9999) written without `core::fmt`.
pub(crate) fn write_date(f: &mut fmt::Formatter<'_>, v: &NaiveDate) -> fmt::Result {
    match ymd_text(v).as_ref().map(|t| std::str::from_utf8(t)) {
        Some(Ok(t)) => f.write_str(t),
        _ => write!(f, "{v}"),
    }
}

/// A date as `yyyy-mm-dd` (as `format("%Y-%m-%d")` and `Display` write it), without
/// `core::fmt` for years 0 to 9999.
fn serialize_date<S: serde::Serializer>(v: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    match ymd_text(v).as_ref().map(|t| std::str::from_utf8(t)) {
        Some(Ok(t)) => s.serialize_str(t),
        _ => s.collect_str(&v.format("%Y-%m-%d")),
    }
}

/// The ten bytes of `yyyy-mm-dd` for years 0 to 9999; `None` for other years.
fn ymd_text(v: &NaiveDate) -> Option<[u8; 10]> {
    use chrono::Datelike as _;
    let (y, m, d) = u32::try_from(v.year())
        .ok()
        .filter(|y| *y <= 9999)
        .map(|y| (y, v.month(), v.day()))?;
    let digit = |n: u32, p: u32| {
        u8::try_from(n.checked_div(p).unwrap_or(0) % 10)
            .ok()
            .and_then(|d| b'0'.checked_add(d))
            .unwrap_or(b'0')
    };
    Some([
        digit(y, 1000),
        digit(y, 100),
        digit(y, 10),
        digit(y, 1),
        b'-',
        digit(m, 10),
        digit(m, 1),
        b'-',
        digit(d, 10),
        digit(d, 1),
    ])
}

impl<'de> serde::Deserialize<'de> for DecimalStr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecimalVisitor).map(Self)
    }
}

struct DecimalVisitor;

impl serde::de::Visitor<'_> for DecimalVisitor {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal as a quoted string, e.g. \"12.34\"")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal(ValueKind::Decimal, v).map_err(E::custom)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Decimal, E> {
        Err(E::custom(format_args!(
            "bare float {v} is not accepted: floats lose digits; quote the decimal as a string, e.g. \"{v}\""
        )))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
        Err(E::custom(format_args!(
            "bare number {v} is not accepted for a decimal; quote it as a string, e.g. \"{v}\""
        )))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
        Err(E::custom(format_args!(
            "bare number {v} is not accepted for a decimal; quote it as a string, e.g. \"{v}\""
        )))
    }
}

/// `#[serde(with = "decimal_str")]`: a `Decimal` as a string, strictly.
pub(crate) mod decimal_str {
    use super::*;

    #[allow(
        dead_code,
        reason = "kept beside its deserializer for the capabilities' wire types"
    )]
    pub(crate) fn serialize<S: serde::Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        serialize_decimal(v, s)
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
}

/// `#[serde(with = "opt_decimal_str", default)]`: an optional `Decimal` as a string.
pub(crate) mod opt_decimal_str {
    use super::*;

    #[allow(
        dead_code,
        reason = "kept beside its deserializer for the capabilities' wire types"
    )]
    pub(crate) fn serialize<S: serde::Serializer>(
        v: &Option<Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => serialize_decimal(v, s),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_option(OptionOf(DecimalVisitor))
    }
}

/// Wraps a strict visitor so that `null` or an absent value gives `None`.
struct OptionOf<V>(V);

impl<'de, V: serde::de::Visitor<'de>> serde::de::Visitor<'de> for OptionOf<V> {
    type Value = Option<V::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)?;
        f.write_str(", or null")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self.0).map(Some)
    }
}

/// `yyyy-mm-dd` with four, two and two digits, when it is a calendar date.
fn plain_ymd(v: &str) -> Option<NaiveDate> {
    let b = v.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let num = |r: core::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| {
                n.checked_mul(10)?
                    .checked_add(u32::from(c.checked_sub(b'0')?))
            })?
        })
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)
}

/// A date as the data files write it: the usual `yyyy-mm-dd` directly (a schedule has a date
/// or two per row); any other text through chrono's parser, which decides what is accepted.
pub(crate) fn parse_date(v: &str) -> Option<NaiveDate> {
    plain_ymd(v).or_else(|| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
}

struct DateVisitor;

impl<'de> serde::de::Visitor<'de> for DateVisitor {
    type Value = NaiveDate;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an iso date as a quoted string, e.g. \"2026-07-01\"")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NaiveDate, E> {
        parse_date(v).ok_or_else(|| {
            E::custom(format_args!(
                "invalid date {v:?}: expected an iso date yyyy-mm-dd that exists in the calendar"
            ))
        })
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, _map: A) -> Result<NaiveDate, A::Error> {
        Err(serde::de::Error::custom(
            "bare toml date is not accepted; quote the date as a string, e.g. \"2026-07-01\"",
        ))
    }
}

/// `#[serde(with = "date_str")]`: an ISO date as a string only.
pub(crate) mod date_str {
    use super::*;

    #[allow(
        dead_code,
        reason = "kept beside its deserializer for the capabilities' wire types"
    )]
    pub(crate) fn serialize<S: serde::Serializer>(v: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        serialize_date(v, s)
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<NaiveDate, D::Error> {
        d.deserialize_any(DateVisitor)
    }
}

/// `#[serde(with = "opt_date_str", default)]`: an optional ISO date as a string.
pub(crate) mod opt_date_str {
    use super::*;

    #[allow(
        dead_code,
        reason = "kept beside its deserializer for the capabilities' wire types"
    )]
    pub(crate) fn serialize<S: serde::Serializer>(
        v: &Option<NaiveDate>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => serialize_date(v, s),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        d.deserialize_option(OptionOf(DateVisitor))
    }
}

/// `#[serde(with = "decimal_vec")]`: a list of decimals as strings, strictly.
pub(crate) mod decimal_vec {
    use super::*;

    pub(crate) fn serialize<S: serde::Serializer>(v: &[Decimal], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|d| DecimalStr(*d)))
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<Decimal>, D::Error> {
        let v: Vec<DecimalStr> = serde::Deserialize::deserialize(d)?;
        Ok(v.into_iter().map(|d| d.0).collect())
    }
}

/// `#[serde(with = "decimal_map")]`: a map of names to decimals as strings, strictly.
pub(crate) mod decimal_map {
    use std::collections::BTreeMap;

    use super::*;

    pub(crate) fn serialize<S: serde::Serializer>(
        v: &BTreeMap<String, Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(v.iter().map(|(k, d)| (k, DecimalStr(*d))))
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, Decimal>, D::Error> {
        let v: BTreeMap<String, DecimalStr> = serde::Deserialize::deserialize(d)?;
        Ok(v.into_iter().map(|(k, d)| (k, d.0)).collect())
    }
}

/// Parses a JSON request, naming the path of any bad field (`lines[0].unit_price: …`); the
/// whole request is named `request`. One place for every capability's wire format.
///
/// A leading UTF-8 byte-order mark (U+FEFF, as some editors and Windows tools write) is
/// skipped. Exactly one JSON value is read: anything after it other than whitespace (a second
/// request, stray text) is refused rather than ignored, so that a caller who concatenated two
/// requests does not silently get the answer to the first only.
pub(crate) fn from_json_named<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, crate::error::Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| named_error(e, ""))?;
    de.end().map_err(|e| trailing_content(&e))?;
    Ok(value)
}

/// [`from_json_named`] of a JSON value already read (a wire format that takes fields out
/// before the rest is parsed); `prefix` goes in front of the paths of its errors (`lines[0]`
/// for a value that is one line of the request, `""` for the whole request).
pub(crate) fn from_value_named<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    prefix: &str,
) -> Result<T, crate::error::Error> {
    serde_path_to_error::deserialize(value).map_err(|e| named_error(e, prefix))
}

/// The error of a bad field: its path (after `prefix`) and what is wrong.
fn named_error(
    e: serde_path_to_error::Error<serde_json::Error>,
    prefix: &str,
) -> crate::error::Error {
    let path = e.path().to_string();
    let field = match (prefix, path.as_str()) {
        ("", "." | "") => "request".to_owned(),
        (p, "." | "") => p.to_owned(),
        ("", _) => path,
        (p, _) => format!("{p}.{path}"),
    };
    // serde_json appends " at line L column C"; kept, it helps find the spot.
    let mut reason = without_field_prefix(&field, e.into_inner().to_string());
    if reason.is_empty() {
        reason = "malformed".to_owned();
    }
    crate::error::Error::input(field, reason)
}

/// The error for content after the request: where it starts and that one request is read.
fn trailing_content(e: &serde_json::Error) -> crate::error::Error {
    crate::error::Error::input(
        "request",
        format!(
            "there is content after the request at line {} column {}; one request per call is read: send each request on its own, or remove what follows it",
            e.line(),
            e.column()
        ),
    )
}

/// A value's own parser may already name its field (`Incoterm`'s `FromStr` says
/// `incoterm: "CIF" is not supported …`); the path in front names it again. Drops the inner
/// `name: ` when `name` is the whole path or its last segment, so that each field is printed
/// once.
fn without_field_prefix(path: &str, reason: String) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    for name in [path, last] {
        if let Some(rest) = reason.strip_prefix(name).and_then(|r| r.strip_prefix(": ")) {
            return rest.to_owned();
        }
    }
    reason
}

/// A response as pretty JSON. Serialization of the crate's result types cannot fail, but an
/// error is passed on rather than hidden.
pub(crate) fn to_json_pretty<T: serde::Serialize>(v: &T) -> Result<String, crate::error::Error> {
    serde_json::to_string_pretty(v)
        .map_err(|e| crate::error::Error::input("response", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: serde::Serialize>(v: T) -> String {
        serde_json::to_string(&v).unwrap()
    }

    /// What a writer function writes, as a `Display`.
    struct Written<'a>(&'a dyn Fn(&mut fmt::Formatter<'_>) -> fmt::Result);

    impl fmt::Display for Written<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            (self.0)(f)
        }
    }

    #[test]
    fn decimals_are_written_as_display_writes_them() {
        for t in [
            "0",
            "0.00",
            "-0.00",
            "7",
            "-7",
            "80.00",
            "0.005",
            "-0.005",
            "1513.20",
            "255.7308",
            "0.0000000000000000000000000001",
            "18446744073709551615",
            "18446744073709551616",
            "-79228162514264337593543950335",
            "7.9228162514264337593543950335",
            "1000000",
        ] {
            let d: Decimal = t.parse().unwrap();
            assert_eq!(json(DecimalStr(d)), format!("\"{d}\""), "{t}");
        }
        let neg_zero = Decimal::new(0, 2) * Decimal::NEGATIVE_ONE;
        assert_eq!(json(DecimalStr(neg_zero)), format!("\"{neg_zero}\""));
    }

    proptest::proptest! {
        #[test]
        fn any_decimal_is_written_as_display_writes_it(
            m in proptest::num::i128::ANY,
            scale in 0u32..=28,
        ) {
            let m = m % 79_228_162_514_264_337_593_543_950_335i128;
            let d = Decimal::from_i128_with_scale(m, scale);
            proptest::prop_assert_eq!(json(DecimalStr(d)), format!("\"{d}\""));
        }

        #[test]
        fn a_texts_decimals_and_dates_are_written_as_display_writes_them(
            m in proptest::num::i128::ANY,
            scale in 0u32..=28,
            days in -1_000_000i32..4_000_000,
        ) {
            let m = m % 79_228_162_514_264_337_593_543_950_335i128;
            let d = Decimal::from_i128_with_scale(m, scale);
            let written = Written(&|f| write_decimal(f, &d)).to_string();
            proptest::prop_assert_eq!(written, d.to_string());
            let day = NaiveDate::from_num_days_from_ce_opt(days).unwrap();
            let written = Written(&|f| write_date(f, &day)).to_string();
            proptest::prop_assert_eq!(written, day.to_string());
        }

        #[test]
        fn any_date_is_written_as_chrono_writes_it(days in -1_000_000i32..4_000_000) {
            let d = NaiveDate::from_num_days_from_ce_opt(days).unwrap();
            let mut out = Vec::new();
            date_str::serialize(&d, &mut serde_json::Serializer::new(&mut out)).unwrap();
            let expected = format!("\"{}\"", d.format("%Y-%m-%d"));
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }

    #[test]
    fn a_field_named_by_its_own_parser_is_printed_once() {
        let r = without_field_prefix("incoterm", "incoterm: \"CIF\" is not supported".to_owned());
        assert_eq!(r, "\"CIF\" is not supported");
        let r = without_field_prefix("lines[0].buyer", "buyer: no".to_owned());
        assert_eq!(r, "no");
        // Only a prefix that is the field itself is dropped.
        let r = without_field_prefix("buyer", "unknown variant `x`".to_owned());
        assert_eq!(r, "unknown variant `x`");
        let r = without_field_prefix("region", "regional: x".to_owned());
        assert_eq!(r, "regional: x");
    }

    #[test]
    fn one_value_is_read_and_a_byte_order_mark_is_skipped() {
        let v: serde_json::Value = from_json_named("\u{feff}{\"a\": 1}\n").unwrap();
        assert_eq!(v["a"], 1);
        let e = from_json_named::<serde_json::Value>("{\"a\": 1}\n {\"a\": 2}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "request: there is content after the request at line 2 column 2; one request per call is read: send each request on its own, or remove what follows it"
        );
    }
}
