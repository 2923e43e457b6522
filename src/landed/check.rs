//! Checks of a request before the cascade runs: every amount that must not be negative, every
//! rate that must be positive, named by its field.

use rust_decimal::Decimal;

use super::wire::QuoteRequest;
use crate::error::Error;

/// The field name of line `i`'s `name`: `lines[2].weight_kg`.
pub(crate) fn field(i: usize, name: &str) -> String {
    format!("lines[{i}].{name}")
}

/// Checks the request's amounts and rates.
pub(crate) fn request(req: &QuoteRequest) -> Result<(), Error> {
    if req.lines.is_empty() {
        return Err(Error::input("lines", "is empty; give at least one line"));
    }
    let negative = |v: Decimal| v.is_sign_negative() && !v.is_zero();
    for (name, v) in [
        ("shipping", req.shipping),
        ("insurance", req.insurance),
        ("annual_purchases", req.annual_purchases),
    ] {
        if let Some(v) = v.filter(|v| negative(*v)) {
            return Err(Error::input(
                name,
                format!("{v} is negative; give zero or more"),
            ));
        }
    }
    for (i, f) in req.extra_fees.iter().enumerate() {
        if negative(f.amount) {
            return Err(Error::input(
                format!("extra_fees[{i}].amount"),
                format!("{} is negative; give zero or more", f.amount),
            ));
        }
    }
    for (i, r) in req.exchange_rates.iter().enumerate() {
        if r.rate <= Decimal::ZERO {
            return Err(Error::input(
                format!("exchange_rates[{i}].rate"),
                format!("{} must be greater than zero", r.rate),
            ));
        }
    }
    for (i, l) in req.lines.iter().enumerate() {
        if l.quantity <= Decimal::ZERO {
            return Err(Error::input(
                field(i, "quantity"),
                format!("{} must be greater than zero", l.quantity),
            ));
        }
        if negative(l.unit_price) {
            return Err(Error::input(
                field(i, "unit_price"),
                format!("{} is negative; give zero or more", l.unit_price),
            ));
        }
        let check = |name: &str, v: Option<Decimal>| match v.filter(|v| negative(*v)) {
            Some(v) => Err(Error::input(
                field(i, name),
                format!("{v} is negative; give zero or more"),
            )),
            None => Ok(()),
        };
        check("weight_kg", l.weight_kg)?;
        // Formatted only when one is negative: this runs for every line of every quote.
        let measures = if l.measures.is_empty() {
            None
        } else {
            Some(l.measures.all())
        };
        for (per, v) in measures.into_iter().flatten() {
            if let Some(v) = v.filter(|v| negative(*v)) {
                return Err(Error::input(
                    field(i, &format!("measures.{per}")),
                    format!("{v} is negative; give zero or more"),
                ));
            }
        }
        check("duty_rate", l.duty_rate)?;
        check("tax_rate", l.tax_rate)?;
        check("retail_price", l.retail_price)?;
        check("excise_rate", l.excise_rate)?;
        if let Some(r) = l.excise_rate.filter(|r| *r >= Decimal::ONE_HUNDRED) {
            return Err(Error::input(
                field(i, "excise_rate"),
                format!(
                    "{r} is 100 or more; a consumption tax grossed up on itself must be below 100 %"
                ),
            ));
        }
    }
    Ok(())
}
