//! Presentment price endings: the rules that turn a price rounded to the minor unit into a
//! "shop" price (19.99, ¥1,999, 24.95). Used by FX repricing and by price bands.
//!
//! Two forms, both kept as data (per currency and optionally per market in `data/`, or given in
//! a request):
//!
//! - **increment + offset**: the allowed prices are `k × increment + offset` for whole `k`.
//!   `up` takes the smallest allowed price ≥ the price, `down` the largest ≤ it, `nearest` the
//!   closest (ties go to the larger). An allowed price maps to itself. `1.00` and `-0.01` give
//!   .99 endings; `100` and `-1` give ¥1,999-style endings; `0.10` and `0` round to ten cents.
//! - **ranges** with Global-e `RoundingRange` semantics: the first range with
//!   `from < price <= to` applies; its `threshold`, `lower_target` and `upper_target` are
//!   absolute, or relative to a base (`relative_decimal`: the whole part; `relative_whole`: a
//!   multiple of `helper`, 10 when 0; `nearest_target`: a multiple of `helper`, 5 when 0). A
//!   price equal to a (shifted) exception is kept; below the threshold it goes to the lower
//!   target, otherwise to the upper target. A price outside every range is left as it is.
//!
//! Both forms work on the magnitude and restore the sign, so a refund ends like the sale, and
//! zero stays zero (a free item is not given a price). An ending that would take a positive
//! price to zero or below is an error, never a silent clamp.
//!
//! One deliberate difference from Global-e: a price that is already one of the targets the
//! range can produce (the targets at its own base, at the next base, or at the previous base
//! for a target of a whole step) is kept. Global-e would move 18.95 to 18.99 under "below .50 → .95 of the previous unit, else .99"; here 18.95
//! stays, so every ending is idempotent, the same law as the increment form.
//!
//! Endings are applied in integer minor units of the target currency, so the single-price path
//! and the bulk path share this code and agree exactly.

use core::fmt;

use rust_decimal::Decimal;

use crate::error::Error;

/// Which allowed price an increment ending picks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum EndingDirection {
    /// The smallest allowed price ≥ the price (the usual "charm" rounding). The default.
    #[default]
    Up,
    /// The largest allowed price ≤ the price.
    Down,
    /// The closest allowed price; ties go to the larger.
    Nearest,
}

/// How a range's targets are placed (Global-e `RangeBehavior` 1–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeBehavior {
    /// Targets and threshold are absolute prices.
    Absolute,
    /// Relative to the whole part `i` of the price: lower = `i − 1 + lower_target`, upper =
    /// `i + upper_target`, threshold = `i + threshold`.
    RelativeDecimal,
    /// Relative to `b`, the price floored to a multiple of `h = helper` (10 when 0): lower =
    /// `b − h + lower_target`, upper = `b + upper_target`, threshold = `b + threshold`.
    RelativeWhole,
    /// Relative to `b`, the price floored to a multiple of `h = helper` (5 when 0): lower =
    /// `b − 1 + lower_target`, upper = `b − 1 + h + upper_target`, threshold = `b + threshold`.
    NearestTarget,
}

/// An increment + offset ending: allowed prices are `k × increment + offset`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncrementEnding {
    /// The step between allowed prices, greater than zero (e.g. `1.00`, `100`, `0.10`).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub increment: Decimal,
    /// The offset of the allowed prices from multiples of the increment (e.g. `-0.01`).
    #[serde(
        default,
        with = "crate::serde_util::decimal_str",
        skip_serializing_if = "Decimal::is_zero"
    )]
    pub offset: Decimal,
    /// Which allowed price to pick.
    #[serde(default)]
    pub direction: EndingDirection,
}

