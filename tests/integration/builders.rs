//! The Rust builders: a request built with constructors and setters equals the same request
//! parsed from JSON, with the defaults and with every setter, and gives the same result.

use landed::bands::{
    Action, BandRequest, Filters, NoCompetitors, Offer, Rate, Reference, Strategy, WhenLowest, band,
};
use landed::data::{Buyer, ScheduleSpec, Transport};
use landed::fees::{FeeInput, FeeRequest, FeeResponse, evaluate_request};
use landed::landed::{ExchangeRate, ExtraFee, Incoterm};
use landed::{Decimal, NaiveDate, QuoteLine, QuoteRequest, RateTables, TaxCategory};

use super::dec;

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

fn tshirt() -> QuoteLine {
    QuoteLine::new(
        "610910".parse().unwrap(),
        Decimal::ONE,
        dec("19.99"),
        "CN".parse().unwrap(),
    )
}

#[test]
fn a_quote_request_with_defaults_equals_its_json() {
    let built = QuoteRequest::new(
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        "DE".parse().unwrap(),
        "EUR".parse().unwrap(),
    )
    .line(tshirt());
    let parsed = QuoteRequest::from_json(
        r#"{"date": "2026-11-25", "destination": "DE", "currency": "EUR",
            "lines": [{"hs_code": "610910", "quantity": "1", "unit_price": "19.99",
                       "origin": "CN"}]}"#,
    )
    .unwrap();
    assert_eq!(built, parsed);
    assert_eq!(
        tables().quote(&built).unwrap(),
        tables().quote(&parsed).unwrap()
    );
}

#[test]
fn a_quote_request_with_every_setter_equals_its_json() {
    let line = tshirt()
        .weight_kg(dec("0.2"))
        .description("cotton T-shirt")
        .duty_rate(dec("12"))
        .tax_rate(dec("20"))
        .tax_category(TaxCategory::standard())
        .claim_preference(false);
    let built = QuoteRequest::new(
        "2026-11-25".parse().unwrap(),
        "CA".parse().unwrap(),
        "USD".parse().unwrap(),
    )
    .region("ON".parse().unwrap())
    .ship_from("US".parse().unwrap())
    .transport(Transport::Postal)
    .buyer(Buyer::Business)
    .buyer_tax_id("123456789RT0001")
    .seller_registration("EU_IOSS")
    .seller_registrations(["CA_GST", "GB_VAT"])
    .incoterm(Incoterm::Dap)
    .shipping(dec("10.00"))
    .insurance(dec("2.00"))
    .extra_fee(ExtraFee::new("dropped", dec("1")))
    .extra_fees([ExtraFee::new("brokerage", dec("9.95"))
        .currency("CAD".parse().unwrap())
        .taxable(true)])
    .exchange_rate(ExchangeRate::new(
        "USD".parse().unwrap(),
        "CAD".parse().unwrap(),
        dec("1.40"),
    ))
    .line(tshirt())
    .lines([line.clone(), line]);
    let parsed = QuoteRequest::from_json(
        r#"{"date": "2026-11-25", "destination": "CA", "region": "ON", "currency": "USD",
            "ship_from": "US", "transport": "postal", "buyer": "business",
            "buyer_tax_id": "123456789RT0001", "seller_registrations": ["CA_GST", "GB_VAT"],
            "incoterm": "DAP", "shipping": "10.00", "insurance": "2.00",
            "extra_fees": [{"name": "brokerage", "amount": "9.95", "currency": "CAD",
                            "taxable": true}],
            "exchange_rates": [{"from": "USD", "to": "CAD", "rate": "1.40"}],
            "lines": [
              {"hs_code": "610910", "quantity": "1", "unit_price": "19.99", "origin": "CN",
               "weight_kg": "0.2", "description": "cotton T-shirt", "duty_rate": "12",
               "tax_rate": "20", "tax_category": "standard", "claim_preference": false},
              {"hs_code": "610910", "quantity": "1", "unit_price": "19.99", "origin": "CN",
               "weight_kg": "0.2", "description": "cotton T-shirt", "duty_rate": "12",
               "tax_rate": "20", "tax_category": "standard", "claim_preference": false}]}"#,
    )
    .unwrap();
    assert_eq!(built, parsed);
    assert_eq!(
        tables().quote(&built).unwrap(),
        tables().quote(&parsed).unwrap()
    );
}

