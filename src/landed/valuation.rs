//! Step 2, **valuation**: each line's goods value (quantity × unit price, converted and rounded
//! to the lane), the request's shipping and insurance spread over the lines by goods value
//! (largest remainder), and the customs value: the goods alone under FOB valuation (US, CA,
//! AU), goods plus their share of shipping and insurance under CIF (EU, GB), per the
//! territory's `[[regime]]` row in `data/customs.toml`. The consignment's unrounded values in
//! the request currency (intrinsic, customs value, sale price) are kept for the thresholds of
//! step 3.

use super::arith::{Exact, OP};
use super::cart::Line;
use super::cascade::Context;
use super::currency::Conv;
use super::rules::Facts;
use crate::data::{Buyer, Valuation};
use crate::error::Error;

/// The consignment after valuation.
pub(crate) struct Cart<'a> {
    pub(crate) lines: Vec<Line<'a>>,
    /// Shipping and insurance in lane units.
    pub(crate) shipping: i64,
    pub(crate) insurance: i64,
    /// What the rules test.
    pub(crate) facts: Facts<'a>,
}

/// Values the consignment.
pub(crate) fn value<'a>(ctx: &Context<'a>) -> Result<Cart<'a>, Error> {
    let (req, lane, to_dest) = (ctx.req, ctx.lane, ctx.to_dest);
    let cif = ctx.regime.valuation == Valuation::Cif;
    let shipping_c = req.shipping.unwrap_or_default();
    let insurance_c = req.insurance.unwrap_or_default();
    let shipping = lane.round(to_dest.apply(shipping_c)?, None)?;
    let insurance = lane.round(to_dest.apply(insurance_c)?, None)?;
    let mut intrinsic_x = Exact { m: 0, scale: 0 };
    let mut lines: Vec<Line<'a>> = Vec::with_capacity(req.lines.len());
    for l in &req.lines {
        let value = Exact::mul(l.quantity, l.unit_price)?;
        // The first line starts the sums (the same value and scale as adding it to zero).
        intrinsic_x = if lines.is_empty() {
            value
        } else {
            intrinsic_x.add(value)?
        };
        let goods = match to_dest {
            Conv::Identity => lane.round_exact(value, None)?,
            _ => lane.round(to_dest.apply(value.dec()?)?, None)?,
        };
        lines.push(Line::new(l, goods));
    }
    spread_by_goods(ctx, &mut lines, shipping, insurance, cif)?;
    let intrinsic_c = intrinsic_x.dec()?;
    let sale_c = intrinsic_x
        .add(Exact::of(shipping_c))?
        .add(Exact::of(insurance_c))?
        .dec()?;
    let facts = Facts {
        req,
        ship_from: ctx.ship_from,
        transport: req.transport.unwrap_or_default(),
        buyer: req.buyer.unwrap_or_default(),
        registered_business: req.buyer == Some(Buyer::Business)
            && req
                .buyer_tax_id
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty()),
        intrinsic: intrinsic_c,
        customs_value: if cif { sale_c } else { intrinsic_c },
        sale_price: sale_c,
    };
    Ok(Cart {
        lines,
        shipping,
        insurance,
        facts,
    })
}

/// Spreads shipping and insurance over the lines by goods value (the weights read once), and
/// adds each share to the line's customs value under CIF.
fn spread_by_goods(
    ctx: &Context<'_>,
    lines: &mut [Line<'_>],
    shipping: i64,
    insurance: i64,
    cif: bool,
) -> Result<(), Error> {
    let (lane, minor) = (ctx.lane, ctx.lane.minor);
    let mut goods_weights = [0u64; 16];
    let small = lines.len() <= goods_weights.len()
        && lines
            .iter()
            .zip(goods_weights.iter_mut())
            .all(|(l, w)| u64::try_from(l.goods).map(|g| *w = g).is_ok());
    for (amount, is_shipping) in [(shipping, true), (insurance, false)] {
        if amount == 0 {
            continue;
        }
        let mut shares = [0i64; 16];
        let weights: &[Line<'_>] = lines;
        let mut many = Vec::new();
        let out: &mut [i64] = match shares.get_mut(..lines.len()) {
            Some(s) => s,
            None => {
                many.resize(lines.len(), 0);
                &mut many
            }
        };
        let done = match goods_weights.get(..lines.len()).filter(|_| small) {
            Some(w) => lane.split_small(amount, minor, w, out)?,
            None => false,
        };
        if !done {
            lane.split(
                amount,
                minor,
                weights.len(),
                |i| {
                    weights
                        .get(i)
                        .map_or((0, 0), |l| (i128::from(l.goods), lane.scale))
                },
                |i, share| {
                    if let Some(o) = out.get_mut(i) {
                        *o = share;
                    }
                    Ok(())
                },
            )?;
        }
        for (line, share) in lines.iter_mut().zip(out.iter()) {
            if is_shipping {
                line.shipping = *share;
            } else {
                line.insurance = *share;
            }
            if cif {
                line.customs_value = line
                    .customs_value
                    .checked_add(*share)
                    .ok_or_else(|| Error::overflow(OP))?;
            }
        }
    }
    Ok(())
}
