//! Step 5: the figures of a cell from the quote at its goods price (see the module docs for
//! the definitions).

use rust_decimal::Decimal;

use super::prepare::Prepared;
use super::{MatrixRequest, Product};
use crate::error::Error;
use crate::landed::Quote;
use crate::money::{RoundingMode, half_up_of_quotient, half_up_quotient, round_to_scale};

/// The money of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Figures {
    pub(super) shelf: Decimal,
    pub(super) remitted: Decimal,
    pub(super) fx_markup: Decimal,
    pub(super) marketplace_fee: Decimal,
    pub(super) net: Decimal,
    pub(super) profit: Decimal,
    pub(super) margin_percent: Decimal,
}

const OP: &str = "market matrix";

fn ov() -> Error {
    Error::overflow(OP)
}

/// The figures of `q`, the quote at the cell's goods price, with `shelf` its checkout total.
pub(super) fn of(
    m: &Prepared<'_>,
    request: &MatrixRequest,
    product: &Product,
    q: &Quote,
    shelf: Decimal,
) -> Result<Figures, Error> {
    let remitted = if super::is_dap(m.market) {
        q.due_at_checkout
    } else {
        q.total_charges
    };
    let marketplace_fee = match m.fees {
        Some(f) => f.fee_for_amount(shelf)?,
        None => Decimal::ZERO,
    };
    // The markup inside an all-in amount a: a × bps / (10,000 + bps).
    let bps = m.market.markup_bps.value();
    let all_in = q
        .intrinsic_value
        .checked_add(q.shipping)
        .and_then(|a| a.checked_mul(bps))
        .ok_or_else(ov)?;
    let fx_markup = divided(all_in, Decimal::from(10_000).checked_add(bps), m.scale)?;
    let seller_scale = request.currency.minor_unit_scale()?;
    let proceeds = shelf
        .checked_sub(remitted)
        .and_then(|p| p.checked_sub(marketplace_fee))
        .ok_or_else(ov)?;
    let net = divided(proceeds, Some(m.mid), seller_scale)?;
    let profit = net
        .checked_sub(product.unit_cost)
        .and_then(|p| p.checked_sub(m.market.shipping))
        .ok_or_else(ov)?;
    let hundredfold = profit.checked_mul(Decimal::ONE_HUNDRED).ok_or_else(ov)?;
    let margin_percent = match half_up_of_quotient(hundredfold, shelf, m.mid, 2) {
        Some(fast) => fast,
        None => {
            let shelf_seller = shelf.checked_div(m.mid).ok_or_else(ov)?;
            if shelf_seller.is_zero() {
                Decimal::ZERO
            } else {
                divided(hundredfold, Some(shelf_seller), 2)?
            }
        }
    };
    Ok(Figures {
        shelf,
        remitted,
        fx_markup,
        marketplace_fee,
        net,
        profit,
        margin_percent,
    })
}

/// `x / y` rounded half up to `scale` decimals as `Decimal` divides and rounds it (on integers
/// where [`half_up_quotient`] can show it gives the same).
fn divided(x: Decimal, y: Option<Decimal>, scale: u32) -> Result<Decimal, Error> {
    let y = y.ok_or_else(ov)?;
    if let Some(fast) = half_up_quotient(x, y, scale) {
        return Ok(fast);
    }
    Ok(at_scale(x.checked_div(y).ok_or_else(ov)?, scale))
}

/// `v` rounded half up (away from zero) to `scale` decimals, shown with exactly that many.
fn at_scale(v: Decimal, scale: u32) -> Decimal {
    let mut r = round_to_scale(v, scale, RoundingMode::HalfUp);
    r.rescale(scale);
    r
}

/// Whether the figures meet the market's floor (minimum profit and margin), or `goal` when
/// one is given instead.
pub(super) fn meets(m: &Prepared<'_>, f: &Figures, goal: Option<Decimal>) -> bool {
    let margin = goal.or(m.market.min_margin_percent);
    let profit_ok = goal.is_some() || m.market.min_profit.is_none_or(|p| f.profit >= p);
    profit_ok && margin.is_none_or(|p| f.margin_percent >= p)
}
