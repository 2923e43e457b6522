//! Before the steps: the request's own checks (a ceiling, no negative amounts, a minimum margin
//! under 100 %, positive exchange rates, the fee schedule in the band's currency).

use rust_decimal::Decimal;

use super::grid::bad;
use super::request::BandRequest;
use crate::data::FeeSchedule;
use crate::error::Error;

/// The ceiling (`max_price`), once the request passed every check.
pub(super) fn request(req: &BandRequest, fees: Option<&FeeSchedule>) -> Result<Decimal, Error> {
    let ceiling = req.max_price.ok_or_else(|| {
        bad(
            "max_price",
            "a band needs a ceiling: without one two repricers can push each other to absurd prices",
        )
    })?;
    amounts(req)?;
    if let Some(f) = fees
        && f.currency != req.currency
    {
        return Err(bad(
            "fees.currency",
            format!(
                "the fee schedule is in {} but the band is in {}; give the fees in {}",
                f.currency, req.currency, req.currency
            ),
        ));
    }
    Ok(ceiling)
}

/// Rejects amounts a band cannot be built on, naming the field.
fn amounts(req: &BandRequest) -> Result<(), Error> {
    let not_negative = |field: &str, v: Decimal| {
        if v.is_sign_negative() && !v.is_zero() {
            Err(bad(field, format!("{v} is negative; give zero or more")))
        } else {
            Ok(())
        }
    };
    let percent = |field: &str, v: Option<Decimal>| match v {
        Some(p) => not_negative(field, p),
        None => Ok(()),
    };
    not_negative("current_price", req.current_price)?;
    not_negative("own_shipping", req.own_shipping)?;
    not_negative("unit_cost", req.unit_cost)?;
    not_negative("other_costs", req.other_costs)?;
    not_negative("landed_cost", req.landed_cost)?;
    for (field, v) in [
        ("min_price", req.min_price),
        ("max_price", req.max_price),
        ("map", req.map),
    ] {
        percent(field, v)?;
    }
    percent("max_step_percent", req.max_step_percent)?;
    percent("max_step_up_percent", req.max_step_up_percent)?;
    percent("max_step_down_percent", req.max_step_down_percent)?;
    if let Some(m) = req.min_margin_percent
        && m >= Decimal::ONE_HUNDRED
    {
        return Err(bad(
            "min_margin_percent",
            format!("{m} % leaves nothing for costs and fees; give less than 100"),
        ));
    }
    for (i, r) in req.exchange_rates.iter().enumerate() {
        if r.rate <= Decimal::ZERO {
            return Err(bad(
                &format!("exchange_rates[{i}].rate"),
                format!(
                    "{} is not a rate; give units of {} per {}",
                    r.rate, r.to, r.from
                ),
            ));
        }
    }
    for (i, o) in req.competitors.iter().enumerate() {
        // The field's name is written only for an error.
        if o.price.is_sign_negative() || o.shipping.is_sign_negative() {
            not_negative(&format!("competitors[{i}].price"), o.price)?;
            not_negative(&format!("competitors[{i}].shipping"), o.shipping)?;
        }
    }
    Ok(())
}
