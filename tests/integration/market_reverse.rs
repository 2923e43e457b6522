//! Reverse DDP pricing (issue 20, point 1): the solved price quotes to the target exactly, or
//! the nearest totals bracket it; the solver agrees with a plain bisection (the reference);
//! thresholds are reported on both sides; the wire format and its errors.

use landed::market::reverse::ReverseRequest;
use landed::{Decimal, Error, Quote, QuoteRequest, RateTables};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};

use crate::{landed_diff, landed_diff_ch_no_sg_kr, landed_diff_cn_br_mx};

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

fn forward(v: &Value) -> Result<Quote, Error> {
    tables().quote(&QuoteRequest::from_json(&v.to_string())?)
}

/// The reverse request of `v` with these line targets.
fn reverse_of(v: &Value, targets: &[Decimal]) -> ReverseRequest {
    let mut r = v.clone();
    r["incoterm"] = json!("DDP");
    for (line, t) in r["lines"].as_array_mut().unwrap().iter_mut().zip(targets) {
        let o = line.as_object_mut().unwrap();
        o.remove("unit_price");
        o.insert("target_total".into(), json!(t.to_string()));
    }
    ReverseRequest::from_json(&r.to_string()).unwrap()
}

/// The forward quote of `r` with these unit prices.
fn quote_at(r: &ReverseRequest, prices: &[Decimal]) -> Result<Quote, Error> {
    let mut req = r.request.clone();
    for (line, p) in req.lines.iter_mut().zip(prices) {
        line.unit_price = *p;
    }
    tables().quote(&req)
}

// ------------------------------------------------------------------------------------------
// The reference: the same unknown (the lead line's price in minor units, the other lines in
// proportion), found by plain bisection over 0 ..= 10^15, with nothing clever.

/// Each line's target per unit.
fn per_unit(r: &ReverseRequest) -> Vec<Decimal> {
    r.targets
        .iter()
        .zip(&r.request.lines)
        .map(|(t, l)| t / l.quantity)
        .collect()
}

/// The line with the highest target per unit, the first on a tie.
fn lead_of(r: &ReverseRequest) -> usize {
    let u = per_unit(r);
    let mut lead = 0;
    for (i, v) in u.iter().enumerate() {
        if *v > u[lead] {
            lead = i;
        }
    }
    lead
}

/// Each line's price when the lead line's is `x` minor units.
fn reference_prices(r: &ReverseRequest, x: i64) -> Vec<Decimal> {
    let scale = r.request.currency.exponent().unwrap();
    let (u, lead) = (per_unit(r), lead_of(r));
    let lead_price = Decimal::new(x, scale);
    u.iter()
        .enumerate()
        .map(|(i, v)| {
            if i == lead {
                lead_price
            } else {
                (lead_price * (v / u[lead])).round_dp_with_strategy(
                    scale,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                )
            }
        })
        .collect()
}

/// The reference's answer: `(x, total)` below (at most the target) and above, adjacent.
type Crossing = (Option<(i64, Decimal)>, Option<(i64, Decimal)>);

/// A price whose quote fails counts as above every target; if the answer's upper end is such
/// a price, the answer is its error.
fn reference_solve(r: &ReverseRequest) -> Result<Crossing, Error> {
    let target: Decimal = r.targets.iter().sum();
    let total = |x: i64| match quote_at(r, &reference_prices(r, x)) {
        Ok(q) => Ok(q.landed_total),
        Err(_) if x > 0 => Ok(Decimal::MAX),
        Err(e) => Err(e),
    };
    let zero = total(0)?;
    if zero > target {
        return Ok((None, Some((0, zero))));
    }
    // Doubling to an upper end, then halving.
    let (mut lo, mut lo_total) = (0_i64, zero);
    let mut hi = 1_i64;
    let mut hi_total = total(hi)?;
    while hi_total <= target {
        if hi >= 1_000_000_000_000_000 {
            return Ok((Some((hi, hi_total)), None));
        }
        (lo, lo_total) = (hi, hi_total);
        hi = (hi * 2).min(1_000_000_000_000_000);
        hi_total = total(hi)?;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let t = total(mid)?;
        if t > target {
            (hi, hi_total) = (mid, t);
        } else {
            (lo, lo_total) = (mid, t);
        }
    }
    if hi_total == Decimal::MAX {
        return quote_at(r, &reference_prices(r, hi)).map(|_| (None, None));
    }
    Ok((Some((lo, lo_total)), Some((hi, hi_total))))
}

