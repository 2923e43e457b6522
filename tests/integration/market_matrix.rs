//! The market matrix (issue 20, points 3 and 4): every cell equals a forward quote of its
//! goods price and figures recomputed plainly here; target, margin-goal and floor modes;
//! DAP markets; drift; errors per cell and per market; explanations.

use landed::market::MatrixRequest;
use landed::market::matrix::{Binding, Cell, Matrix};
use landed::{Currency, Decimal, Quote, QuoteRequest, RateTables};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

const DATE: &str = "2026-07-21";

/// Markets of both parts of the landed-cost regimes, with endings, markups and floors.
fn markets() -> Value {
    let charm = json!({"kind": "increment", "increment": "1.00", "offset": "-0.01"});
    json!([
        {"id": "DE", "destination": "DE", "markup_bps": 150, "seller_registrations": ["EU_IOSS"],
         "shipping": "4.50", "ending": charm},
        {"id": "FR-DAP", "destination": "FR", "incoterm": "DAP", "markup_bps": 100, "shipping": "4.50"},
        {"id": "GB", "destination": "GB", "markup_bps": 150, "seller_registrations": ["GB_VAT"],
         "shipping": "4.50", "ending": charm},
        {"id": "JP", "destination": "JP", "markup_bps": 200, "shipping": "6.00",
         "ending": {"kind": "increment", "increment": "10", "offset": "-20"}},
        {"id": "US", "destination": "US", "shipping": "5.00",
         "fee_schedule": "amazon_us/clothing_and_accessories", "min_profit": "1.00"},
        {"id": "AU", "destination": "AU", "markup_bps": 120, "seller_registrations": ["AU_GST"],
         "shipping": "7.00", "ending": {"kind": "increment", "increment": "0.05", "offset": "0"}},
        {"id": "CH", "destination": "CH", "markup_bps": 150, "shipping": "5.00"},
        {"id": "NO", "destination": "NO", "markup_bps": 150, "seller_registrations": ["NO_VOEC"],
         "shipping": "5.00", "ending": {"kind": "increment", "increment": "10", "offset": "-1"}},
        {"id": "SG", "destination": "SG", "markup_bps": 150, "seller_registrations": ["SG_OVR"],
         "shipping": "5.00"},
        {"id": "KR", "destination": "KR", "markup_bps": 150, "shipping": "5.00",
         "ending": {"kind": "increment", "increment": "100", "offset": "0"}}
    ])
}

/// A T-shirt with the national codes its markets' tariffs need.
fn product(sku: &str, base: &str, cost: &str) -> Value {
    json!({"sku": sku, "hs_code": "610910", "origin": "CN", "unit_cost": cost, "base_price": base,
           "hs_codes": {"JP": "610910020", "US": "6109100012", "AU": "61091000", "CH": "610910",
                        "NO": "610910", "SG": "610910", "KR": "610910"}})
}

fn request(markets: Value, products: Value, extra: Value) -> MatrixRequest {
    let mut v = json!({"date": DATE, "currency": "USD", "ship_from": "CN",
                       "markets": markets, "products": products});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    MatrixRequest::from_json(&v.to_string()).unwrap()
}

fn cell<'a>(m: &'a Matrix, market: &str) -> &'a Cell {
    m.cells
        .iter()
        .find(|c| &*c.market == market)
        .unwrap_or_else(|| panic!("no cell for {market}: {:?}", m.errors))
}

// ------------------------------------------------------------------------------------------
// The reference: a forward quote built here from the market's definition, and the figures
// by their definitions, plainly.

fn forward_quote(market: &Value, c: &Cell, hs: &str, rates: &[(Currency, Decimal)]) -> Quote {
    forward_quote_of(market, c, json!({"hs_code": hs}), rates)
}

