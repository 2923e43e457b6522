//! Step 2, exclude: own offers, rating, fulfilment, condition and age (offer by offer, while
//! normalising), then outliers around the median of the offers kept; each with its reason.

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::RoundingStrategy;

use super::grid::{bad, ovf, pct, round};
use super::normalise::Landed;
use super::reference::median;
use super::request::{BandRequest, Offer};
use super::result::Excluded;
use super::trace::{Arg, Trace, TraceNote as Note};
use crate::error::Error;

/// The time before which an offer is stale (`now` − `filters.max_age_hours`), if filtered.
///
/// # Errors
/// `filters.max_age_hours` without `now`, or reaching before the calendar.
#[inline]
pub(super) fn stale_before(req: &BandRequest) -> Result<Option<DateTime<Utc>>, Error> {
    Ok(match req.filters.max_age_hours {
        Some(h) => {
            let now = req
                .now
                .ok_or_else(|| bad("now", "filters.max_age_hours needs now"))?;
            Some(
                now.checked_sub_signed(TimeDelta::hours(i64::from(h)))
                    .ok_or_else(|| bad("filters.max_age_hours", "reaches before the calendar"))?,
            )
        }
        None => None,
    })
}

/// Why `o` is left out, with the rule that left it out.
#[inline]
pub(super) fn exclusion<'r>(
    req: &'r BandRequest,
    o: &'r Offer,
    stale_before: Option<DateTime<Utc>>,
) -> Option<(&'static str, Note<'r>)> {
    let f = &req.filters;
    if req.own_seller_ids.contains(&o.seller_id) {
        return Some(("own_offer", Note::text("the seller is in own_seller_ids")));
    }
    if let Some(min) = f.min_rating {
        match o.rating {
            None => {
                return Some((
                    "no_rating",
                    Note::one("no rating; filters.min_rating is {}", Arg::Amount(min)),
                ));
            }
            Some(r) if r < min => {
                return Some((
                    "low_rating",
                    Note::two(
                        "rating {} below filters.min_rating {}",
                        Arg::Amount(r),
                        Arg::Amount(min),
                    ),
                ));
            }
            _ => {}
        }
    }
    if let Some(x) = &o.fulfillment
        && f.exclude_fulfillment.iter().any(|e| e == x)
    {
        return Some((
            "excluded_fulfillment",
            Note::one(
                "fulfillment {} is in filters.exclude_fulfillment",
                Arg::Text(x),
            ),
        ));
    }
    if !f.conditions.is_empty()
        && !o
            .condition
            .as_ref()
            .is_some_and(|c| f.conditions.iter().any(|k| k == c))
    {
        return Some((
            "excluded_condition",
            Note::one(
                "condition {} is not in filters.conditions",
                Arg::Text(o.condition.as_deref().unwrap_or("none")),
            ),
        ));
    }
    if let Some(h) = f.max_age_hours {
        let hours = Arg::Count(usize::try_from(h).unwrap_or(usize::MAX));
        match o.seen_at {
            None => {
                return Some((
                    "no_seen_at",
                    Note::one("no seen_at; filters.max_age_hours is {}", hours),
                ));
            }
            // now − t > h exactly when t < now − h.
            Some(t) if stale_before.is_some_and(|b| t < b) => {
                return Some((
                    "stale",
                    Note::two(
                        "seen at {}, more than filters.max_age_hours {} before now",
                        Arg::Time(Some(t)),
                        hours,
                    ),
                ));
            }
            _ => {}
        }
    }
    None
}

/// Leaves out the offers (sorted by landed price) beyond the outlier filters around their median.
pub(super) fn outliers<'r>(
    req: &'r BandRequest,
    offers: &mut Vec<Landed<'r>>,
    excluded: &mut Vec<Excluded<'r>>,
    trace: &mut Trace<'r>,
    scale: u32,
) -> Result<(), Error> {
    let f = &req.filters;
    if f.outlier_below_percent.is_none() && f.outlier_above_percent.is_none() {
        return Ok(());
    }
    // The offers are sorted by price (see the caller).
    let Some(m) = median(offers, 28) else {
        return Ok(());
    };
    // On the grid, p < l exactly when p is below l rounded up to the grid (and p > h when
    // above h rounded down), so mantissas compare them.
    let low = f
        .outlier_below_percent
        .map(|p| {
            let l = m.checked_sub(pct(m, p)?).ok_or_else(ovf)?;
            Ok::<_, Error>(round(l, scale, RoundingStrategy::ToPositiveInfinity))
        })
        .transpose()?;
    let high = f
        .outlier_above_percent
        .map(|p| {
            let h = m.checked_add(pct(m, p)?).ok_or_else(ovf)?;
            Ok::<_, Error>(round(h, scale, RoundingStrategy::ToNegativeInfinity))
        })
        .transpose()?;
    let (low_m, high_m) = (low.map(|l| l.mantissa()), high.map(|h| h.mantissa()));
    offers.retain(|x| {
        let (p, o) = (x.price, x.offer);
        let k = p.mantissa();
        let found = if low_m.is_some_and(|l| k < l) {
            Some((
                "outlier_low",
                Note::three(
                    "below {}: the median {} less filters.outlier_below_percent {} %",
                    Arg::Maybe(low),
                    Arg::Amount(m),
                    Arg::Maybe(f.outlier_below_percent),
                ),
            ))
        } else if high_m.is_some_and(|h| k > h) {
            Some((
                "outlier_high",
                Note::three(
                    "above {}: the median {} plus filters.outlier_above_percent {} %",
                    Arg::Maybe(high),
                    Arg::Amount(m),
                    Arg::Maybe(f.outlier_above_percent),
                ),
            ))
        } else {
            None
        };
        let keep = found.is_none();
        if let Some((reason, rule)) = found {
            excluded.push(Excluded {
                seller_id: &o.seller_id,
                reason,
            });
            trace.push(
                "exclude",
                Note::two("{} landed {}", Arg::Text(&o.seller_id), Arg::Amount(p)),
                Note::text("excluded"),
                rule,
                reason,
            );
        }
        keep
    });
    Ok(())
}