#[test]
fn the_singular_setters_append_and_the_plural_ones_replace() {
    let req = QuoteRequest::new(
        "2026-11-25".parse().unwrap(),
        "DE".parse().unwrap(),
        "EUR".parse().unwrap(),
    )
    .line(tshirt())
    .line(tshirt().description("second"));
    assert_eq!(req.lines.len(), 2);
    assert_eq!(req.clone().lines([tshirt()]).lines, [tshirt()]);
    let band = BandRequest::new(
        "USD".parse().unwrap(),
        dec("12"),
        dec("8"),
        Strategy::new(Reference::Lowest, Action::Match),
    )
    .own_seller_id("me")
    .own_seller_id("me too");
    assert_eq!(band.own_seller_ids, ["me", "me too"]);
    assert_eq!(band.own_seller_ids(["you"]).own_seller_ids, ["you"]);
}

#[test]
fn a_quote_request_without_lines_is_refused_by_name() {
    let req = QuoteRequest::new(
        "2026-11-25".parse().unwrap(),
        "DE".parse().unwrap(),
        "EUR".parse().unwrap(),
    );
    let err = tables().quote(&req).unwrap_err();
    assert!(err.to_string().contains("lines"), "{err}");
}

fn usd() -> landed::Currency {
    "USD".parse().unwrap()
}

#[test]
fn a_band_request_with_defaults_equals_its_json() {
    let built = BandRequest::new(
        usd(),
        dec("12.00"),
        dec("8.00"),
        Strategy::new(Reference::Lowest, Action::Match),
    );
    let parsed = BandRequest::from_json(
        r#"{"currency": "USD", "current_price": "12.00", "unit_cost": "8.00",
            "strategy": {"reference": "lowest", "action": "match"}}"#,
    )
    .unwrap();
    assert_eq!(built, parsed);
    assert_eq!(
        Offer::new("A", dec("10.50"), usd()),
        serde_json::from_str::<Offer>(r#"{"seller_id": "A", "price": "10.50", "currency": "USD"}"#)
            .unwrap()
    );
    assert_eq!(Filters::new(), Filters::default());
    // Both refuse the missing ceiling the same way.
    assert_eq!(
        band(tables(), &built).unwrap_err().to_string(),
        band(tables(), &parsed).unwrap_err().to_string()
    );
}

const BAND_JSON: &str = r#"{
  "currency": "USD", "current_price": "16.49", "own_seller_ids": ["me"],
  "own_shipping": "0.50", "unit_cost": "11.20", "other_costs": "2.20", "landed_cost": "0.30",
  "fee_schedule_id": "amazon_us/clothing_and_accessories",
  "min_profit": "1.00", "min_margin_percent": "2", "min_price": "9.00", "max_price": "24.99",
  "map": "9.50",
  "strategy": {"reference": "average_lowest", "count": 2, "position": 1, "action": "beat",
               "amount": "0.01", "percent": "1"},
  "max_step_percent": "20", "max_step_up_percent": "25", "max_step_down_percent": "15",
  "last_change_at": "2026-11-24T10:00:00Z", "cool_down_minutes": 60,
  "no_competitors": "ceiling", "when_lowest": "raise_to_next",
  "ending": {"kind": "increment", "increment": "0.10", "offset": "-0.01", "direction": "down"},
  "filters": {"min_rating": "4.0", "exclude_fulfillment": ["fbm"], "conditions": ["new"],
              "max_age_hours": 24, "outlier_below_percent": "50",
              "outlier_above_percent": "80"},
  "exchange_rates": [{"from": "EUR", "to": "USD", "rate": "1.08"}],
  "now": "2026-11-25T10:00:00Z",
  "competitors": [
    {"seller_id": "A", "price": "14.99", "shipping": "0", "currency": "USD", "rating": "4.7",
     "fulfillment": "fba", "condition": "new", "buy_box": true,
     "seen_at": "2026-11-25T09:00:00Z"},
    {"seller_id": "B", "price": "14.49", "currency": "EUR", "rating": "4.9",
     "seen_at": "2026-11-25T08:30:00Z"},
    {"seller_id": "C", "price": "15.49", "shipping": "1.00", "currency": "USD", "rating": "4.2",
     "condition": "new", "seen_at": "2026-11-25T08:00:00Z"}]
}"#;

