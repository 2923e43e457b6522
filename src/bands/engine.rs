//! The band pipeline: normalise offers, exclude, reference, target, band, scenarios, step
//! limit, ending, invariants, with a trace of every step.

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

use super::floor::{FloorInput, cost_floor, nearest_qualifying, qualifies};
use super::trace::{Arg, Trace, TraceNote as Note, TraceStep};
use crate::codes::Currency;
use crate::data::{DataVersion, FeeSchedule, FeeScheduleRecord, RateTables, ScheduleSpec};
use crate::ending::{EndingDirection, IncrementEnding, PriceEnding};
use crate::error::Error;

/// Which competitor price the strategy starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reference {
    /// The lowest landed offer.
    Lowest,
    /// The second lowest.
    SecondLowest,
    /// The offer at `position` (1 = lowest).
    Position,
    /// The average of the `count` lowest.
    AverageLowest,
    /// The median.
    Median,
    /// The buy-box offer.
    BuyBox,
}

/// What to do relative to the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Match it.
    Match,
    /// Go below it by `amount` or `percent`.
    Beat,
    /// Stay above it by `amount` or `percent`.
    Above,
}

/// The strategy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Strategy {
    /// The reference kind.
    pub reference: Reference,
    /// For `position`: 1-based.
    #[serde(default)]
    pub position: Option<usize>,
    /// For `average_lowest`.
    #[serde(default)]
    pub count: Option<usize>,
    /// The action.
    pub action: Action,
    /// By this amount.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub amount: Option<Decimal>,
    /// Or by this percent.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub percent: Option<Decimal>,
}

/// With no competitor left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoCompetitors {
    /// Keep the current price. The default.
    #[default]
    Hold,
    /// Go to the ceiling.
    Ceiling,
    /// Go to the floor.
    Floor,
}

/// When the own offer is already the lowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenLowest {
    /// Keep the current price. The default.
    #[default]
    Hold,
    /// Rise to just under the next offer.
    RaiseToNext,
}

/// Offer filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Filters {
    /// Minimum seller rating.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub min_rating: Option<Decimal>,
    /// Fulfilment types to exclude.
    #[serde(default)]
    pub exclude_fulfillment: Vec<String>,
    /// Conditions to keep (empty: all).
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Maximum age of an offer in hours (needs `now`).
    #[serde(default)]
    pub max_age_hours: Option<u32>,
    /// Exclude offers more than this percent below the median.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub outlier_below_percent: Option<Decimal>,
    /// Exclude offers more than this percent above the median.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub outlier_above_percent: Option<Decimal>,
}

/// A competitor offer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Offer {
    /// The seller.
    pub seller_id: String,
    /// Item price.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub price: Decimal,
    /// Shipping charged.
    #[serde(default, with = "crate::serde_util::decimal_str")]
    pub shipping: Decimal,
    /// The offer's currency.
    pub currency: Currency,
    /// Seller rating.
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub rating: Option<Decimal>,
    /// Fulfilment type.
    #[serde(default)]
    pub fulfillment: Option<String>,
    /// Condition.
    #[serde(default)]
    pub condition: Option<String>,
    /// Holds the buy box.
    #[serde(default)]
    pub buy_box: bool,
    /// When the offer was seen.
    #[serde(default)]
    pub seen_at: Option<DateTime<Utc>>,
}

/// An exchange rate for normalising offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Rate {
    /// From.
    pub from: Currency,
    /// To.
    pub to: Currency,
    /// Units of `to` per unit of `from`.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub rate: Decimal,
}

