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