/// One range of a ranges ending (Global-e `RoundingRange`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndingRange {
    /// Lower bound, exclusive.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub from: Decimal,
    /// Upper bound, inclusive.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub to: Decimal,
    /// How the targets are placed.
    pub behavior: RangeBehavior,
    /// Prices below the (shifted) threshold go to the lower target, others to the upper.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub threshold: Decimal,
    /// The lower target (absolute, or relative per `behavior`).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub lower_target: Decimal,
    /// The upper target (absolute, or relative per `behavior`).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub upper_target: Decimal,
    /// The base step of `relative_whole` (0 means 10) and `nearest_target` (0 means 5).
    #[serde(
        default,
        with = "crate::serde_util::decimal_str",
        skip_serializing_if = "Decimal::is_zero"
    )]
    pub helper: Decimal,
    /// Prices kept as they are (shifted by the base like the targets).
    #[serde(
        default,
        with = "crate::serde_util::decimal_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub exceptions: Vec<Decimal>,
}

/// A presentment price ending, as data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PriceEnding {
    /// Allowed prices `k × increment + offset`.
    Increment(IncrementEnding),
    /// Global-e style ranges, the first matching range applies.
    Ranges {
        /// The ranges, in order.
        ranges: Vec<EndingRange>,
    },
}

impl fmt::Display for PriceEnding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Increment(i) => write!(
                f,
                "increment {} offset {} {}",
                i.increment,
                i.offset,
                match i.direction {
                    EndingDirection::Up => "up",
                    EndingDirection::Down => "down",
                    EndingDirection::Nearest => "nearest",
                }
            ),
            Self::Ranges { ranges } => write!(f, "{} rounding ranges", ranges.len()),
        }
    }
}

