//! The band's explanation: steps whose texts are written only when read.
//!
//! A repricer sets many prices and reads few explanations, so a step keeps its values
//! (amounts, the offer it is about, the ending rule) and a fixed template; the text is
//! formatted by [`fmt::Display`] or when the result is serialized. The trace costs no
//! allocation per step and no decimal formatting on the hot path.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::engine::Offer;
use crate::codes::Currency;
use crate::ending::PriceEnding;

/// A value in a [`Note`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arg<'r> {
    /// Nothing (an unused place).
    None,
    /// An amount as given.
    Amount(Decimal),
    /// An optional amount: `none` when absent.
    Maybe(Option<Decimal>),
    /// A count.
    Count(usize),
    /// A text borrowed from the request.
    Text(&'r str),
    /// A currency code.
    Currency(Currency),
    /// A competitor's offer as given: seller, price, shipping and currency.
    Offer(&'r Offer),
    /// The ending rule.
    Ending(&'r PriceEnding),
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
            Self::Count(n) => write!(f, "{n}"),
            Self::Text(t) => f.write_str(t),
            Self::Currency(c) => write!(f, "{c}"),
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

/// A trace text: a fixed template whose `{}` places are filled with values when it is read.
/// Displays (and serializes) as the text, e.g. `12.00 USD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Note<'r> {
    text: &'static str,
    args: [Arg<'r>; 3],
}

impl<'r> Note<'r> {
    /// A fixed text.
    pub(crate) const fn text(text: &'static str) -> Self {
        Self {
            text,
            args: [Arg::None; 3],
        }
    }

    /// A template with one value.
    pub(crate) const fn one(text: &'static str, a: Arg<'r>) -> Self {
        Self {
            text,
            args: [a, Arg::None, Arg::None],
        }
    }

    /// A template with two values.
    pub(crate) const fn two(text: &'static str, a: Arg<'r>, b: Arg<'r>) -> Self {
        Self {
            text,
            args: [a, b, Arg::None],
        }
    }

    /// A template with three values.
    pub(crate) const fn three(text: &'static str, a: Arg<'r>, b: Arg<'r>, c: Arg<'r>) -> Self {
        Self {
            text,
            args: [a, b, c],
        }
    }

    /// An amount alone.
    pub(crate) const fn amount(v: Decimal) -> Self {
        Self::one("{}", Arg::Amount(v))
    }
}

impl fmt::Display for Note<'_> {
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

impl serde::Serialize for Note<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One step of the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct TraceStep<'r> {
    /// The step: `band`, `exclude`, `normalise`, `reference`, `target`, `cool_down`,
    /// `step_limit`, `ending` or `profit`.
    pub step: &'static str,
    /// Its input.
    pub input: Note<'r>,
    /// Its output.
    pub output: Note<'r>,
    /// The rule applied.
    pub rule: Note<'r>,
    /// A reason code.
    pub reason: &'static str,
}

/// The steps, in order.
#[derive(Debug)]
pub(crate) struct Trace<'r>(pub(crate) Vec<TraceStep<'r>>);

impl<'r> Trace<'r> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    pub(crate) fn push(
        &mut self,
        step: &'static str,
        input: Note<'r>,
        output: Note<'r>,
        rule: Note<'r>,
        reason: &'static str,
    ) {
        self.0.push(TraceStep {
            step,
            input,
            output,
            rule,
            reason,
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_note_fills_its_places_in_order_when_read() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let n = Note::three(
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
        assert_eq!(Note::text("no offers").to_string(), "no offers");
        assert_eq!(Note::amount(d("0.10")).to_string(), "0.10");
        // A place without a value reads `none`.
        assert_eq!(
            Note::one("{} and {}", Arg::Count(2)).to_string(),
            "2 and none"
        );
    }
}