/// A band request (the wire format of `cargo run --example band`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
#[allow(
    missing_docs,
    reason = "the fields are documented in the wire format of the crate docs"
)]
pub struct BandRequest {
    pub currency: Currency,
    #[serde(with = "crate::serde_util::decimal_str")]
    pub current_price: Decimal,
    #[serde(default)]
    pub own_seller_ids: Vec<String>,
    #[serde(default, with = "crate::serde_util::decimal_str")]
    pub own_shipping: Decimal,
    #[serde(with = "crate::serde_util::decimal_str")]
    pub unit_cost: Decimal,
    #[serde(default, with = "crate::serde_util::decimal_str")]
    pub other_costs: Decimal,
    #[serde(default, with = "crate::serde_util::decimal_str")]
    pub landed_cost: Decimal,
    #[serde(default)]
    pub fees: Option<ScheduleSpec>,
    /// A fee schedule from the data (e.g. `amazon_us/clothing_and_accessories`), in force on
    /// the date of `now`; instead of `fees`.
    #[serde(default)]
    pub fee_schedule_id: Option<String>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub min_profit: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub min_margin_percent: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub min_price: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub max_price: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub map: Option<Decimal>,
    pub strategy: Strategy,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub max_step_percent: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub max_step_up_percent: Option<Decimal>,
    #[serde(default, with = "crate::serde_util::opt_decimal_str")]
    pub max_step_down_percent: Option<Decimal>,
    #[serde(default)]
    pub last_change_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub cool_down_minutes: u32,
    #[serde(default)]
    pub no_competitors: NoCompetitors,
    #[serde(default)]
    pub when_lowest: WhenLowest,
    #[serde(default)]
    pub ending: Option<PriceEnding>,
    #[serde(default)]
    pub filters: Filters,
    #[serde(default)]
    pub exchange_rates: Vec<Rate>,
    #[serde(default)]
    pub now: Option<DateTime<Utc>>,
    #[serde(default)]
    pub competitors: Vec<Offer>,
}

/// An excluded offer and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Excluded<'r> {
    /// The seller.
    pub seller_id: &'r str,
    /// `own_offer`, `low_rating`, `no_rating`, `excluded_fulfillment`, `excluded_condition`,
    /// `stale`, `no_seen_at`, `outlier_low`, `outlier_high`.
    pub reason: &'static str,
}

/// The band's answer. It borrows the request's texts (seller ids, the ending rule) for its
/// explanation, which is formatted only when read or serialized.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct BandResult<'r> {
    /// The new price.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub price: Decimal,
    /// Whether it differs from the current price.
    pub changed: bool,
    /// max(min_price, map, cost floor).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub floor: Decimal,
    /// The ceiling (max_price).
    #[serde(with = "crate::serde_util::decimal_str")]
    pub ceiling: Decimal,
    /// The smallest price meeting the minimum profit and margin after fees.
    #[serde(with = "crate::serde_util::decimal_str")]
    pub cost_floor: Decimal,
    /// The reference landed price, when there was one.
    #[serde(with = "crate::serde_util::opt_decimal_str")]
    pub reference: Option<Decimal>,
    /// The target item price, when there was one.
    #[serde(with = "crate::serde_util::opt_decimal_str")]
    pub target: Option<Decimal>,
    /// What decided the price: `strategy`, `floor`, `ceiling`, `step_limit`, `cool_down`,
    /// `no_competitors`, `no_change`.
    pub binding: &'static str,
    /// Excluded offers with their reasons.
    pub excluded: Vec<Excluded<'r>>,
    /// The steps: the band, then every offer as given with its landed price (or why it was
    /// excluded), the reference, the target and each limit that moved the price.
    pub trace: Vec<TraceStep<'r>>,
    /// The data the fees came from.
    pub data_version: DataVersion,
}

fn bad(field: &str, reason: impl Into<String>) -> Error {
    Error::input(field, reason)
}

fn ovf() -> Error {
    Error::overflow("price band")
}

fn round(v: Decimal, scale: u32, s: RoundingStrategy) -> Decimal {
    let mut r = v.round_dp_with_strategy(scale, s);
    r.rescale(scale);
    r
}

/// `v` on the currency's grid, half away from zero (rounding only when it has more decimals).
fn to_grid(v: Decimal, scale: u32) -> Decimal {
    let mut r = if v.scale() > scale {
        v.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero)
    } else {
        v
    };
    r.rescale(scale);
    r
}

fn pct(v: Decimal, p: Decimal) -> Result<Decimal, Error> {
    v.checked_mul(p)
        .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
        .ok_or_else(ovf)
}

const fn amount<'r>(v: Decimal) -> Note<'r> {
    Note::amount(v)
}

