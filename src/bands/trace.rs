//! The band's explanation: steps whose texts ([`TraceNote`]s) are written only when read.
//!
//! A repricer sets many prices and reads few explanations, so a step keeps its values
//! (amounts, the offer it is about, the ending rule) and a fixed template. The trace costs no
//! allocation per step and no decimal formatting on the hot path.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::request::Offer;
use crate::codes::Currency;
use crate::ending::PriceEnding;
use crate::text::Note;

/// A text of the trace: see [`crate::text::Note`].
pub type TraceNote<'r> = Note<TraceArg<'r>, 3>;

/// A value in a [`TraceNote`] (amounts, counts, the offer or rule it is about).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceArg<'r>(Arg<'r>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arg<'r> {
    /// Nothing (an unused place): `none`.
    None,
    /// An amount as given.
    Amount(Decimal),
    /// An optional amount: `none` when absent.
    Maybe(Option<Decimal>),
    /// A count.
    Count(usize),
    /// A text borrowed from the request or the data.
    Text(&'r str),
    /// A currency code.
    Currency(Currency),
    /// A competitor's offer as given: seller, price, shipping and currency.
    Offer(&'r Offer),
    /// A price-ending rule.
    Ending(&'r PriceEnding),
    /// A time, `none` when absent.
    Time(Option<DateTime<Utc>>),
    /// A date.
    Date(NaiveDate),
}

impl fmt::Display for TraceArg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Arg::None | Arg::Maybe(None) | Arg::Time(None) => f.write_str("none"),
            Arg::Amount(v) | Arg::Maybe(Some(v)) => write!(f, "{v}"),
            Arg::Count(n) => write!(f, "{n}"),
            Arg::Text(t) => f.write_str(t),
            Arg::Currency(c) => write!(f, "{c}"),
            Arg::Offer(o) => write!(
                f,
                "{}: {} {} + {} {} shipping",
                o.seller_id, o.price, o.currency, o.shipping, o.currency
            ),
            Arg::Ending(e) => write!(f, "{e}"),
            Arg::Time(Some(t)) => write!(f, "{}", t.to_rfc3339()),
            Arg::Date(d) => write!(f, "{d}"),
        }
    }
}

impl<'r> Note<TraceArg<'r>, 3> {
    /// A fixed text.
    pub(crate) const fn text(text: &'static str) -> Self {
        Self::three(text, Arg::None, Arg::None, Arg::None)
    }

    /// A template with one value.
    pub(crate) const fn one(text: &'static str, a: Arg<'r>) -> Self {
        Self::three(text, a, Arg::None, Arg::None)
    }

    /// A template with two values.
    pub(crate) const fn two(text: &'static str, a: Arg<'r>, b: Arg<'r>) -> Self {
        Self::three(text, a, b, Arg::None)
    }

    /// A template with three values.
    pub(crate) const fn three(text: &'static str, a: Arg<'r>, b: Arg<'r>, c: Arg<'r>) -> Self {
        Self {
            text,
            args: [TraceArg(a), TraceArg(b), TraceArg(c)],
        }
    }

    /// An amount alone.
    pub(crate) const fn amount(v: Decimal) -> Self {
        Self::one("{}", Arg::Amount(v))
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
    pub input: TraceNote<'r>,
    /// Its output.
    pub output: TraceNote<'r>,
    /// The rule applied.
    pub rule: TraceNote<'r>,
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
        input: TraceNote<'r>,
        output: TraceNote<'r>,
        rule: TraceNote<'r>,
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