/// A price ending prepared for one currency's minor unit: every bound in integer minor units.
/// Build it once ([`PriceEnding::compile`]) and apply it to many prices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledEnding {
    form: Form,
    scale: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Form {
    Increment {
        inc: i64,
        off: i64,
        direction: EndingDirection,
    },
    Ranges(Vec<Range>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Range {
    /// `p > from` for integer minor units `p`.
    from: i64,
    /// `p <= to`.
    to: i64,
    behavior: RangeBehavior,
    /// The base step in minor units (relative forms); 0 for absolute.
    step: i64,
    /// One major unit in minor units.
    unit: i64,
    /// `p < base + threshold`, as the smallest integer not below the threshold.
    threshold: i64,
    lower: i64,
    upper: i64,
    exceptions: Vec<i64>,
}

const fn pow10(scale: u32) -> Option<i64> {
    10i64.checked_pow(scale)
}

/// `value × 10^scale` as an integer, if exact and in range.
fn to_minor_exact(value: Decimal, scale: u32) -> Option<i64> {
    crate::money::scaled_int(value, scale).and_then(|v| i64::try_from(v).ok())
}

/// `value × 10^scale` rounded toward −∞ (or +∞ with `ceil`), in range.
fn to_minor_rounded(value: Decimal, scale: u32, ceil: bool) -> Option<i64> {
    let shifted = value.checked_mul(Decimal::from(pow10(scale)?))?;
    let r = if ceil {
        shifted.ceil()
    } else {
        shifted.floor()
    };
    i64::try_from(r.mantissa().checked_div(10i128.checked_pow(r.scale())?)?).ok()
}

fn bad(field: &str, reason: String) -> Error {
    Error::input(field, reason)
}

impl PriceEnding {
    /// Prepares this ending for prices with `scale` decimals (the target currency's minor
    /// unit). `field` names the ending in error messages (e.g. `"ending"`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field when an increment is not greater than zero,
    /// a target, offset, increment or exception is not on the minor-unit grid, a range has
    /// `from >= to`, a relative target is outside its base step, or a bound is too large.
    pub fn compile(&self, scale: u32, field: &str) -> Result<CompiledEnding, Error> {
        let unit = pow10(scale)
            .ok_or_else(|| bad(field, format!("{scale} decimals are too many for endings")))?;
        let grid = |name: &str, v: Decimal| {
            to_minor_exact(v, scale).ok_or_else(|| {
                bad(
                    &format!("{field}.{name}"),
                    format!(
                        "{v} is not on the currency's minor-unit grid ({scale} decimals); an ending must produce a payable price"
                    ),
                )
            })
        };
        let form = match self {
            Self::Increment(i) => {
                if i.increment <= Decimal::ZERO {
                    return Err(bad(
                        &format!("{field}.increment"),
                        format!("{} must be greater than zero", i.increment),
                    ));
                }
                Form::Increment {
                    inc: grid("increment", i.increment)?,
                    off: grid("offset", i.offset)?,
                    direction: i.direction,
                }
            }
            Self::Ranges { ranges } => {
                let mut out = Vec::with_capacity(ranges.len());
                for (n, r) in ranges.iter().enumerate() {
                    let at = format!("{field}.ranges[{n}]");
                    out.push(compile_range(r, scale, unit, &at)?);
                }
                Form::Ranges(out)
            }
        };
        Ok(CompiledEnding { form, scale })
    }
}

fn compile_range(r: &EndingRange, scale: u32, unit: i64, at: &str) -> Result<Range, Error> {
    let too_large = |name: &str| bad(&format!("{at}.{name}"), "the value is too large".into());
    let on_grid = |name: &str, v: Decimal| {
        to_minor_exact(v, scale).ok_or_else(|| {
            bad(
                &format!("{at}.{name}"),
                format!(
                    "{v} is not on the currency's minor-unit grid ({scale} decimals); an ending must produce a payable price"
                ),
            )
        })
    };
    if r.from < Decimal::ZERO || r.from >= r.to {
        return Err(bad(
            &format!("{at}.from"),
            format!(
                "the range ({}, {}] is empty or negative; give 0 <= from < to (prices are matched on their magnitude)",
                r.from, r.to
            ),
        ));
    }
    let from = to_minor_rounded(r.from, scale, false).ok_or_else(|| too_large("from"))?;
    let to = to_minor_rounded(r.to, scale, false).ok_or_else(|| too_large("to"))?;
    // The relative forms place targets within one base step; a target outside it would make
    // the rule jump bases and lose the "allowed price maps to itself" law.
    let default_helper = match r.behavior {
        RangeBehavior::Absolute => Decimal::ZERO,
        RangeBehavior::RelativeDecimal => Decimal::ONE,
        RangeBehavior::RelativeWhole => Decimal::TEN,
        RangeBehavior::NearestTarget => Decimal::from(5u8),
    };
    let helper = match r.behavior {
        RangeBehavior::Absolute | RangeBehavior::RelativeDecimal => default_helper,
        _ if r.helper.is_zero() => default_helper,
        _ if r.helper < Decimal::ZERO => {
            return Err(bad(
                &format!("{at}.helper"),
                format!("{} must be zero (default) or more", r.helper),
            ));
        }
        _ => r.helper,
    };
    let step = if matches!(r.behavior, RangeBehavior::Absolute) {
        0
    } else {
        on_grid("helper", helper)?
    };
    if !matches!(r.behavior, RangeBehavior::Absolute) {
        // Global-e places the targets relative to the base: `relative_whole` within one helper
        // step (upper = b + U, lower = b − h + L), the others within one unit. A target equal
        // to the whole span is the SDK's way to say "the next base" (upper_target "10" with
        // helper "10": round up to the next ten), so the span itself is allowed.
        let target_span = match r.behavior {
            RangeBehavior::RelativeWhole => helper,
            _ => Decimal::ONE,
        };
        for (name, v) in [
            ("lower_target", r.lower_target),
            ("upper_target", r.upper_target),
        ] {
            if v < Decimal::ZERO || v > target_span {
                return Err(bad(
                    &format!("{at}.{name}"),
                    format!(
                        "{v} must be between 0 and {target_span} (inclusive) for {} ranges; a target further away would skip a base",
                        behavior_name(r.behavior)
                    ),
                ));
            }
        }
        if r.threshold < Decimal::ZERO || r.threshold > helper {
            return Err(bad(
                &format!("{at}.threshold"),
                format!("{} must be between 0 and {helper}", r.threshold),
            ));
        }
    }
    let exceptions = r
        .exceptions
        .iter()
        .enumerate()
        .map(|(i, e)| on_grid(&format!("exceptions[{i}]"), *e))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Range {
        from,
        to,
        behavior: r.behavior,
        step,
        unit,
        threshold: to_minor_rounded(r.threshold, scale, true)
            .ok_or_else(|| too_large("threshold"))?,
        lower: on_grid("lower_target", r.lower_target)?,
        upper: on_grid("upper_target", r.upper_target)?,
        exceptions,
    })
}

const fn behavior_name(b: RangeBehavior) -> &'static str {
    match b {
        RangeBehavior::Absolute => "absolute",
        RangeBehavior::RelativeDecimal => "relative_decimal",
        RangeBehavior::RelativeWhole => "relative_whole",
        RangeBehavior::NearestTarget => "nearest_target",
    }
}