fn band_with_every_setter() -> BandRequest {
    let seen = |t: &str| format!("2026-11-25T{t}:00Z").parse().unwrap();
    let strategy = Strategy::new(Reference::AverageLowest, Action::Beat)
        .count(2)
        .position(1)
        .amount(dec("0.01"))
        .percent(dec("1"));
    BandRequest::new(
        usd(),
        dec("16.49"),
        dec("11.20"),
        Strategy::new(Reference::Lowest, Action::Match),
    )
    .own_seller_ids(["me"])
    .own_shipping(dec("0.50"))
    .other_costs(dec("2.20"))
    .landed_cost(dec("0.30"))
    .fee_schedule_id("amazon_us/clothing_and_accessories")
    .min_profit(dec("1.00"))
    .min_margin_percent(dec("2"))
    .min_price(dec("9.00"))
    .max_price(dec("24.99"))
    .map(dec("9.50"))
    .strategy(strategy)
    .max_step_percent(dec("20"))
    .max_step_up_percent(dec("25"))
    .max_step_down_percent(dec("15"))
    .last_change_at("2026-11-24T10:00:00Z".parse().unwrap())
    .cool_down_minutes(60)
    .no_competitors(NoCompetitors::Ceiling)
    .when_lowest(WhenLowest::RaiseToNext)
    .ending(
        serde_json::from_str(
            r#"{"kind": "increment", "increment": "0.10", "offset": "-0.01",
                "direction": "down"}"#,
        )
        .unwrap(),
    )
    .filters(
        Filters::new()
            .min_rating(dec("4.0"))
            .exclude_fulfillment(["fbm"])
            .conditions(["new"])
            .max_age_hours(24)
            .outlier_below_percent(dec("50"))
            .outlier_above_percent(dec("80")),
    )
    .exchange_rate(Rate::new("GBP".parse().unwrap(), usd(), dec("1.30")))
    .exchange_rates([Rate::new("EUR".parse().unwrap(), usd(), dec("1.08"))])
    .now("2026-11-25T10:00:00Z".parse().unwrap())
    .competitor(Offer::new("dropped", dec("1"), usd()))
    .competitors([
        Offer::new("A", dec("14.99"), usd())
            .shipping(dec("0"))
            .rating(dec("4.7"))
            .fulfillment("fba")
            .condition("new")
            .buy_box(true)
            .seen_at(seen("09:00")),
        Offer::new("B", dec("14.49"), "EUR".parse().unwrap())
            .rating(dec("4.9"))
            .seen_at(seen("08:30")),
        Offer::new("C", dec("15.49"), usd())
            .shipping(dec("1.00"))
            .rating(dec("4.2"))
            .condition("new")
            .seen_at(seen("08:00")),
    ])
}

#[test]
fn a_band_request_with_every_setter_equals_its_json() {
    let built = band_with_every_setter();
    let parsed = BandRequest::from_json(BAND_JSON).unwrap();
    assert_eq!(built, parsed);
    let (a, b) = (band(tables(), &built), band(tables(), &parsed));
    match (a, b) {
        (Ok(a), Ok(b)) => assert_eq!(a.to_json().unwrap(), b.to_json().unwrap()),
        (a, b) => assert_eq!(
            a.map(|r| r.price).map_err(|e| e.to_string()),
            b.map(|r| r.price).map_err(|e| e.to_string())
        ),
    }
}

#[test]
fn a_band_request_with_an_inline_schedule_equals_its_json() {
    let fees = r#"{"mode": "volume", "basis": "amount", "currency": "USD",
                   "tiers": [{"up_to": "15.00", "rate": "5"}, {"up_to": null, "rate": "10"}]}"#;
    let spec: ScheduleSpec = serde_json::from_str(fees).unwrap();
    let built = BandRequest::new(
        usd(),
        dec("12.00"),
        dec("8.00"),
        Strategy::new(Reference::Lowest, Action::Beat).amount(dec("0.50")),
    )
    .own_seller_id("me")
    .other_costs(dec("1.22"))
    .min_profit(dec("1.00"))
    .max_price(dec("30.00"))
    .fees(spec)
    .competitor(Offer::new("A", dec("10.50"), usd()).shipping(dec("1.00")));
    let parsed = BandRequest::from_json(&format!(
        r#"{{"currency": "USD", "current_price": "12.00", "own_seller_ids": ["me"],
             "unit_cost": "8.00", "other_costs": "1.22", "min_profit": "1.00",
             "max_price": "30.00", "fees": {fees},
             "strategy": {{"reference": "lowest", "action": "beat", "amount": "0.50"}},
             "competitors": [{{"seller_id": "A", "price": "10.50", "shipping": "1.00",
                               "currency": "USD"}}]}}"#
    ))
    .unwrap();
    assert_eq!(built, parsed);
    assert_eq!(
        band(tables(), &built).unwrap().to_json().unwrap(),
        band(tables(), &parsed).unwrap().to_json().unwrap()
    );
}

