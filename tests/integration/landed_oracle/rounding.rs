//! Rounding and the largest-remainder split, in plain `Decimal`.

use landed::RoundingMode;
use rust_decimal::{Decimal, RoundingStrategy};

use super::data::Rounding;

/// Rounds `v` to `scale` decimals with `mode` (amounts here are never negative, but the
/// directed modes are written out for both signs anyway).
pub fn to_scale(v: Decimal, scale: u32, mode: RoundingMode) -> Decimal {
    let negative = v.is_sign_negative();
    let strategy = match mode {
        RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        RoundingMode::HalfDown => RoundingStrategy::MidpointTowardZero,
        RoundingMode::Up => RoundingStrategy::AwayFromZero,
        RoundingMode::Down => RoundingStrategy::ToZero,
        RoundingMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
        RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
        // Half toward +inf: away from zero for positive values, toward zero for negative.
        RoundingMode::HalfCeiling if negative => RoundingStrategy::MidpointTowardZero,
        RoundingMode::HalfCeiling => RoundingStrategy::MidpointAwayFromZero,
        _ => panic!("rounding mode {mode:?} not known to the oracle"),
    };
    let mut r = v.round_dp_with_strategy(scale, strategy);
    r.rescale(scale);
    r
}

/// Rounds a payable amount per a `[[rounding]]` row, or by default to the minor unit half-up.
pub fn round(v: Decimal, rule: Option<&Rounding>, minor: u32) -> Decimal {
    match rule {
        Some(Rounding {
            increment: Some(inc),
            mode,
            ..
        }) => {
            let steps = to_scale(v.checked_div(*inc).unwrap(), 0, *mode);
            let out = steps.checked_mul(*inc).unwrap();
            let mut out = out.normalize();
            out.rescale(scale_of(rule, minor));
            out
        }
        Some(r) => to_scale(v, minor, r.mode),
        None => to_scale(v, minor, RoundingMode::HalfUp),
    }
}

/// The number of decimals at which a rule's rounded amounts live (minor unit, or finer when
/// the increment is finer).
pub fn scale_of(rule: Option<&Rounding>, minor: u32) -> u32 {
    rule.and_then(|r| r.increment)
        .map_or(minor, |i| i.normalize().scale().max(minor))
}

/// Splits `amount` (a multiple of `10^-scale`) over parts in proportion to `weights` by the
/// largest remainder: each part gets its exact share rounded down to the unit, the units left
/// over go one each to the largest remainders, earlier parts first on a tie. All-zero weights
/// split equally.
pub fn allocate(amount: Decimal, weights: &[Decimal], scale: u32) -> Vec<Decimal> {
    // Weights that are quotients (a flat duty's €3 × 2660/4125) carry Decimal's 28-digit
    // rounding, so two remainders that are equal in exact arithmetic can differ in their last
    // digits; compared at 20 decimals they tie, and the earlier part wins, as the rule says.
    let tie_grain =
        |r: Decimal| r.round_dp_with_strategy(20, RoundingStrategy::MidpointNearestEven);
    assert!(!weights.is_empty());
    let unit = Decimal::new(1, scale);
    let units = amount.checked_div(unit).unwrap();
    assert_eq!(
        units,
        units.trunc(),
        "{amount} is not on the grid of {scale} decimals"
    );
    let mut weights: Vec<Decimal> = weights.iter().map(|w| w.abs()).collect();
    let mut total = weights
        .iter()
        .try_fold(Decimal::ZERO, |a, w| a.checked_add(*w))
        .unwrap();
    if total.is_zero() {
        weights = vec![Decimal::ONE; weights.len()];
        total = Decimal::from(weights.len());
    }
    // Exact share = units × w / total: as a whole quotient and remainder when every product
    // fits (remainders over one common divisor compare exactly), else as 28-digit quotients.
    let mut floors = Vec::new();
    let mut rests = Vec::new();
    let exact = weights.iter().all(|w| units.checked_mul(*w).is_some());
    for w in &weights {
        if exact {
            let p = units * *w;
            let mut floor = p.checked_div(total).unwrap().floor();
            let mut rem = p - floor * total;
            while rem.is_sign_negative() && !rem.is_zero() {
                floor -= Decimal::ONE;
                rem += total;
            }
            while rem >= total {
                floor += Decimal::ONE;
                rem -= total;
            }
            floors.push(floor);
            rests.push(tie_grain(rem.checked_div(total).unwrap()));
        } else {
            let share = units.checked_mul(w.checked_div(total).unwrap()).unwrap();
            let floor = share.floor();
            floors.push(floor);
            rests.push(tie_grain(share - floor));
        }
    }
    let given = floors
        .iter()
        .try_fold(Decimal::ZERO, |a, f| a.checked_add(*f))
        .unwrap();
    let left = units.checked_sub(given).unwrap();
    let left = usize::try_from(i64::try_from(left).unwrap()).unwrap();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| rests[*b].cmp(&rests[*a]).then(a.cmp(b)));
    for i in order.into_iter().take(left) {
        floors[i] += Decimal::ONE;
    }
    floors
        .into_iter()
        .map(|f| {
            let mut v = f * unit;
            v.rescale(scale);
            v
        })
        .collect()
}