/// Rejects amounts a band cannot be built on, naming the field.
fn validate(req: &BandRequest) -> Result<(), Error> {
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

/// Sets a band price for `req`, explaining every step.
///
/// # Errors
/// [`Error::InvalidInput`] naming the field: no `max_price`, a negative amount, a floor above
/// the ceiling, no price in the band meeting the minimum profit and margin, a fee schedule in
/// another currency, an offer in a currency without a rate, a strategy missing its amount,
/// position or count, a filter needing `now`; and an error rather than a price whenever a
/// final invariant fails.
pub fn band<'r>(tables: &'r RateTables, req: &'r BandRequest) -> Result<BandResult<'r>, Error> {
    match (&req.fees, &req.fee_schedule_id) {
        (Some(_), Some(_)) => Err(bad(
            "fee_schedule_id",
            "give either fees or fee_schedule_id, not both",
        )),
        (Some(spec), None) => {
            let fees = spec.compile("fees")?;
            run(tables, req, Some(&fees), None)
        }
        (None, Some(id)) => {
            let day = req
                .now
                .ok_or_else(|| {
                    bad(
                        "now",
                        "fee_schedule_id needs now: the schedule in force on its date is used",
                    )
                })?
                .date_naive();
            let record = tables
                .fee_schedule(id, day)
                .map_err(|e| bad("fee_schedule_id", e.to_string()))?;
            run(tables, req, Some(record.schedule), Some((id, record)))
        }
        (None, None) => run(tables, req, None, None),
    }
}

/// [`band`] with the fee schedule already validated (a repricer that sets many prices under
/// one schedule validates it once); `fees` replaces the request's `fees`.
///
/// # Errors
/// As [`band`].
pub fn band_with_fees<'r>(
    tables: &'r RateTables,
    req: &'r BandRequest,
    fees: Option<&FeeSchedule>,
) -> Result<BandResult<'r>, Error> {
    run(tables, req, fees, None)
}