/// The input `evaluate_request` builds from a fee request's fields.
fn input_of(req: &FeeRequest) -> FeeInput {
    let mut input = FeeInput::new();
    input.quantity = req.quantity;
    input.events = req.events.clone();
    input.period_volume = req.period_volume;
    input.previous_quantity = req.previous_quantity;
    input
}

const PERCENTAGE: &str = r#"{"mode": "percentage", "currency": "USD", "rate": "2.9",
    "fixed_amount": "0.30", "per_event_min": "1.75", "per_event_max": "12", "free_events": 2,
    "free_amount": "30"}"#;

fn evaluate(spec: &str, input: &FeeInput) -> landed::fees::FeeResult {
    let spec: ScheduleSpec = serde_json::from_str(spec).unwrap();
    spec.compile("schedule").unwrap().evaluate(input).unwrap()
}

fn evaluate_json(json: &str) -> landed::fees::FeeResult {
    let req = FeeRequest::from_json(json).unwrap();
    match evaluate_request(tables(), &req).unwrap() {
        FeeResponse::Schedule(r) => r,
        other => panic!("a schedule's result, not {other:?}"),
    }
}

#[test]
fn a_fee_input_with_defaults_equals_its_json() {
    assert_eq!(FeeInput::new(), FeeInput::default());
    let json = format!(r#"{{"schedule": {PERCENTAGE}, "events": ["10", "80", "10000"]}}"#);
    let built = FeeInput::new()
        .event(dec("10"))
        .event(dec("80"))
        .event(dec("10000"));
    let req = FeeRequest::from_json(&json).unwrap();
    assert_eq!(built, input_of(&req));
    assert_eq!(
        built,
        FeeInput::events(vec![dec("10"), dec("80"), dec("10000")])
    );
    let mut from_json = evaluate_json(&json);
    from_json.data_version = None;
    assert_eq!(evaluate(PERCENTAGE, &built), from_json);
}

#[test]
fn a_fee_input_with_every_setter_equals_its_json() {
    // Basis quantity, a graduated delta.
    let graduated = r#"{"mode": "graduated", "basis": "quantity", "currency": "USD",
        "tiers": [{"up_to": "10", "unit_amount": "10", "flat_amount": "2"},
                  {"up_to": null, "unit_amount": "5", "flat_amount": "3"}]}"#;
    let json =
        format!(r#"{{"schedule": {graduated}, "quantity": "12", "previous_quantity": "4"}}"#);
    let built = FeeInput::quantity(dec("12")).previous_quantity(dec("4"));
    assert_eq!(built, input_of(&FeeRequest::from_json(&json).unwrap()));
    assert_eq!(
        built,
        FeeInput::quantity(dec("12")).with_previous_quantity(dec("4"))
    );
    let mut from_json = evaluate_json(&json);
    from_json.data_version = None;
    assert_eq!(evaluate(graduated, &built), from_json);

    // Basis period volume: events on top of this period's volume so far.
    let volume = r#"{"mode": "graduated_percentage", "basis": "period_volume",
        "currency": "USD", "tiers": [{"up_to": "1000", "rate": "3"},
                                     {"up_to": null, "rate": "2"}]}"#;
    let json =
        format!(r#"{{"schedule": {volume}, "events": ["300", "400"], "period_volume": "500"}}"#);
    let built = FeeInput::new()
        .event(dec("300"))
        .event(dec("400"))
        .period_volume(dec("500"));
    assert_eq!(built, input_of(&FeeRequest::from_json(&json).unwrap()));
    assert_eq!(
        built,
        FeeInput::events(vec![dec("300"), dec("400")]).with_period_volume(dec("500"))
    );
    let mut from_json = evaluate_json(&json);
    from_json.data_version = None;
    assert_eq!(evaluate(volume, &built), from_json);
}