// ------------------------------------------------------------------------------------------
// The laws.

/// Requests of every regime of both parts, from the differential tests' generators.
fn any_request() -> impl Strategy<Value = Value> {
    prop_oneof![
        landed_diff::requests(),
        landed_diff_ch_no_sg_kr::requests(),
        landed_diff_cn_br_mx::requests(),
    ]
}

/// Targets for the lines of `v` whose forward quote is `q`: the order's landed total scaled
/// by `factor` (‰), split in proportion to the lines' goods, in whole minor units.
fn targets(v: &Value, q: &Quote, factor: u32) -> Option<Vec<Decimal>> {
    let scale = q.currency.exponent()?;
    let total = (q.landed_total * Decimal::from(factor) / Decimal::from(1000)).round_dp(scale);
    let weights: Vec<Decimal> = q.lines.iter().map(|l| l.goods_value).collect();
    let sum: Decimal = weights.iter().sum();
    if sum.is_zero() || total <= Decimal::ZERO || weights.iter().any(|w| w.is_zero()) {
        return None;
    }
    let mut out: Vec<Decimal> = weights
        .iter()
        .map(|w| (total * w / sum).round_dp(scale))
        .collect();
    let rest = total - out.iter().sum::<Decimal>();
    *out.last_mut()? += rest;
    (out.len() == v["lines"].as_array()?.len() && out.iter().all(|t| *t > Decimal::ZERO))
        .then_some(out)
}

/// What one drawn case showed.
#[derive(Default)]
struct Tally {
    solved: u32,
    unreachable: u32,
    two_crossings: u32,
    reference_failed: u32,
}

/// The laws on the engine's answer alone: a solved price quotes to the target; the nearest
/// totals bracket it.
fn laws_only(
    r: &ReverseRequest,
    engine: &Result<landed::market::Solved, Error>,
    target: Decimal,
) -> Result<(), String> {
    match engine {
        Ok(s) => {
            let again = quote_at(r, &s.solved_unit_price).map_err(|e| e.to_string())?;
            (again.landed_total == target)
                .then_some(())
                .ok_or_else(|| format!("solved quotes {}", again.landed_total))
        }
        Err(Error::TargetUnreachable { below, above, .. }) => {
            let b = below.as_ref().map_or(Decimal::MIN, |b| b.landed_total);
            let a = above.as_ref().map_or(Decimal::MAX, |a| a.landed_total);
            (b < target && a > target)
                .then_some(())
                .ok_or_else(|| format!("{b} and {a} do not bracket {target}"))
        }
        Err(_) => Ok(()),
    }
}

fn check(v: &Value, factor: u32, tally: &mut Tally) -> Result<(), String> {
    let Ok(q) = forward(v) else { return Ok(()) };
    let Some(ts) = targets(v, &q, factor) else {
        return Ok(());
    };
    let r = reverse_of(v, &ts);
    let target: Decimal = ts.iter().sum();
    let valid = |below: (i64, Decimal), above: (i64, Decimal)| {
        above.0 == below.0 + 1 && below.1 <= target && above.1 > target
    };
    let reference = reference_solve(&r);
    let engine = tables().reverse(&r);
    let req = serde_json::to_string(v).unwrap();
    let reference = match (reference, &engine) {
        (Ok(c), _) => c,
        // Both meet a price that cannot be quoted (not necessarily the same one).
        (Err(_), Err(e)) if !e.is_target_unreachable() => return Ok(()),
        (Err(e), _) => {
            // The engine's search did not visit the price the reference failed at: its
            // answer must still hold by the laws below, against a reference that cannot say.
            tally.reference_failed += 1;
            return laws_only(&r, &engine, target)
                .map_err(|m| format!("{req}: {m} (reference: {e})"));
        }
    };
    let lead_x = |prices: &[Decimal]| -> i64 {
        let scale = r.request.currency.exponent().unwrap();
        (prices[lead_of(&r)] * Decimal::from(10_i64.pow(scale)))
            .try_into()
            .unwrap()
    };
    match engine {
        Ok(s) => {
            // Law: quoting the solved prices reproduces the target to the minor unit.
            let again = quote_at(&r, &s.solved_unit_price).map_err(|e| e.to_string())?;
            if again.landed_total != target || s.quote.landed_total != target {
                return Err(format!(
                    "{req}: solved {:?} quotes {}",
                    s.solved_unit_price, again.landed_total
                ));
            }
            let x = lead_x(&s.solved_unit_price);
            match reference {
                (Some((rx, rt)), _) if rx == x && rt == target => {}
                (Some(b), Some(a)) if valid(b, a) => tally.two_crossings += 1,
                other => return Err(format!("{req}: engine x={x}, reference {other:?}")),
            }
            tally.solved += 1;
        }
        Err(Error::TargetUnreachable { below, above, .. }) => {
            // Law: the nearest totals bracket the target, one minor unit of price apart.
            let point = |r: &Option<Box<landed::market::Reached>>| {
                r.as_ref().map(|r| (lead_x(&r.unit_prices), r.landed_total))
            };
            let (eb, ea) = (point(&below), point(&above));
            let ok = match (eb, ea) {
                (Some(b), Some(a)) => valid(b, a),
                (None, Some(a)) => a.0 == 0 && a.1 > target,
                (Some(b), None) => b.1 < target,
                (None, None) => false,
            };
            if !ok {
                return Err(format!(
                    "{req}: the nearest do not bracket {target}: {eb:?} {ea:?}"
                ));
            }
            if (eb, ea) != reference {
                match reference {
                    (Some(b), Some(a)) if valid(b, a) => tally.two_crossings += 1,
                    other => {
                        return Err(format!("{req}: engine {eb:?} {ea:?}, reference {other:?}"));
                    }
                }
            }
            tally.unreachable += 1;
        }
        Err(e) => return Err(format!("{req}: engine fails alone: {e}")),
    }
    Ok(())
}

