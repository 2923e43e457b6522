//! Step 1, **currency**: amounts of the request are converted into the destination's
//! currency with the request's own rates. A pair given in the other direction is divided by,
//! never inverted and rounded; a missing pair is an error naming it. The destination's
//! currency on the date comes from the `[[country_currency]]` rows of `data/customs.toml`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::arith::{div, mul};
use super::wire::ExchangeRate;
use crate::codes::{CountryCode, Currency};
use crate::data::{RateTables, row_at};
use crate::error::Error;

/// Every currency other than the destination's in which the destination's rules, duty bands
/// and fees in force on `date` state an amount (Brazil's US$50, Korea's USD 150, the EU's
/// €150 for a non-euro member): the pairs a quote there may need in `exchange_rates`, in
/// order, each once.
pub(crate) fn stated_by_destination(
    tables: &RateTables,
    country: CountryCode,
    date: NaiveDate,
) -> Result<Vec<Currency>, Error> {
    let own = of_destination(tables, country, date)?;
    let territory = super::cascade::territory_of(tables, country, date);
    let customs = &tables.customs;
    let conditions = |c: &crate::data::Conditions| {
        [&c.threshold, &c.also_threshold]
            .into_iter()
            .flatten()
            .map(|t| t.currency)
            .collect::<Vec<_>>()
    };
    let rules = customs
        .rules
        .in_force(territory, date)
        .flat_map(|r| conditions(&r.value.conditions));
    let bands = customs.duty_bands.in_force(territory, date).flat_map(|b| {
        let mut v = conditions(&b.value.conditions);
        v.push(b.value.currency);
        v
    });
    let fees = customs.fees.in_force(territory, date).flat_map(|f| {
        let mut v = conditions(&f.value.conditions);
        v.push(f.value.currency);
        v
    });
    let mut out: Vec<Currency> = Vec::new();
    for c in rules.chain(bands).chain(fees) {
        if c != own && !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

/// The currency of `country` on `date`.
pub(crate) fn of_destination(
    tables: &RateTables,
    country: CountryCode,
    date: NaiveDate,
) -> Result<Currency, Error> {
    Ok(row_at(
        tables.customs.country_currencies.get(&country),
        "country_currency",
        || country.to_string(),
        date,
    )?
    .value
    .currency)
}

/// Conversion of amounts between two currencies with the request's rates.
#[derive(Clone, Copy)]
pub(crate) enum Conv {
    Identity,
    /// Multiply by the given rate.
    Mul(Decimal),
    /// Divide by the reverse pair's rate (never a rounded inverse).
    Div(Decimal),
}

impl Conv {
    pub(crate) fn apply(self, amount: Decimal) -> Result<Decimal, Error> {
        match self {
            Self::Identity => Ok(amount),
            Self::Mul(r) => mul(amount, r),
            Self::Div(r) => div(amount, r),
        }
    }
}

pub(crate) fn conv(rates: &[ExchangeRate], from: Currency, to: Currency) -> Result<Conv, Error> {
    if from == to {
        return Ok(Conv::Identity);
    }
    if let Some(r) = rates.iter().find(|r| r.from == from && r.to == to) {
        return Ok(Conv::Mul(r.rate));
    }
    if let Some(r) = rates.iter().find(|r| r.from == to && r.to == from) {
        return Ok(Conv::Div(r.rate));
    }
    Err(Error::MissingExchangeRate { from, to })
}
