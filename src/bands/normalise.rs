//! Step 1, normalise: every offer as given goes into the trace, and each one no exclusion rule
//! (step 2) leaves out gets its landed price (price + shipping) in the band's currency, on the
//! currency's grid, converted with a stated rate.

use rust_decimal::Decimal;

use super::exclude;
use super::grid::{bad, ovf, to_grid};
use super::request::{BandRequest, Offer};
use super::result::Excluded;
use super::trace::{Arg, Trace, TraceNote as Note};
use crate::codes::Currency;
use crate::error::Error;

/// An offer kept, with its landed price.
#[derive(Debug, Clone, Copy)]
pub(super) struct Landed<'r> {
    /// Price + shipping in the band's currency, at the currency's scale.
    pub(super) price: Decimal,
    /// The offer as given.
    pub(super) offer: &'r Offer,
    /// Its place in the request.
    pub(super) index: usize,
}

/// The offers kept by the exclusion rules, by landed price (then seller id, then place in the
/// request); the others go to `excluded`.
///
/// # Errors
/// A filter needing `now`; an offer in a currency without a rate.
pub(super) fn offers<'r>(
    req: &'r BandRequest,
    scale: u32,
    excluded: &mut Vec<Excluded<'r>>,
    trace: &mut Trace<'r>,
) -> Result<Vec<Landed<'r>>, Error> {
    let mut offers = Vec::with_capacity(req.competitors.len());
    let stale_before = exclude::stale_before(req)?;
    for (i, o) in req.competitors.iter().enumerate() {
        if let Some((reason, rule)) = exclude::exclusion(req, o, stale_before) {
            excluded.push(Excluded {
                seller_id: &o.seller_id,
                reason,
            });
            trace.push(
                "exclude",
                Note::one("{}", Arg::Offer(o)),
                Note::text("excluded"),
                rule,
                reason,
            );
            continue;
        }
        let landed = o.price.checked_add(o.shipping).ok_or_else(ovf)?;
        let (landed, rule) = convert(req, landed, o.currency, i)?;
        let landed = to_grid(landed, scale);
        trace.push(
            "normalise",
            Note::one("{}", Arg::Offer(o)),
            Note::two("{} {}", Arg::Amount(landed), Arg::Currency(req.currency)),
            rule,
            "normalised",
        );
        offers.push(Landed {
            price: landed,
            offer: o,
            index: i,
        });
    }
    // Every landed price has the currency's scale here, so mantissas order them (far cheaper
    // than comparing decimals); equal prices go by seller id, then by place in the request.
    offers.sort_unstable_by(|a, b| {
        a.price
            .mantissa()
            .cmp(&b.price.mantissa())
            .then_with(|| a.offer.seller_id.cmp(&b.offer.seller_id))
            .then_with(|| a.index.cmp(&b.index))
    });
    Ok(offers)
}

/// `amount` in the band's currency, with the rule that converted it.
#[inline]
fn convert<'r>(
    req: &BandRequest,
    amount: Decimal,
    from: Currency,
    i: usize,
) -> Result<(Decimal, Note<'r>), Error> {
    if from == req.currency {
        return Ok((
            amount,
            Note::text("landed = price + shipping, to the minor unit"),
        ));
    }
    // The direct pair first; else the reverse pair, divided by (never a rounded inverse).
    let rates = &req.exchange_rates;
    let pair = rates
        .iter()
        .find(|r| r.from == from && r.to == req.currency)
        .map(|r| (r, false))
        .or_else(|| {
            rates
                .iter()
                .find(|r| r.to == from && r.from == req.currency)
                .map(|r| (r, true))
        });
    if let Some((r, reverse)) = pair {
        let args = (
            Arg::Amount(r.rate),
            Arg::Currency(r.from),
            Arg::Currency(r.to),
        );
        return Ok(if reverse {
            (
                amount.checked_div(r.rate).ok_or_else(ovf)?,
                Note::three(
                    "landed = (price + shipping) ÷ {} (the {}→{} rate given), to the minor unit",
                    args.0,
                    args.1,
                    args.2,
                ),
            )
        } else {
            (
                amount.checked_mul(r.rate).ok_or_else(ovf)?,
                Note::three(
                    "landed = (price + shipping) × {} ({}→{}), to the minor unit",
                    args.0,
                    args.1,
                    args.2,
                ),
            )
        });
    }
    Err(bad(
        &format!("competitors[{i}].currency"),
        format!(
            "no exchange rate {from}→{} in exchange_rates; add it",
            req.currency
        ),
    ))
}