/// The targets of a range at one base: (lower, upper, threshold).
fn targets(r: &Range, base: i64) -> Option<(i64, i64, i64)> {
    match r.behavior {
        RangeBehavior::Absolute => Some((r.lower, r.upper, r.threshold)),
        RangeBehavior::RelativeDecimal | RangeBehavior::RelativeWhole => Some((
            base.checked_sub(r.step)?.checked_add(r.lower)?,
            base.checked_add(r.upper)?,
            base.checked_add(r.threshold)?,
        )),
        RangeBehavior::NearestTarget => Some((
            base.checked_sub(r.unit)?.checked_add(r.lower)?,
            base.checked_sub(r.unit)?
                .checked_add(r.step)?
                .checked_add(r.upper)?,
            base.checked_add(r.threshold)?,
        )),
    }
}

impl CompiledEnding {
    /// The number of decimals this ending was prepared for.
    pub const fn scale(&self) -> u32 {
        self.scale
    }

    /// Applies the ending to a price in integer minor units.
    ///
    /// # Errors
    /// [`Error::EndingNotPositive`] when a positive price would end at zero or below;
    /// [`Error::Overflow`] for prices near `i64`'s range.
    pub fn apply_minor(&self, price: i64) -> Result<i64, Error> {
        if price == 0 {
            return Ok(0);
        }
        let p = price
            .checked_abs()
            .ok_or_else(|| Error::overflow("price ending"))?;
        let q = match &self.form {
            Form::Increment {
                inc,
                off,
                direction,
            } => apply_increment(p, *inc, *off, *direction),
            Form::Ranges(ranges) => apply_ranges(p, ranges),
        }
        .ok_or_else(|| Error::overflow("price ending"))?;
        if q <= 0 {
            return Err(Error::EndingNotPositive {
                price: minor_to_decimal(price, self.scale),
                result: minor_to_decimal(if price < 0 { q.wrapping_neg() } else { q }, self.scale),
            });
        }
        // q > 0 here, so its negation cannot overflow.
        Ok(if price < 0 { q.wrapping_neg() } else { q })
    }

    /// Applies the ending to a price already rounded to this ending's scale.
    ///
    /// # Errors
    /// [`Error::OffGrid`] when the price has more decimals than the scale; otherwise as
    /// [`CompiledEnding::apply_minor`].
    pub fn apply(&self, price: Decimal) -> Result<Decimal, Error> {
        let minor = to_minor_exact(price, self.scale).ok_or(Error::OffGrid {
            amount: price,
            scale: self.scale,
        })?;
        Ok(minor_to_decimal(self.apply_minor(minor)?, self.scale))
    }
}

/// Integer minor units back to a decimal at `scale` (scale ≤ 18 here, so it cannot fail).
pub(crate) fn minor_to_decimal(minor: i64, scale: u32) -> Decimal {
    Decimal::try_new(minor, scale).unwrap_or(Decimal::ZERO)
}