/// [`forward_quote`] of a line with more fields than its code (`line` gives them).
fn forward_quote_of(market: &Value, c: &Cell, line: Value, rates: &[(Currency, Decimal)]) -> Quote {
    let mut l = json!({"quantity": "1", "unit_price": c.goods_price.to_string(), "origin": "CN"});
    for (k, x) in line.as_object().unwrap() {
        l[k] = x.clone();
    }
    let mut v = json!({"date": DATE, "destination": market["destination"], "currency": c.currency.code(),
        "ship_from": "CN", "shipping": c.shipping.to_string(),
        "incoterm": market.get("incoterm").cloned().unwrap_or(json!("DDP")),
        "seller_registrations": market.get("seller_registrations").cloned().unwrap_or(json!([])),
        "lines": [l]});
    v["exchange_rates"] = rates
        .iter()
        .map(|(from, r)| json!({"from": from.code(), "to": c.currency.code(), "rate": r.to_string()}))
        .collect();
    tables()
        .quote(&QuoteRequest::from_json(&v.to_string()).unwrap())
        .unwrap()
}

/// The reference cross rates the matrix gives its quotes (seller's currency, USD, EUR).
fn cross_rates(to: Currency) -> Vec<(Currency, Decimal)> {
    let ecb = tables()
        .reference_rates("ECB", DATE.parse().unwrap())
        .unwrap();
    let mut out: Vec<(Currency, Decimal)> = Vec::new();
    for code in ["USD", "EUR"] {
        let from: Currency = code.parse().unwrap();
        if from != to {
            out.push((from, ecb.cross(from, to).unwrap()));
        }
    }
    out
}