fn run(cases: u32) -> Tally {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let tally = std::cell::RefCell::new(Tally::default());
    // Factor 1000 keeps the drawn order's own total (a solution exists at the drawn prices
    // when they are whole minor units); the others move it anywhere from a half to double.
    let strategy = (any_request(), prop_oneof![Just(1000_u32), 500_u32..2000]);
    let result = runner.run(&strategy, |(v, factor)| {
        check(&v, factor, &mut tally.borrow_mut()).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    tally.into_inner()
}

#[test]
fn reverse_solved_price_reproduces_the_target_or_the_nearest_bracket_it() {
    // 600 draws: about 150 solve (mean of ten runs of 300: 75, as low as 60), so the share
    // asked for (over a fifth solved) is about three deviations from a random failure.
    let t = run(600);
    assert!(
        t.solved > 120 && t.unreachable > 10,
        "{} solved, {} unreachable",
        t.solved,
        t.unreachable
    );
}

#[test]
#[ignore = "long: 20,000 requests; run in release"]
fn reverse_solved_price_reproduces_the_target_on_20000_requests() {
    let n = std::env::var("REVERSE_CASES").map_or(20_000, |v| v.parse().unwrap());
    let t = run(n);
    eprintln!(
        "{} solved, {} unreachable, {} with two crossings, {} where the reference met a failing quote",
        t.solved, t.unreachable, t.two_crossings, t.reference_failed
    );
}

// ------------------------------------------------------------------------------------------
// Thresholds: targets just below, at and above each regime's threshold.

/// A one-line request at `price` (as the discovery of each threshold used).
fn one_line(dest: &str, currency: &str, regs: &[&str], hs: &str, price: &str) -> Value {
    let mut line = json!({"hs_code": hs, "quantity": "1", "unit_price": price, "origin": "CN"});
    let mut v = json!({"date": "2026-11-25", "destination": dest, "currency": currency,
        "ship_from": "CN", "seller_registrations": regs, "lines": []});
    match dest {
        "JP" => {
            line["duty_rate"] = json!("0");
            v["buyer"] = json!("business");
        }
        "KR" => {
            line["duty_rate"] = json!("8");
            v["exchange_rates"] = json!([{"from": "USD", "to": "KRW", "rate": "1400"}]);
        }
        "BR" => {
            v["region"] = json!("SP");
            v["exchange_rates"] = json!([{"from": "USD", "to": "BRL", "rate": "5.4"}]);
        }
        _ => {}
    }
    v["lines"] = json!([line]);
    v
}

/// Each regime's threshold: the request, the last unit price under the lower rules and the
/// first above, and the regimes on each side (EU €150, GB £135, AU A$1,000, NO NOK 3,000 per
/// item, SG S$400, JP ¥10,000, KR USD 150, BR US$50 (same regime, another rate), CH: import VAT
/// of CHF 5 or less not levied).
/// Destination, currency, registration, HS code, last and first price, regimes below and above.
type Threshold = (S, S, S, S, S, S, S, S);
type S = &'static str;

const THRESHOLDS: [Threshold; 9] = [
    (
        "DE",
        "EUR",
        "EU_IOSS",
        "610910",
        "150.00",
        "150.01",
        "eu_ioss",
        "eu_import",
    ),
    (
        "GB",
        "GBP",
        "GB_VAT",
        "610910",
        "135.00",
        "135.01",
        "gb_low_value",
        "gb_import",
    ),
    (
        "AU",
        "AUD",
        "AU_GST",
        "85183010",
        "1000.00",
        "1000.01",
        "au_lvig",
        "au_import",
    ),
    (
        "NO",
        "NOK",
        "NO_VOEC",
        "851830",
        "2999.99",
        "3000.00",
        "no_voec",
        "no_import",
    ),
    (
        "SG",
        "SGD",
        "SG_OVR",
        "610910",
        "400.00",
        "400.01",
        "sg_ovr",
        "sg_import",
    ),
    (
        "JP",
        "JPY",
        "",
        "851830",
        "10000",
        "10001",
        "jp_small_amount",
        "jp_import",
    ),
    (
        "KR",
        "USD",
        "",
        "851830",
        "150.00",
        "150.01",
        "kr_list_clearance",
        "kr_import",
    ),
    (
        "BR",
        "USD",
        "BR_REMESSA_CONFORME",
        "851830",
        "50.00",
        "50.01",
        "br_remessa_conforme",
        "br_remessa_conforme",
    ),
    (
        "CH",
        "CHF",
        "",
        "851830",
        "61.79",
        "61.80",
        "ch_small_tax_amount",
        "ch_import",
    ),
];

#[test]
fn reverse_targets_below_at_and_above_each_threshold_give_their_side_and_warn() {
    for (dest, cur, reg, hs, last, first, low, high) in THRESHOLDS {
        let regs: Vec<&str> = [reg].into_iter().filter(|r| !r.is_empty()).collect();
        let at = |price: &str| forward(&one_line(dest, cur, &regs, hs, price)).unwrap();
        let (q_last, q_first) = (at(last), at(first));
        assert_eq!((&*q_last.regime, &*q_first.regime), (low, high), "{dest}");
        let minor = Decimal::new(1, q_last.currency.exponent().unwrap());
        for (target, side, price) in [
            (q_last.landed_total - minor, low, None),
            (q_last.landed_total, low, Some(last)),
            (q_first.landed_total, high, Some(first)),
            (q_first.landed_total + minor, high, None),
        ] {
            let v = one_line(dest, cur, &regs, hs, last);
            let s = tables().reverse(&reverse_of(&v, &[target]));
            let s = match s {
                Ok(s) => s,
                // A target the jump skips: its nearest totals are on both sides.
                Err(Error::TargetUnreachable { below, above, .. }) if price.is_none() => {
                    let (b, a) = (below.unwrap(), above.unwrap());
                    assert!(b.landed_total < target && a.landed_total > target, "{dest}");
                    continue;
                }
                Err(e) => panic!("{dest} {target}: {e}"),
            };
            assert_eq!(s.quote.landed_total, target, "{dest}");
            assert_eq!(&*s.quote.regime, side, "{dest} {target}");
            if let Some(p) = price {
                assert_eq!(
                    s.solved_unit_price,
                    [p.parse::<Decimal>().unwrap()],
                    "{dest}"
                );
            }
            // Both sides of the change, and the warning.
            let n = &s.near_thresholds;
            assert_eq!(n.len(), 1, "{dest} {target}: {n:?}");
            assert_eq!(
                n[0].below.unit_prices,
                [last.parse::<Decimal>().unwrap()],
                "{dest}"
            );
            assert_eq!(
                n[0].above.unit_prices,
                [first.parse::<Decimal>().unwrap()],
                "{dest}"
            );
            assert_eq!((&*n[0].below.regime, &*n[0].above.regime), (low, high));
            assert!(
                s.quote
                    .warnings
                    .iter()
                    .any(|w| w.contains("change of rules")),
                "{dest}: {:?}",
                s.quote.warnings
            );
        }
    }
}

#[test]
fn reverse_far_from_any_threshold_reports_none() {
    let v = one_line("DE", "EUR", &["EU_IOSS"], "610910", "100.00");
    let target = forward(&v).unwrap().landed_total;
    let s = tables().reverse(&reverse_of(&v, &[target])).unwrap();
    assert_eq!(s.solved_unit_price, [Decimal::new(10000, 2)]);
    assert!(s.near_thresholds.is_empty());
    assert!(
        !s.quote
            .warnings
            .iter()
            .any(|w| w.starts_with("target_total"))
    );
    // The distance is an option: 0 turns the check off, a wide one finds the €150 change.
    let mut r = reverse_of(&v, &[target]);
    r.options.near_threshold_percent = Decimal::from(60);
    let s = tables().reverse(&r).unwrap();
    assert_eq!(
        s.near_thresholds[0].below.unit_prices,
        [Decimal::new(15000, 2)]
    );
}

// ------------------------------------------------------------------------------------------
// Shapes, refusals and the wire format.

#[test]
fn reverse_a_proportional_multi_line_order() {
    // Two lines, targets 60 and 30 per unit: the second line's price is half the first's.
    let v = json!({"date": "2026-11-25", "destination": "DE", "currency": "EUR",
        "shipping": "4.90", "seller_registrations": ["EU_IOSS"], "lines": [
        {"hs_code": "610910", "quantity": "1", "target_total": "60.00", "origin": "CN"},
        {"hs_code": "640411", "quantity": "2", "target_total": "60.00", "origin": "CN"}]});
    let r = ReverseRequest::from_json(&v.to_string()).unwrap();
    match tables().reverse(&r) {
        Ok(s) => {
            assert_eq!(s.quote.landed_total, Decimal::from(120));
            let p = &s.solved_unit_price;
            assert_eq!(p[1], (p[0] / Decimal::TWO).round_dp(2), "{p:?}");
        }
        Err(Error::TargetUnreachable { below, above, .. }) => {
            let (b, a) = (below.unwrap(), above.unwrap());
            assert!(b.landed_total < Decimal::from(120) && a.landed_total > Decimal::from(120));
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn reverse_a_target_below_the_total_at_a_zero_price_is_unreachable() {
    let v = json!({"date": "2026-11-25", "destination": "DE", "currency": "EUR",
        "shipping": "20.00", "seller_registrations": ["EU_IOSS"], "lines": [
        {"hs_code": "610910", "quantity": "1", "target_total": "10.00", "origin": "CN"}]});
    let e = tables()
        .reverse(&ReverseRequest::from_json(&v.to_string()).unwrap())
        .unwrap_err();
    let Error::TargetUnreachable { below, above, .. } = &e else {
        panic!("{e}");
    };
    assert!(below.is_none());
    assert_eq!(above.as_ref().unwrap().unit_prices, [Decimal::ZERO]);
    assert!(e.to_string().contains("nearest below: none"), "{e}");
}

#[test]
fn reverse_refuses_dap_fine_targets_and_bad_options_naming_the_field() {
    let base = json!({"date": "2026-11-25", "destination": "DE", "currency": "EUR",
        "lines": [{"hs_code": "610910", "quantity": "1", "target_total": "49.99", "origin": "CN"}]});
    let err = |v: &Value| -> String {
        match ReverseRequest::from_json(&v.to_string()) {
            Ok(r) => tables().reverse(&r).unwrap_err().to_string(),
            Err(e) => e.to_string(),
        }
    };
    // (a field set on the base request, the start of the error it must give)
    for (path, value, starts) in [
        ("incoterm", "DAP", "incoterm: "),
        (
            "target_total",
            "49.995",
            "lines[0].target_total: 49.995 has more decimals",
        ),
        (
            "target_total",
            "0",
            "lines[0].target_total: 0 is not positive",
        ),
        ("target_total", "49,99", "lines[0].target_total"),
        ("near_threshold_percent", "100", "near_threshold_percent: "),
    ] {
        let mut v = base.clone();
        if path == "target_total" {
            v["lines"][0][path] = json!(value);
        } else {
            v[path] = json!(value);
        }
        assert!(err(&v).starts_with(starts), "{path}: {}", err(&v));
    }
}

#[test]
fn reverse_the_sample_request_solves_and_serializes_the_wire_fields() {
    let path = format!(
        "{}/examples/requests/reverse_de.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let landed::market::reverse::Request::Reverse(r) =
        landed::market::reverse::Request::from_json(&text).unwrap()
    else {
        panic!("not a reverse request");
    };
    let s = tables().reverse(&r).unwrap();
    let json: Value = serde_json::from_str(&s.to_json().unwrap()).unwrap();
    assert_eq!(json["landed_total"], json!("49.99"));
    assert_eq!(json["solved_unit_price"], json!(["34.59"]));
    assert!(json["charges"].is_array() && json["data_version"].is_string());
}