/// The pipeline; `named` is the data's schedule when the request named one (for the trace).
#[allow(
    clippy::too_many_lines,
    reason = "one pipeline, read top to bottom like the trace"
)]
fn run<'r>(
    tables: &'r RateTables,
    req: &'r BandRequest,
    fees: Option<&FeeSchedule>,
    named: Option<(&'r str, FeeScheduleRecord<'r>)>,
) -> Result<BandResult<'r>, Error> {
    let scale = req.currency.minor_unit_scale()?;
    let unit = Decimal::new(1, scale);
    let mut trace = Trace::with_capacity(req.competitors.len().saturating_add(8));
    let ceiling = req.max_price.ok_or_else(|| {
        bad(
            "max_price",
            "a band needs a ceiling: without one two repricers can push each other to absurd prices",
        )
    })?;
    validate(req)?;
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
    let current = req.current_price;
    // 5. Band (computed first: every later step is bounded by it).
    let costs = req
        .unit_cost
        .checked_add(req.other_costs)
        .and_then(|v| v.checked_add(req.landed_cost))
        .ok_or_else(ovf)?;
    let mut input = FloorInput::new(costs, unit, ceiling, scale);
    if let Some(f) = fees {
        input = input.with_fees(f);
    }
    input.min_profit = req.min_profit;
    input.min_margin_percent = req.min_margin_percent;
    let (cf, cf_rule) = if req.min_profit.is_some()
        || req.min_margin_percent.is_some()
        || fees.is_some()
    {
        let cf = cost_floor(&input)?.price;
        (
            cf,
            Note::one(
                "cost floor {}: the lowest price meeting the minimum profit and margin after the fee schedule",
                Arg::Amount(cf),
            ),
        )
    } else {
        // Without minimums the floor is the costs themselves (never sell below cost).
        let cf = round(costs, scale, RoundingStrategy::ToPositiveInfinity).max(unit);
        (
            cf,
            Note::one("cost floor {}: the costs, rounded up", Arg::Amount(cf)),
        )
    };
    let floor = [Some(cf), req.min_price, req.map]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(cf);
    if let Some((id, record)) = named {
        trace.push(
            "fees",
            Note::one("fee_schedule_id {}", Arg::Text(id)),
            match record.period.until {
                Some(until) => Note::two(
                    "the row in force from {}, replaced on {}",
                    Arg::Date(record.period.from),
                    Arg::Date(until),
                ),
                None => Note::one("the row in force from {}", Arg::Date(record.period.from)),
            },
            Note::one("source: {}", Arg::Text(record.source)),
            "data",
        );
    }
    trace.push(
        "band",
        Note::three(
            "costs {}, min_price {}, map {}",
            Arg::Amount(costs),
            Arg::Maybe(req.min_price),
            Arg::Maybe(req.map),
        ),
        Note::two("[{}, {}]", Arg::Amount(floor), Arg::Amount(ceiling)),
        cf_rule,
        "band",
    );
    if floor > ceiling {
        return Err(bad(
            "max_price",
            format!("the floor {floor} (cost floor {cf}) is above the ceiling {ceiling}"),
        ));
    }
    // 1–2. Normalise and exclude; every offer as given goes into the trace.
    let mut excluded = Vec::new();
    let mut offers: Vec<(Decimal, &Offer, usize)> = Vec::with_capacity(req.competitors.len());
    let stale_before = match req.filters.max_age_hours {
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
    };
    for (i, o) in req.competitors.iter().enumerate() {
        if let Some((reason, rule)) = exclusion(req, o, stale_before) {
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
        offers.push((landed, o, i));
    }
    // Every landed price has the currency's scale here, so mantissas order them (far cheaper
    // than comparing decimals); equal prices go by seller id, then by place in the request.
    offers.sort_unstable_by(|a, b| {
        a.0.mantissa()
            .cmp(&b.0.mantissa())
            .then_with(|| a.1.seller_id.cmp(&b.1.seller_id))
            .then_with(|| a.2.cmp(&b.2))
    });
    outliers(req, &mut offers, &mut excluded, &mut trace, scale)?;
    // 3–4 and 6. Reference, target, scenarios.
    let own_landed = current.checked_add(req.own_shipping).ok_or_else(ovf)?;
    let reference = reference(req, &offers, scale)?;
    let kept = Note::two(
        "{} offers kept of {}",
        Arg::Count(offers.len()),
        Arg::Count(req.competitors.len()),
    );
    let (mut price, mut binding, target) = match reference {
        None => {
            let (p, why) = match req.no_competitors {
                NoCompetitors::Hold => (current, "no_competitors: hold"),
                NoCompetitors::Ceiling => (ceiling, "no_competitors: ceiling"),
                NoCompetitors::Floor => (floor, "no_competitors: floor"),
            };
            trace.push(
                "reference",
                kept,
                amount(p),
                Note::text(why),
                "no_competitors",
            );
            (p, "no_competitors", None)
        }
        Some(r) => {
            trace.push(
                "reference",
                kept,
                amount(r),
                reference_rule(&req.strategy),
                "reference",
            );
            let lowest = offers.first().map(|o| o.0);
            let already_lowest = lowest.is_some_and(|l| own_landed < l);
            let t = if already_lowest && req.when_lowest == WhenLowest::Hold {
                trace.push(
                    "target",
                    Note::two(
                        "own landed {} under the lowest {}",
                        Arg::Amount(own_landed),
                        Arg::Maybe(lowest),
                    ),
                    amount(current),
                    Note::text("when_lowest: hold"),
                    "already_lowest",
                );
                None
            } else if already_lowest {
                let next = lowest.unwrap_or(r);
                let t = next
                    .checked_sub(unit)
                    .and_then(|v| v.checked_sub(req.own_shipping))
                    .ok_or_else(ovf)?;
                trace.push(
                    "target",
                    amount(next),
                    amount(t),
                    Note::text(
                        "when_lowest: raise_to_next, one minor unit under the next offer, minus own shipping",
                    ),
                    "already_lowest",
                );
                Some(t)
            } else {
                let landed = target(req, r, scale)?;
                let t = landed.checked_sub(req.own_shipping).ok_or_else(ovf)?;
                trace.push(
                    "target",
                    amount(r),
                    amount(t),
                    strategy_rule(&req.strategy),
                    "strategy",
                );
                Some(t)
            };
            match t {
                None => (current, "no_change", Some(current)),
                Some(t) => (t, "strategy", Some(t)),
            }
        }
    };
    // Clamp into the band (target below the floor → floor).
    if price < floor {
        trace.push(
            "band",
            amount(price),
            amount(floor),
            Note::text("below the floor"),
            "floor",
        );
        price = floor;
        binding = "floor";
    } else if price > ceiling {
        trace.push(
            "band",
            amount(price),
            amount(ceiling),
            Note::text("above the ceiling"),
            "ceiling",
        );
        price = ceiling;
        binding = "ceiling";
    }
    // 7. Cool-down and step limit; the band wins over both.
    let cooling = match (req.last_change_at, req.now) {
        (Some(last), Some(now)) if req.cool_down_minutes > 0 => last
            .checked_add_signed(TimeDelta::minutes(i64::from(req.cool_down_minutes)))
            .is_some_and(|until| now < until),
        (Some(_), None) if req.cool_down_minutes > 0 => {
            return Err(bad("now", "a cool-down needs now"));
        }
        _ => false,
    };
    let default_step = req.max_step_percent.unwrap_or(Decimal::from(5));
    let up_pct = req.max_step_up_percent.unwrap_or(default_step);
    let down_pct = req.max_step_down_percent.unwrap_or(default_step);
    let step_up = round(
        current.checked_add(pct(current, up_pct)?).ok_or_else(ovf)?,
        scale,
        RoundingStrategy::ToNegativeInfinity,
    );
    let step_down = round(
        current
            .checked_sub(pct(current, down_pct)?)
            .ok_or_else(ovf)?,
        scale,
        RoundingStrategy::ToPositiveInfinity,
    );
    if cooling && price != current {
        trace.push(
            "cool_down",
            amount(price),
            amount(current),
            Note::two(
                "{} minutes since the last change at {}",
                Arg::Count(usize::try_from(req.cool_down_minutes).unwrap_or(usize::MAX)),
                Arg::Time(req.last_change_at),
            ),
            "cool_down",
        );
        price = current;
        binding = "cool_down";
    } else if price > step_up {
        trace.push(
            "step_limit",
            amount(price),
            amount(step_up),
            Note::one("at most +{} % per change", Arg::Amount(up_pct)),
            "step_limit",
        );
        price = step_up;
        binding = "step_limit";
    } else if price < step_down {
        trace.push(
            "step_limit",
            amount(price),
            amount(step_down),
            Note::one("at most −{} % per change", Arg::Amount(down_pct)),
            "step_limit",
        );
        price = step_down;
        binding = "step_limit";
    }
    let mut forced = if price < floor {
        trace.push(
            "band",
            amount(price),
            amount(floor),
            Note::text("the floor wins over the step limit and cool-down"),
            "floor",
        );
        price = floor;
        binding = "floor";
        true
    } else if price > ceiling {
        trace.push(
            "band",
            amount(price),
            amount(ceiling),
            Note::text("the ceiling wins over the step limit and cool-down"),
            "ceiling",
        );
        price = ceiling;
        binding = "ceiling";
        true
    } else {
        false
    };
    price = round(price, scale, RoundingStrategy::MidpointAwayFromZero);
    // 8. Ending: the nearest allowed ending inside the band (and the step limit, unless forced).
    // A price held (cool-down, or no move asked for) keeps its digits: an ending never moves
    // a price the strategy did not move.
    let (lo, hi) = if forced {
        (floor, ceiling)
    } else {
        (floor.max(step_down), ceiling.min(step_up))
    };
    if let Some(e) = &req.ending {
        let (to, reason) = if binding == "cool_down" || price == current {
            (price, "held")
        } else {
            match ending_in(e, price, lo, hi, scale)? {
                Some(p) => (p, "ending"),
                None => (price, "no_ending_in_band"),
            }
        };
        trace.push(
            "ending",
            amount(price),
            amount(to),
            Note::one("{}", Arg::Ending(e)),
            reason,
        );
        price = to;
    }
    // A fee cliff can leave prices above the cost floor that do not meet the minimums: never
    // return one; take the nearest qualifying price, below first, inside the limits (the
    // band alone when the limits hold none).
    let checks = req.min_profit.is_some() || req.min_margin_percent.is_some();
    if checks && !qualifies(&input, price)? {
        let found = match nearest_qualifying(&input, price, lo, hi)? {
            Some(p) => Some(p),
            None => nearest_qualifying(&input, price, floor, ceiling)?,
        };
        let p = found.ok_or_else(|| {
            bad(
                "max_price",
                format!("no price in [{floor}, {ceiling}] meets the minimum profit and margin"),
            )
        })?;
        trace.push(
            "profit",
            amount(price),
            amount(p),
            Note::text(
                "the price is inside a fee cliff's dead zone: the nearest price meeting the minimums",
            ),
            "floor",
        );
        if p < lo || p > hi {
            // Only the band could hold a profitable price: like the floor, it wins over the
            // step limit.
            binding = "floor";
            forced = true;
        }
        price = p;
    }
    // 9. Invariants, checked on the output.
    let on_grid = round(price, scale, RoundingStrategy::ToZero) == price;
    let in_step = forced || binding == "cool_down" || (price >= step_down && price <= step_up);
    if !(floor <= price && price <= ceiling && on_grid && (in_step || price == current)) {
        return Err(bad(
            "price",
            format!(
                "invariant failed for {price}: band [{floor}, {ceiling}], step [{step_down}, {step_up}]"
            ),
        ));
    }
    Ok(BandResult {
        price,
        changed: price != current,
        floor,
        ceiling,
        cost_floor: cf,
        reference,
        target,
        binding,
        excluded,
        trace: trace.0,
        data_version: tables.version().clone(),
    })
}