fn half_up(v: Decimal, dp: u32) -> Decimal {
    v.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// Checks one cell against the reference; a description of the difference otherwise.
fn check_cell(m: &Matrix, c: &Cell, market: &Value, p: &Value) -> Result<(), String> {
    let hs = p["hs_codes"]
        .get(&*c.market)
        .and_then(Value::as_str)
        .unwrap_or(p["hs_code"].as_str().unwrap());
    let q = forward_quote(market, c, hs, &cross_rates(c.currency));
    let dap = market.get("incoterm") == Some(&json!("DAP"));
    let shelf = if dap {
        q.landed_total - q.due_on_delivery
    } else {
        q.landed_total
    };
    let err = |what: &str, a: &dyn std::fmt::Debug, b: &dyn std::fmt::Debug| {
        Err(format!(
            "{} {}: {what}: matrix {a:?}, forward {b:?}",
            c.sku, c.market
        ))
    };
    if shelf != c.shelf_price {
        return err("shelf price", &c.shelf_price, &shelf);
    }
    if (q.duty, q.tax, q.fees) != (c.duty, c.tax, c.customs_fees) {
        return err(
            "charges",
            &(c.duty, c.tax, c.customs_fees),
            &(q.duty, q.tax, q.fees),
        );
    }
    let remitted = if dap {
        q.due_at_checkout
    } else {
        q.total_charges
    };
    let mid = m
        .markets
        .iter()
        .find(|s| *s.market == *c.market)
        .unwrap()
        .reference_rate;
    let fee = match market.get("fee_schedule").and_then(Value::as_str) {
        Some(id) => tables()
            .fee_schedule(id, DATE.parse().unwrap())
            .unwrap()
            .schedule
            .fee_for_amount(shelf)
            .unwrap(),
        None => Decimal::ZERO,
    };
    let net = half_up((shelf - remitted - fee) / mid, 2);
    let cost: Decimal = p["unit_cost"].as_str().unwrap().parse().unwrap();
    let shipping: Decimal = market["shipping"].as_str().unwrap().parse().unwrap();
    let profit = net - cost - shipping;
    let margin = half_up(profit * Decimal::ONE_HUNDRED / (shelf / mid), 2);
    if (remitted, fee, net, profit, margin)
        != (
            c.remitted,
            c.marketplace_fee,
            c.net,
            c.profit,
            c.margin_percent,
        )
    {
        return err(
            "figures",
            &(
                c.remitted,
                c.marketplace_fee,
                c.net,
                c.profit,
                c.margin_percent,
            ),
            &(remitted, fee, net, profit, margin),
        );
    }
    // On the ending, unless the cell says the ending's price cannot be reached.
    if let Some(e) = market.get("ending") {
        let ending: landed::ending::PriceEnding = serde_json::from_value(e.clone()).unwrap();
        let scale = c.currency.exponent().unwrap();
        let on = ending
            .compile(scale, "ending")
            .unwrap()
            .apply(shelf)
            .unwrap()
            == shelf;
        let said = c
            .warnings
            .iter()
            .any(|w| w.contains("no goods price gives"));
        if !on && !said {
            return err("not on the ending", &shelf, &e);
        }
    }
    Ok(())
}

#[test]
fn matrix_cells_equal_forward_quotes_of_their_goods_prices_on_random_catalogues() {
    random_catalogues(12);
}

#[test]
#[ignore = "long: 300 catalogues of up to 5 products × 10 markets; run in release"]
fn matrix_cells_equal_forward_quotes_on_300_random_catalogues() {
    random_catalogues(300);
}

fn random_catalogues(cases: u32) {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let catalogue = proptest::collection::vec((100_u32..40_000, 50_u32..3_000), 1..6);
    let result = runner.run(&catalogue, |items| {
        let products: Vec<Value> = items
            .iter()
            .enumerate()
            .map(|(i, (base, cost))| {
                product(
                    &format!("P{i}"),
                    &Decimal::new(i64::from(*base), 2).to_string(),
                    &Decimal::new(i64::from(*cost), 2).to_string(),
                )
            })
            .collect();
        let req = request(markets(), json!(products), json!({}));
        let m = tables()
            .matrix(&req)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for c in &m.cells {
            let market = markets()
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == *c.market)
                .unwrap()
                .clone();
            let p = products.iter().find(|p| p["sku"] == *c.sku).unwrap();
            check_cell(&m, c, &market, p).map_err(TestCaseError::fail)?;
        }
        // Every cell is priced or says why not, in product-major order.
        prop_assert_eq!(m.cells.len() + m.errors.len(), products.len() * 10);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn matrix_target_mode_hits_a_reachable_round_price_and_says_when_it_cannot() {
    let mut p = product("T", "20.00", "6.00");
    p["targets"] = json!({"DE": "29.99", "GB": "24.99"});
    let m = tables()
        .matrix(&request(markets(), json!([p]), json!({})))
        .unwrap();
    let de = cell(&m, "DE");
    assert_eq!(
        (de.shelf_price, de.binding),
        (Decimal::new(2999, 2), Binding::Target)
    );
    // GB's 20 % VAT makes a penny of goods 1.2 pence of shelf price: 24.99 is skipped.
    let gb = cell(&m, "GB");
    assert_eq!(gb.shelf_price, Decimal::new(2500, 2));
    assert!(
        gb.warnings.iter().any(|w| w.contains("exactly 24.99")),
        "{:?}",
        gb.warnings
    );
}

#[test]
fn matrix_margin_goal_gives_the_lowest_ended_price_with_that_margin() {
    let p = json!([{"sku": "G", "hs_code": "610910", "origin": "CN", "unit_cost": "8.00"}]);
    let m = tables()
        .matrix(&request(
            json!([markets()[0].clone(), markets()[2].clone()]),
            p,
            json!({"target_margin_percent": "30"}),
        ))
        .unwrap();
    for c in &m.cells {
        assert_eq!(c.binding, Binding::MarginGoal);
        assert!(
            c.margin_percent >= Decimal::from(30),
            "{}: {}",
            c.market,
            c.margin_percent
        );
        // One step lower on the ending (a euro or pound less) misses the goal.
        let lower = c.shelf_price - Decimal::ONE;
        let mut t = product("G", "1", "8.00");
        t["targets"] = json!({c.market.to_string(): lower.to_string()});
        let below = tables()
            .matrix(&request(
                json!([markets()[if &*c.market == "DE" { 0 } else { 2 }].clone()]),
                json!([t]),
                json!({}),
            ))
            .unwrap();
        assert!(
            below.cells[0].margin_percent < Decimal::from(30),
            "{}",
            c.market
        );
    }
    // An impossible goal is an error naming it.
    let m = tables()
        .matrix(&request(
            json!([markets()[0].clone()]),
            json!([{"sku": "G", "hs_code": "610910", "origin": "CN", "unit_cost": "8.00"}]),
            json!({"target_margin_percent": "95"}),
        ))
        .unwrap();
    assert_eq!(m.errors[0].field.as_deref(), Some("target_margin_percent"));
}

#[test]
fn matrix_floor_raises_a_price_below_the_minimum_margin() {
    let mut de = markets()[0].clone();
    de["min_margin_percent"] = json!("40");
    let m = tables()
        .matrix(&request(
            json!([de]),
            json!([product("F", "12.00", "8.00")]),
            json!({}),
        ))
        .unwrap();
    let c = &m.cells[0];
    assert_eq!(c.binding, Binding::Floor);
    assert!(
        c.margin_percent >= Decimal::from(40),
        "{}",
        c.margin_percent
    );
}

#[test]
fn matrix_dap_shelf_price_leaves_out_what_is_due_on_delivery() {
    let m = tables()
        .matrix(&request(
            json!([markets()[1].clone()]),
            json!([product("D", "200.00", "60.00")]),
            json!({}),
        ))
        .unwrap();
    let c = &m.cells[0];
    // Above €150: duty and VAT at the border, not in the shelf price, not remitted.
    assert!(c.duty > Decimal::ZERO && c.tax > Decimal::ZERO, "{c:?}");
    assert_eq!(c.remitted, Decimal::ZERO);
    assert_eq!(c.shelf_price, c.goods_price + c.shipping);
}

#[test]
fn matrix_drift_says_which_markets_need_repricing() {
    let mut de = markets()[0].clone();
    de["locked_rate"] = json!("0.8400");
    let mut gb = markets()[2].clone();
    gb["locked_rate"] = json!("0.7460");
    let m = tables()
        .matrix(&request(
            json!([de, gb]),
            json!([product("X", "20.00", "6.00")]),
            json!({}),
        ))
        .unwrap();
    let drift = |i: usize| m.markets[i].drift.unwrap();
    assert!(drift(0).reprice, "{:?}", drift(0));
    assert!(!drift(1).reprice, "{:?}", drift(1));
}

#[test]
fn matrix_errors_name_the_field_per_cell_and_per_market() {
    // A product without a base price, target or goal: its cells fail, the others price.
    let m = tables()
        .matrix(&request(
            json!([markets()[0].clone()]),
            json!([product("OK", "20.00", "6.00"),
                   {"sku": "NO", "hs_code": "610910", "origin": "CN", "unit_cost": "1"}]),
            json!({}),
        ))
        .unwrap();
    assert_eq!(m.cells.len(), 1);
    assert_eq!(m.errors[0].field.as_deref(), Some("products[1].base_price"));
    // A fee schedule in another currency is an error of the market.
    let mut de = markets()[0].clone();
    de["fee_schedule"] = json!("amazon_us/jewelry");
    let e = tables()
        .matrix(&request(
            json!([de]),
            json!([product("X", "20.00", "6.00")]),
            json!({}),
        ))
        .unwrap_err();
    assert!(
        e.to_string().starts_with("markets[0].fee_schedule: "),
        "{e}"
    );
    // Stale rates are an error unless the request says warn.
    let late = |staleness: Value| {
        let mut v = json!({"date": "2026-11-25", "currency": "USD", "markets": [markets()[0].clone()],
                           "products": [product("X", "20.00", "6.00")]});
        if !staleness.is_null() {
            v["staleness"] = staleness;
        }
        tables().matrix(&MatrixRequest::from_json(&v.to_string()).unwrap())
    };
    assert!(late(Value::Null).is_err());
    let m = late(json!("warn")).unwrap();
    assert!(!m.markets[0].warnings.is_empty());
}

#[test]
fn matrix_explanations_trace_each_step_and_carry_the_quote() {
    let m = tables()
        .matrix(&request(
            json!([markets()[0].clone()]),
            json!([product("E", "24.00", "6.00")]),
            json!({"explain": true}),
        ))
        .unwrap();
    let c = &m.cells[0];
    let e = c.explanation.as_ref().unwrap();
    assert!(e.trace[0].starts_with("base 24.00 USD × "), "{:?}", e.trace);
    assert!(
        e.trace.iter().any(|t| t.starts_with("ending: ")),
        "{:?}",
        e.trace
    );
    assert!(
        e.trace.last().unwrap().starts_with("solved: goods price"),
        "{:?}",
        e.trace
    );
    assert_eq!(e.quote.landed_total, c.shelf_price);
    assert!(e.quote.charges.iter().all(|ch| !ch.source.is_empty()));
    assert_eq!(e.quote.data_version, m.data_version);
    // Without `explain`, no explanation.
    let m = tables()
        .matrix(&request(
            json!([markets()[0].clone()]),
            json!([product("E", "24.00", "6.00")]),
            json!({}),
        ))
        .unwrap();
    assert!(m.cells[0].explanation.is_none());
}

#[test]
fn matrix_the_sample_request_prices_every_market() {
    let path = format!(
        "{}/examples/requests/matrix_tshirt.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let req = MatrixRequest::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let m = tables().matrix(&req).unwrap();
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.cells.len(), req.markets.len());
}

#[test]
fn matrix_gives_quotes_the_rates_of_the_currencies_their_thresholds_are_stated_in() {
    // A seller in euros: Brazil's bands are in US dollars, Mexico's courier rates too; the
    // rates come from the destinations' own rows, not from a list of usual currencies.
    let v = json!({"date": DATE, "currency": "EUR", "ship_from": "CN",
        "markets": [
            {"id": "BR", "destination": "BR", "region": "SP", "shipping": "3.00",
             "seller_registrations": ["BR_REMESSA_CONFORME"]},
            {"id": "MX", "destination": "MX", "shipping": "3.00"}],
        "products": [{"sku": "S", "hs_code": "330499", "origin": "CN", "unit_cost": "4.00",
                      "base_price": "30.00"}]});
    let m = tables()
        .matrix(&MatrixRequest::from_json(&v.to_string()).unwrap())
        .unwrap();
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(&*cell(&m, "BR").regime, "br_remessa_conforme");
    assert!(
        cell(&m, "MX").regime.starts_with("mx_courier"),
        "{}",
        cell(&m, "MX").regime
    );
}

/// Cells by (sku, market), for comparing matrices whatever their order.
fn by_key(m: &Matrix) -> std::collections::BTreeMap<(String, String), String> {
    m.cells
        .iter()
        .map(|c| {
            (
                (c.sku.to_string(), c.market.to_string()),
                serde_json::to_string(c).unwrap(),
            )
        })
        .collect()
}

#[test]
fn matrix_cells_do_not_depend_on_the_order_of_the_products_or_their_neighbours() {
    // Products sharing a line and (after the ending) a shelf price share one solve; it starts
    // from the line and the shelf price alone, so each cell is the same priced alone, in any
    // order, or next to any other product.
    let bases = [
        "19.20", "19.35", "19.50", "19.65", "149.10", "149.90", "160.00", "7.77",
    ];
    let products: Vec<Value> = bases
        .iter()
        .enumerate()
        .map(|(i, b)| product(&format!("P{i}"), b, "5.00"))
        .collect();
    let forward = tables()
        .matrix(&request(markets(), json!(products), json!({})))
        .unwrap();
    let mut reversed = products.clone();
    reversed.reverse();
    let backward = tables()
        .matrix(&request(markets(), json!(reversed), json!({})))
        .unwrap();
    assert_eq!(by_key(&forward), by_key(&backward));
    for p in &products {
        let alone = tables()
            .matrix(&request(markets(), json!([p]), json!({})))
            .unwrap();
        for (k, v) in by_key(&alone) {
            assert_eq!(by_key(&forward).get(&k), Some(&v), "{k:?}");
        }
    }
}

#[test]
fn matrix_cells_report_the_regime_changes_reverse_pricing_reports_for_their_shelf_price() {
    // The matrix probes on a grid and keeps the rules it saw per line; reverse pricing probes
    // at exactly the distance. Near the EU €150 and GB £135 lines both report the same change.
    let markets = json!([
        {"id": "DE", "destination": "DE", "markup_bps": 150, "seller_registrations": ["EU_IOSS"],
         "shipping": "4.50",
         "ending": {"kind": "increment", "increment": "1.00", "offset": "-0.01"}},
        {"id": "GB", "destination": "GB", "markup_bps": 150, "seller_registrations": ["GB_VAT"],
         "shipping": "4.50",
         "ending": {"kind": "increment", "increment": "1.00", "offset": "-0.01"}}
    ]);
    let bases = [
        "150.00", "158.00", "163.50", "170.00", "172.40", "174.00", "176.00", "178.00", "180.00",
        "182.00", "185.00",
    ];
    let products: Vec<Value> = bases
        .iter()
        .enumerate()
        .map(|(i, b)| product(&format!("P{i}"), b, "20.00"))
        .collect();
    let m = tables()
        .matrix(&request(
            markets.clone(),
            json!(products),
            json!({"explain": true}),
        ))
        .unwrap();
    let mut near = 0;
    for c in &m.cells {
        let q = &c.explanation.as_ref().unwrap().quote;
        let market = &markets.as_array().unwrap()[usize::from(&*c.market == "GB")];
        let v = json!({"date": DATE, "destination": c.market, "currency": c.currency.code(),
            "ship_from": "CN", "seller_registrations": market["seller_registrations"],
            "shipping": q.shipping.to_string(),
            "lines": [{"hs_code": "610910", "quantity": "1", "origin": "CN",
                       "target_total": c.shelf_price.to_string()}]});
        let r = landed::market::reverse::ReverseRequest::from_json(&v.to_string()).unwrap();
        let solved = tables().reverse(&r).unwrap();
        assert_eq!(solved.solved_unit_price, vec![c.goods_price], "{}", c.sku);
        assert_eq!(
            solved.near_thresholds, c.near_thresholds,
            "{} {}",
            c.sku, c.market
        );
        near += usize::from(!c.near_thresholds.is_empty());
    }
    assert!(
        near >= 4,
        "the bases put several shelf prices near a threshold ({near})"
    );
}

/// A product whose US line charges per litre takes its `measures` into the quote; without
/// them its US cell is an error naming the measure, and its other cells still price.
#[test]
fn matrix_products_carry_their_measures_into_the_quote() {
    let us = markets()[4].clone();
    let wine = |measures: Value| {
        let mut p = json!({"sku": "WINE", "hs_code": "220421", "origin": "CN", "unit_cost": "4",
                           "base_price": "12.00", "hs_codes": {"US": "2204215040"}});
        if !measures.is_null() {
            p["measures"] = measures;
        }
        p
    };
    let m = tables()
        .matrix(&request(
            json!([us.clone()]),
            json!([wine(json!({"liter": "0.75"}))]),
            json!({}),
        ))
        .unwrap();
    let c = cell(&m, "US");
    let line = json!({"hs_code": "2204215040", "measures": {"liter": "0.75"}});
    let q = forward_quote_of(&us, c, line, &cross_rates("USD".parse().unwrap()));
    assert_eq!(q.duty, c.duty, "{q:#?}");
    // 6.3¢ per litre on 0.75 l (4.725¢), plus the additional duties on Chinese wine.
    assert!(
        q.charges.iter().any(|ch| &*ch.name == "customs duty"
            && ch.unrounded == "0.04725".parse::<Decimal>().unwrap()),
        "{q:#?}"
    );
    let m = tables()
        .matrix(&request(
            json!([us, markets()[0].clone()]),
            json!([wine(Value::Null)]),
            json!({}),
        ))
        .unwrap();
    assert_eq!(
        m.errors[0].field.as_deref(),
        Some("lines[0].measures.liter"),
        "{:?}",
        m.errors
    );
    assert_eq!(m.cells.len(), 1);
}
