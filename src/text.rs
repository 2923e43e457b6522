//! Texts written only when read: a fixed template whose `{}` places hold values (amounts,
//! codes, dates, names). Results that explain themselves (a band's trace, a quote's charges)
//! keep their texts as [`Note`]s, so computing a result costs no allocation and no decimal
//! formatting for an explanation nobody reads; [`fmt::Display`] and serialization write it.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::bands::Offer;
use crate::codes::{CountryCode, Currency, HsCode, RegionCode, TaxCategory, Territory};
use crate::ending::PriceEnding;

/// A value in a [`Note`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arg<'a> {
    /// Nothing (an unused place): `none`.
    None,
    /// An amount as given.
    Amount(Decimal),
    /// A percentage, normalised: `12` for 12.00.
    Percent(Decimal),
    /// An optional amount: `none` when absent.
    Maybe(Option<Decimal>),
    /// A count.
    Count(usize),
    /// A text borrowed for the note's life.
    Text(&'a str),
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
    /// A competitor's offer as given: seller, price, shipping and currency.
    Offer(&'a Offer),
    /// A price-ending rule.
    Ending(&'a PriceEnding),
    /// A time, `none` when absent.
    Time(Option<DateTime<Utc>>),
    /// A date.
    Date(NaiveDate),
}

impl fmt::Display for Arg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None | Self::Maybe(None) | Self::Time(None) => f.write_str("none"),
            Self::Amount(v) | Self::Maybe(Some(v)) => write!(f, "{v}"),
            Self::Percent(v) => write!(f, "{}", v.normalize()),
            Self::Count(n) => write!(f, "{n}"),
            Self::Text(t) => f.write_str(t),
            Self::Shared(t) => f.write_str(t),
            Self::Currency(c) => write!(f, "{c}"),
            Self::Territory(t) => write!(f, "{t}"),
            Self::Hs(h) => write!(f, "{h}"),
            Self::Place(c, None) => write!(f, "{c}"),
            Self::Place(c, Some(r)) => write!(f, "{c}-{r}"),
            Self::Category(c) => write!(f, "{c}"),
            Self::Offer(o) => write!(
                f,
                "{}: {} {} + {} {} shipping",
                o.seller_id, o.price, o.currency, o.shipping, o.currency
            ),
            Self::Ending(e) => write!(f, "{e}"),
            Self::Time(Some(t)) => write!(f, "{}", t.to_rfc3339()),
            Self::Date(d) => write!(f, "{d}"),
        }
    }
}

/// A text written when read: a fixed template whose `{}` places are filled, in order, with up
/// to `N` values. Displays (and serializes) as the text, e.g. `tariff EU 640411@2026-01-01`;
/// compare texts with `to_string()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note<'a, const N: usize = 3> {
    text: &'static str,
    args: [Arg<'a>; N],
}

impl<'a, const N: usize> Note<'a, N> {
    /// A template with its values; places without a value read `none`.
    pub(crate) fn new<const K: usize>(text: &'static str, values: [Arg<'a>; K]) -> Self {
        let mut values = values.into_iter();
        Self {
            text,
            args: std::array::from_fn(|_| values.next().unwrap_or(Arg::None)),
        }
    }

    /// A fixed text.
    pub(crate) fn text(text: &'static str) -> Self {
        Self::new(text, [])
    }

    /// A template with one value.
    pub(crate) fn one(text: &'static str, a: Arg<'a>) -> Self {
        Self::new(text, [a])
    }

    /// A template with two values.
    pub(crate) fn two(text: &'static str, a: Arg<'a>, b: Arg<'a>) -> Self {
        Self::new(text, [a, b])
    }

    /// A template with three values.
    pub(crate) fn three(text: &'static str, a: Arg<'a>, b: Arg<'a>, c: Arg<'a>) -> Self {
        Self::new(text, [a, b, c])
    }

    /// An amount alone.
    pub(crate) fn amount(v: Decimal) -> Self {
        Self::one("{}", Arg::Amount(v))
    }

    /// A text computed now (rare paths: texts with a variable shape).
    pub(crate) fn owned(text: String) -> Self {
        Self::one("{}", Arg::Shared(Arc::from(text)))
    }
}

impl<const N: usize> fmt::Display for Note<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut args = self.args.iter();
        let mut parts = self.text.split("{}");
        if let Some(first) = parts.next() {
            f.write_str(first)?;
        }
        for part in parts {
            match args.next() {
                Some(a) => write!(f, "{a}")?,
                None => f.write_str("{}")?,
            }
            f.write_str(part)?;
        }
        Ok(())
    }
}

impl<const N: usize> serde::Serialize for Note<'_, N> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Compares a text with a string as it is written, without building the text.
struct Matches<'s>(&'s str);

impl fmt::Write for Matches<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.strip_prefix(s).ok_or(fmt::Error)?;
        Ok(())
    }
}

impl<const N: usize> PartialEq<str> for Note<'_, N> {
    fn eq(&self, other: &str) -> bool {
        let mut m = Matches(other);
        fmt::write(&mut m, format_args!("{self}")).is_ok() && m.0.is_empty()
    }
}

impl<const N: usize> PartialEq<&str> for Note<'_, N> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_note_fills_its_places_in_order_when_read() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let n: Note<'_> = Note::three(
            "costs {}, min_price {}, map {}",
            Arg::Amount(d("9.22")),
            Arg::Maybe(None),
            Arg::Maybe(Some(d("12.50"))),
        );
        assert_eq!(n.to_string(), "costs 9.22, min_price none, map 12.50");
        assert_eq!(
            serde_json::to_string(&n).unwrap(),
            "\"costs 9.22, min_price none, map 12.50\""
        );
        assert_eq!(Note::<'_, 3>::text("no offers").to_string(), "no offers");
        assert_eq!(Note::<'_, 3>::amount(d("0.10")).to_string(), "0.10");
        // A place without a value reads `none`.
        assert_eq!(
            Note::<'_, 3>::one("{} and {}", Arg::Count(2)).to_string(),
            "2 and none"
        );
        let place: Note<'_, 4> = Note::new(
            "vat {} {}@{} ({}%)",
            [
                Arg::Place("CA".parse().unwrap(), Some("ON".parse().unwrap())),
                Arg::Category(TaxCategory::standard()),
                Arg::Date(NaiveDate::from_ymd_opt(2016, 7, 1).unwrap()),
                Arg::Percent(d("13.00")),
            ],
        );
        assert_eq!(place, "vat CA-ON standard@2016-07-01 (13%)");
        assert_ne!(place, "vat CA-ON standard@2016-07-01 (13%) and more");
        assert_ne!(place, "vat CA-ON");
    }
}
