//! Step 5: the figures of a cell from the quote at its goods price (see the module docs for
//! the definitions).

use rust_decimal::Decimal;

use super::prepare::Prepared;
use super::{MatrixRequest, Product};
use crate::error::Error;
use crate::landed::Quote;
use crate::money::{RoundingMode, round_to_scale};

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
    let ten_thousand = Decimal::from(10_000);
    let fx_markup = q
        .intrinsic_value
        .checked_add(q.shipping)
        .and_then(|a| a.checked_mul(bps))
        .and_then(|a| a.checked_div(ten_thousand.checked_add(bps)?))
        .ok_or_else(ov)?;
    let fx_markup = at_scale(fx_markup, m.scale);
    let seller_scale = request.currency.minor_unit_scale()?;
    let proceeds = shelf
        .checked_sub(remitted)
        .and_then(|p| p.checked_sub(marketplace_fee))
        .ok_or_else(ov)?;
    let to_seller = |v: Decimal| v.checked_div(m.mid).ok_or_else(ov);
    let net = at_scale(to_seller(proceeds)?, seller_scale);
    let profit = net
        .checked_sub(product.unit_cost)
        .and_then(|p| p.checked_sub(m.market.shipping))
        .ok_or_else(ov)?;
    let shelf_seller = to_seller(shelf)?;
    let margin_percent = if shelf_seller.is_zero() {
        Decimal::ZERO
    } else {
        let m = profit
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|p| p.checked_div(shelf_seller))
            .ok_or_else(ov)?;
        at_scale(m, 2)
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