fn strategy_rule(s: &Strategy) -> Note<'static> {
    let by = match (s.action, s.amount, s.percent) {
        (Action::Match, _, _) => return Note::text("match the reference, minus own shipping"),
        (_, Some(a), _) => Arg::Amount(a),
        (_, None, Some(p)) => {
            return match s.action {
                Action::Beat => Note::one(
                    "beat by {} %, rounded down, minus own shipping",
                    Arg::Amount(p),
                ),
                _ => Note::one(
                    "stay above by {} %, rounded up, minus own shipping",
                    Arg::Amount(p),
                ),
            };
        }
        (_, None, None) => Arg::None,
    };
    match s.action {
        Action::Beat => Note::one("beat by {}, minus own shipping", by),
        _ => Note::one("stay above by {}, minus own shipping", by),
    }
}

fn reference_rule(s: &Strategy) -> Note<'static> {
    let count = |n: Option<usize>| Arg::Count(n.unwrap_or(0));
    match s.reference {
        Reference::Lowest => Note::text("the lowest landed offer"),
        Reference::SecondLowest => Note::text("the second lowest landed offer"),
        Reference::Position => Note::one("the landed offer at position {}", count(s.position)),
        Reference::AverageLowest => Note::one(
            "the average of the {} lowest landed offers, to the minor unit",
            count(s.count),
        ),
        Reference::Median => Note::text("the median landed offer"),
        Reference::BuyBox => Note::text("the buy-box offer"),
    }
}

