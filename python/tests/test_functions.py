"""The four functions on the example requests: Decimal amounts both ways, never a float."""

from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal

import pytest

import landed

from conftest import DECIMAL_TEXT, FUNCTIONS, REQUESTS, example_requests, job_of, leaves

# Strings of the results that may look like numbers but are not amounts: tariff codes and the
# band trace's free-text steps ("14.99" as a step's text).
TEXT_KEYS = {"hs_code", "input", "output"}


@pytest.mark.parametrize("name,request_", example_requests(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_example_answers_with_decimals_and_no_float(name, request_):
    result = FUNCTIONS[job_of(name)](request_)
    assert isinstance(result, dict)
    for key, leaf in leaves(result):
        assert not isinstance(leaf, float), f"{name}: float under {key}"
        if isinstance(leaf, str) and DECIMAL_TEXT.match(leaf):
            # A decimal string left as str: an amount key missing from the converter's list.
            assert key in TEXT_KEYS, f"{name}: {key} = {leaf!r} is not a Decimal"
    # JSON text answers the same as the dict.
    text = (REQUESTS / name).read_text()
    assert FUNCTIONS[job_of(name)](text) == result


def test_quote_de_ioss(de_ioss):
    q = landed.quote(de_ioss)
    assert q["landed_total"] == Decimal("91.58")
    assert str(q["landed_total"]) == "91.58"
    assert q["tax"] == Decimal("12.09")
    assert q["date"] == datetime.date(2026, 11, 25)
    assert q["lines"][0]["hs_code"] == "610910"
    assert q["charges"][1]["rate"] == Decimal("19")
    assert q["charges"][0]["lines"] == [0, 1, 2]
    assert q["data_version"] == landed.data_version()


def test_decimal_inputs_and_dates_as_python_types(de_ioss):
    req = copy.deepcopy(de_ioss)
    req["date"] = datetime.date(2026, 11, 25)
    req["shipping"] = Decimal("12.50")
    for line in req["lines"]:
        line["unit_price"] = Decimal(line["unit_price"])
        line["quantity"] = Decimal(line["quantity"])
    assert landed.quote(req) == landed.quote(de_ioss)
    # Exponent forms of Decimal are written out in full: 1.25E+1 is 12.5.
    req["shipping"] = Decimal("1.250E+1")
    assert landed.quote(req)["shipping"] == Decimal("12.50")


def test_amounts_are_exact_beyond_float_precision():
    # 0.1 + 0.2 events of a 100 % fee: exact decimals, where floats give 0.30000000000000004.
    r = landed.fees({
        "schedule": {"mode": "percentage", "currency": "USD", "rate": "100",
                     "rounding_stage": "total"},
        "events": [Decimal("0.1"), Decimal("0.2")],
    })
    assert r["unrounded"] == Decimal("0.3")
    assert r["total"] == Decimal("0.30")
    # Digits a float cannot hold survive the round trip (the all-in rate has 28 digits).
    q = landed.reprice(json.loads((REQUESTS / "reprice_jpy.json").read_text()))
    rate = q["quotes"][0]["all_in_rate"]
    assert isinstance(rate, Decimal)
    assert len(rate.as_tuple().digits) > 17
    assert Decimal(repr(float(rate))) != rate


@pytest.mark.parametrize(
    "path",
    [("shipping",), ("lines", 0, "unit_price"), ("lines", 1, "quantity")],
)
def test_a_float_anywhere_is_a_type_error(de_ioss, path):
    req = copy.deepcopy(de_ioss)
    target = req
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = 12.5
    with pytest.raises(TypeError) as info:
        landed.quote(req)
    err = info.value
    assert isinstance(err, landed.InvalidType)
    assert isinstance(err, landed.InvalidInput)
    field = ".".join(str(p) for p in path).replace(".0.", "[0].").replace(".1.", "[1].")
    assert err.field == field
    assert "Decimal" in str(err) and "str" in str(err)


def test_floats_refused_by_the_classes():
    with pytest.raises(TypeError, match="Decimal"):
        landed.Repricer("EUR", markup_bps=1.5)
    schedule = landed.FeeSchedule({"mode": "flat", "basis": "quantity", "currency": "USD",
                                   "fixed_amount": "1"})
    with pytest.raises(TypeError, match="Decimal"):
        schedule.evaluate(quantity=2.0)
    with pytest.raises(TypeError, match="Decimal"):
        landed.Rates("EUR", "2025-04-03", "ECB", {"USD": 1.1})


def test_other_types_are_refused_with_their_path(de_ioss):
    req = copy.deepcopy(de_ioss)
    req["lines"][0]["unit_price"] = object()
    with pytest.raises(landed.InvalidType) as info:
        landed.quote(req)
    assert info.value.field == "lines[0].unit_price"
    with pytest.raises(landed.InvalidType):
        landed.quote([1, 2])


def test_reprice_and_band_and_fees_return_python_types():
    r = landed.reprice(json.loads((REQUESTS / "reprice_jpy.json").read_text()))
    q = r["quotes"][0]
    assert q["amount"] == Decimal("1499")
    assert q["markup_bps"] == Decimal("150")
    assert q["as_of"] == datetime.date(2025, 4, 3)
    assert q["expires_at"] == datetime.datetime(2025, 4, 4, 11, 0, tzinfo=datetime.timezone.utc)
    b = landed.band(json.loads((REQUESTS / "band_beat.json").read_text()))
    assert isinstance(b["price"], Decimal)
    f = landed.fees(json.loads((REQUESTS / "fees_graduated.json").read_text()))
    assert isinstance(f["total"], Decimal)


def test_reprice_with_rates_object():
    req = json.loads((REQUESTS / "reprice_jpy.json").read_text())
    rates_obj = req.pop("rates")
    rates = landed.Rates(rates_obj["pivot"], rates_obj["as_of"], rates_obj["source"],
                         {k: Decimal(v) for k, v in rates_obj["rates"].items()})
    assert rates.as_of == datetime.date(2025, 4, 3)
    assert rates.rates["JPY"] == Decimal("162.17")
    with_obj = landed.reprice(req, rates=rates)
    req["rates"] = rates_obj
    assert with_obj == landed.reprice(req)
    with pytest.raises(landed.InvalidInput) as info:
        landed.reprice(req, rates=rates)
    assert info.value.field == "rates"


def test_an_int_for_a_decimal_field_says_what_to_pass(de_ioss):
    req = copy.deepcopy(de_ioss)
    req["lines"][0]["quantity"] = 2
    with pytest.raises(landed.InvalidInput) as info:
        landed.quote(req)
    assert info.value.field == "lines[0].quantity"
    assert 'Decimal("2")' in str(info.value)
    # Integer fields take ints.
    req = json.loads((REQUESTS / "reprice_jpy.json").read_text())
    assert isinstance(req["max_age_days"], int)
    landed.reprice(req)


def _reverse_de(target: str) -> dict:
    request = json.loads((REQUESTS / "reverse_de.json").read_text())
    request["lines"][0]["target_total"] = target
    return request


def test_quote_solves_a_target_total():
    result = landed.quote(_reverse_de("49.99"))
    assert result["landed_total"] == Decimal("49.99")
    assert result["solved_unit_price"] == [Decimal("34.59")]
    assert result["evaluations"] >= 1


def test_an_unreachable_target_raises_with_the_nearest_totals():
    # 19 % VAT: one cent of price is 1.19 cents of total, so 50.00 is skipped (49.99 -> 50.01).
    with pytest.raises(landed.TargetUnreachable) as err:
        landed.quote(_reverse_de("50.00"))
    e = err.value
    assert e.kind == "target_unreachable" and isinstance(e, ValueError)
    assert e.target == Decimal("50.00")
    assert e.below["landed_total"] == Decimal("49.99")
    assert e.above["landed_total"] == Decimal("50.01")
    assert e.below["unit_prices"] == [Decimal("34.59")]


def test_display_price_gives_the_label_and_decimal_amounts():
    request = json.loads((REQUESTS / "display_de.json").read_text())
    result = landed.display_price(request)
    assert result["price"] == Decimal("52.98")
    assert result["tax_rate"] == Decimal("19")
    assert result["label"] == "inkl. 19 % MwSt."
    request["lines"][0]["quantity"] = "2"
    with pytest.raises(landed.InvalidInput) as info:
        landed.display_price(request)
    assert info.value.field == "lines[0].quantity"


def test_measures_take_decimals_and_a_missing_one_is_named():
    req = {
        "date": "2026-11-25", "destination": "US", "currency": "USD", "ship_from": "GB",
        "lines": [{"hs_code": "2204.21.50.40", "quantity": Decimal(12), "unit_price": Decimal("8.00"),
                   "origin": "GB", "measures": {"liter": Decimal("0.75")}}],
    }
    q = landed.quote(req)
    duty = next(c for c in q["charges"] if c["name"] == "customs duty")
    assert duty["unrounded"] == Decimal("0.567")
    del req["lines"][0]["measures"]
    with pytest.raises(landed.InvalidInput) as e:
        landed.quote(req)
    assert "lines[0].measures.liter" in str(e.value)
