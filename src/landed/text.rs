//! The texts of a quote's charges (rate and rule), written when read.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::codes::{CountryCode, Currency, HsCode, RegionCode, TaxCategory, Territory};
use crate::serde_util::{write_date, write_decimal};
use crate::text::Note;

/// A charge's rule text, written when read (see [`crate::text::Note`]); on the wire a string
/// such as `tariff EU 640411@2026-01-01`.
pub type ChargeText = Note<ChargeArg, 4>;

/// A charge's rate text, written when read (see [`crate::text::Note`]); on the wire a string
/// such as `12%` or `60% minus 20 USD`. It holds one value fewer than a [`ChargeText`]: a rate
/// needs at most three, and the smaller charge keeps a quote's charge list in the
/// allocator's fast bins (see `Charge`).
pub type RateText = Note<ChargeArg, 3>;

/// A value in a [`ChargeText`] (a rate, a code, a data row's name or date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeArg(Arg);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arg {
    /// Nothing (an unused place): `none`.
    None,
    /// An amount as given.
    Amount(Decimal),
    /// A percentage, normalised: `12` for 12.00.
    Percent(Decimal),
    /// A count.
    Count(usize),
    /// A shared text (a data row's name).
    Shared(Arc<str>),
    /// A currency code.
    Currency(Currency),
    /// A customs territory.
    Territory(Territory),
    /// An HS code.
    Hs(HsCode),
    /// A country, with its subdivision when there is one: `CA-ON`.
    Place(CountryCode, Option<RegionCode>),
    /// A tax category.
    Category(TaxCategory),
    /// A date.
    Date(NaiveDate),
}

impl fmt::Display for ChargeArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Arg::None => f.write_str("none"),
            // Amounts, rates and dates by the serializers' writers: the same text as
            // `Display`, without its `core::fmt` work (a quote writes these texts every time).
            Arg::Amount(v) => write_decimal(f, v),
            Arg::Percent(v) => write_decimal(f, &v.normalize()),
            Arg::Count(n) => write!(f, "{n}"),
            Arg::Shared(t) => f.write_str(t),
            Arg::Currency(c) => write!(f, "{c}"),
            Arg::Territory(t) => write!(f, "{t}"),
            Arg::Hs(h) => write!(f, "{h}"),
            Arg::Place(c, None) => write!(f, "{c}"),
            Arg::Place(c, Some(r)) => write!(f, "{c}-{r}"),
            Arg::Category(c) => write!(f, "{c}"),
            Arg::Date(d) => write_date(f, d),
        }
    }
}

impl Note<ChargeArg, 4> {
    /// A fixed text.
    pub(crate) const fn text(text: &'static str) -> Self {
        Self::four(text, Arg::None, Arg::None, Arg::None, Arg::None)
    }

    /// A template with one value.
    pub(crate) const fn one(text: &'static str, a: Arg) -> Self {
        Self::four(text, a, Arg::None, Arg::None, Arg::None)
    }

    /// A template with two values.
    pub(crate) const fn two(text: &'static str, a: Arg, b: Arg) -> Self {
        Self::four(text, a, b, Arg::None, Arg::None)
    }

    /// A template with three values.
    pub(crate) const fn three(text: &'static str, a: Arg, b: Arg, c: Arg) -> Self {
        Self::four(text, a, b, c, Arg::None)
    }

    /// A template with four values.
    pub(crate) const fn four(text: &'static str, a: Arg, b: Arg, c: Arg, d: Arg) -> Self {
        Self {
            text,
            args: [ChargeArg(a), ChargeArg(b), ChargeArg(c), ChargeArg(d)],
        }
    }
}

impl Note<ChargeArg, 3> {
    /// A rate with one value.
    pub(crate) const fn one(text: &'static str, a: Arg) -> Self {
        Self::three(text, a, Arg::None, Arg::None)
    }

    /// A rate with two values.
    pub(crate) const fn two(text: &'static str, a: Arg, b: Arg) -> Self {
        Self::three(text, a, b, Arg::None)
    }

    /// A rate with three values.
    pub(crate) const fn three(text: &'static str, a: Arg, b: Arg, c: Arg) -> Self {
        Self {
            text,
            args: [ChargeArg(a), ChargeArg(b), ChargeArg(c)],
        }
    }

    /// A rate text computed now (a tariff's specific and compound forms).
    pub(crate) fn owned(text: String) -> Self {
        Self::one("{}", Arg::Shared(Arc::from(text)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Three charges (a JP quote) fit glibc's per-thread cache of chunks up to 1,032 bytes;
    /// a fourth value in the rate text would push them past it.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_three_charge_list_fits_the_allocators_per_thread_cache() {
        assert!(3 * size_of::<super::super::wire::Charge>() <= 1032);
    }

    #[test]
    fn charge_texts_read_as_written() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let vat = ChargeText::four(
            "vat {} {}@{} ({}%)",
            Arg::Place("CA".parse().unwrap(), Some("ON".parse().unwrap())),
            Arg::Category(TaxCategory::standard()),
            Arg::Date(NaiveDate::from_ymd_opt(2016, 7, 1).unwrap()),
            Arg::Percent(d("13.00")),
        );
        assert_eq!(vat, "vat CA-ON standard@2016-07-01 (13%)");
        assert_eq!(ChargeText::text("request duty_rate"), "request duty_rate");
        assert_eq!(
            ChargeText::one("extra_fees[{}]", Arg::Count(2)),
            "extra_fees[2]"
        );
    }
}