fn apply_increment(p: i64, inc: i64, off: i64, direction: EndingDirection) -> Option<i64> {
    let d = p.checked_sub(off)?;
    let q = d.checked_div_euclid(inc)?;
    let r = d.checked_rem_euclid(inc)?;
    let k = match direction {
        EndingDirection::Down => q,
        EndingDirection::Up => q.checked_add(i64::from(r > 0))?,
        // Ties go to the larger price: 2r >= inc (r < inc, so 2r cannot overflow for inc
        // below i64::MAX / 2; checked anyway).
        EndingDirection::Nearest => q.checked_add(i64::from(r.checked_mul(2)? >= inc))?,
    };
    k.checked_mul(inc)?.checked_add(off)
}

fn apply_ranges(p: i64, ranges: &[Range]) -> Option<i64> {
    let Some(r) = ranges.iter().find(|r| p > r.from && p <= r.to) else {
        return Some(p);
    };
    let base = if r.step == 0 {
        0
    } else {
        p.checked_div_euclid(r.step)?.checked_mul(r.step)?
    };
    if r.exceptions.iter().any(|e| base.checked_add(*e) == Some(p)) {
        return Some(p);
    }
    let (lower, upper, threshold) = targets(r, base)?;
    // Already an allowed price: a target at this base or at the next one (see the module
    // docs: the idempotence law).
    if p == lower || p == upper {
        return Some(p);
    }
    if r.step != 0 {
        let (l2, u2, _) = targets(r, base.checked_add(r.step)?)?;
        if p == l2 || p == u2 {
            return Some(p);
        }
        // A target of the whole span puts the previous base's upper target on this base
        // (upper_target = helper: 30 is the "next ten" of 23).
        if let Some(prev) = base.checked_sub(r.step)
            && let Some((_, u0, _)) = targets(r, prev)
            && p == u0
        {
            return Some(p);
        }
    }
    Some(if p < threshold { lower } else { upper })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn inc(i: &str, o: &str, dir: EndingDirection) -> CompiledEnding {
        PriceEnding::Increment(IncrementEnding {
            increment: d(i),
            offset: d(o),
            direction: dir,
        })
        .compile(2, "ending")
        .unwrap()
    }

    #[test]
    fn the_issue_examples_for_increment_endings() {
        let up = inc("1.00", "-0.01", EndingDirection::Up);
        let down = inc("1.00", "-0.01", EndingDirection::Down);
        assert_eq!(up.apply(d("19.43")).unwrap(), d("19.99"));
        assert_eq!(down.apply(d("19.43")).unwrap(), d("18.99"));
        assert_eq!(up.apply(d("19.99")).unwrap(), d("19.99"));
        assert_eq!(down.apply(d("19.99")).unwrap(), d("19.99"));
        let tens = inc("0.10", "0", EndingDirection::Up);
        assert_eq!(tens.apply(d("19.41")).unwrap(), d("19.50"));
        let yen = PriceEnding::Increment(IncrementEnding {
            increment: d("100"),
            offset: d("-1"),
            direction: EndingDirection::Up,
        })
        .compile(0, "ending")
        .unwrap();
        assert_eq!(yen.apply(d("1234")).unwrap(), d("1299"));
        assert_eq!(yen.apply(d("1999")).unwrap(), d("1999"));
    }

    #[test]
    fn nearest_ties_go_up_and_negatives_mirror() {
        let n = inc("0.10", "0", EndingDirection::Nearest);
        assert_eq!(n.apply(d("1.05")).unwrap(), d("1.10"));
        assert_eq!(n.apply(d("1.04")).unwrap(), d("1.00"));
        assert_eq!(n.apply(d("-1.05")).unwrap(), d("-1.10"));
        assert_eq!(n.apply(d("0")).unwrap(), d("0"));
    }

    #[test]
    fn down_below_zero_is_an_error() {
        let down = inc("1.00", "-0.01", EndingDirection::Down);
        let e = down.apply(d("0.50")).unwrap_err();
        assert!(matches!(e, Error::EndingNotPositive { .. }), "{e}");
    }
}