/// Why `o` is left out, with the rule that left it out.
fn exclusion<'r>(
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

/// `amount` in the band's currency, with the rule that converted it.
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

/// The median landed price of offers sorted by price.
fn median(sorted: &[(Decimal, &Offer, usize)], scale: u32) -> Option<Decimal> {
    let n = sorted.len();
    let mid = n / 2;
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        sorted.get(mid).map(|o| o.0)
    } else {
        let (a, b) = (sorted.get(mid.checked_sub(1)?)?.0, sorted.get(mid)?.0);
        Some(round(
            a.checked_add(b)?.checked_div(Decimal::TWO)?,
            scale,
            RoundingStrategy::MidpointAwayFromZero,
        ))
    }
}

fn outliers<'r>(
    req: &'r BandRequest,
    offers: &mut Vec<(Decimal, &'r Offer, usize)>,
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
    offers.retain(|(p, o, _)| {
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
                Note::two("{} landed {}", Arg::Text(&o.seller_id), Arg::Amount(*p)),
                Note::text("excluded"),
                rule,
                reason,
            );
        }
        keep
    });
    Ok(())
}

fn reference(
    req: &BandRequest,
    offers: &[(Decimal, &Offer, usize)],
    scale: u32,
) -> Result<Option<Decimal>, Error> {
    let s = &req.strategy;
    let at = |n: usize| offers.get(n).map(|o| o.0);
    Ok(match s.reference {
        Reference::Lowest => at(0),
        Reference::SecondLowest => at(1),
        Reference::Position => {
            let p = s
                .position
                .filter(|p| *p >= 1)
                .ok_or_else(|| bad("strategy.position", "give the position, 1 for the lowest"))?;
            at(p.saturating_sub(1))
        }
        Reference::AverageLowest => {
            let n = s
                .count
                .filter(|c| *c >= 1)
                .ok_or_else(|| bad("strategy.count", "give how many lowest offers to average"))?;
            let take: Vec<Decimal> = offers.iter().take(n).map(|o| o.0).collect();
            if take.is_empty() {
                None
            } else {
                let sum = take
                    .iter()
                    .try_fold(Decimal::ZERO, |a, b| a.checked_add(*b))
                    .ok_or_else(ovf)?;
                Some(round(
                    sum.checked_div(Decimal::from(take.len())).ok_or_else(ovf)?,
                    scale,
                    RoundingStrategy::MidpointAwayFromZero,
                ))
            }
        }
        Reference::Median => median(offers, scale),
        Reference::BuyBox => offers.iter().find(|o| o.1.buy_box).map(|o| o.0),
    })
}

fn target(req: &BandRequest, r: Decimal, scale: u32) -> Result<Decimal, Error> {
    let s = &req.strategy;
    let delta = match (s.amount, s.percent) {
        (Some(a), None) => a,
        (None, Some(p)) => pct(r, p)?,
        (None, None) if s.action == Action::Match => Decimal::ZERO,
        _ => {
            return Err(bad(
                "strategy.amount",
                "give exactly one of amount and percent (match needs neither)",
            ));
        }
    };
    Ok(match s.action {
        Action::Match => r,
        // Beating rounds down and staying above rounds up, so the result keeps its promise.
        Action::Beat => round(
            r.checked_sub(delta).ok_or_else(ovf)?,
            scale,
            RoundingStrategy::ToNegativeInfinity,
        ),
        Action::Above => round(
            r.checked_add(delta).ok_or_else(ovf)?,
            scale,
            RoundingStrategy::ToPositiveInfinity,
        ),
    })
}

/// The ending of `price` inside `[lo, hi]`: the rule as written when its result is inside,
/// else the nearest allowed ending of an increment rule (either direction) inside.
fn ending_in(
    e: &PriceEnding,
    price: Decimal,
    lo: Decimal,
    hi: Decimal,
    scale: u32,
) -> Result<Option<Decimal>, Error> {
    // The rule as written wins when its price is inside the band.
    if let Ok(p) = e.compile(scale, "ending")?.apply(price)
        && p >= lo
        && p <= hi
    {
        return Ok(Some(p));
    }
    let mut candidates = Vec::new();
    match e {
        PriceEnding::Increment(i) => {
            for d in [
                EndingDirection::Down,
                EndingDirection::Up,
                EndingDirection::Nearest,
            ] {
                let rule = PriceEnding::Increment(IncrementEnding {
                    direction: d,
                    ..i.clone()
                });
                if let Ok(p) = rule.compile(scale, "ending")?.apply(price) {
                    candidates.push(p);
                }
            }
        }
        PriceEnding::Ranges { .. } => {
            if let Ok(p) = e.compile(scale, "ending")?.apply(price) {
                candidates.push(p);
            }
        }
    }
    Ok(candidates
        .into_iter()
        .filter(|p| *p >= lo && *p <= hi)
        .min_by_key(|p| (p.checked_sub(price).map(|d| d.abs()), *p)))
}
