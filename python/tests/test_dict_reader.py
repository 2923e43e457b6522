"""A quote request dict is read directly (no JSON text); it must read as its JSON text does."""

from __future__ import annotations

import copy
import datetime
import json
import sys
from decimal import Decimal
from typing import Any

import pytest

import landed

from conftest import REQUESTS, example_requests, job_of


def interned(value: Any) -> Any:
    """`value` with every dict key interned, as keys written as literals in Python source are."""
    if isinstance(value, dict):
        return {sys.intern(k): interned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [interned(v) for v in value]
    return value


QUOTES = [(n, r) for n, r in example_requests() if job_of(n) == "quote"]


@pytest.mark.parametrize("name,request_", QUOTES, ids=lambda v: v if isinstance(v, str) else "")
def test_interned_and_plain_keys_read_as_the_json_text(name, request_):
    text = (REQUESTS / name).read_text()
    expected = landed.quote(text)
    assert landed.quote(request_) == expected
    assert landed.quote(interned(request_)) == expected


def test_python_values_read_as_their_text(de_ioss):
    req = interned(copy.deepcopy(de_ioss))
    req["date"] = datetime.date(2026, 11, 25)
    req["shipping"] = Decimal("1.250E+1")
    req["lines"] = tuple(req["lines"])
    for line in req["lines"]:
        line["unit_price"] = Decimal(line["unit_price"])
    text = json.loads((REQUESTS / "de_ioss.json").read_text())
    text["shipping"] = "12.50"
    assert landed.quote(req) == landed.quote(json.dumps(text))


def test_requests_the_reader_declines_keep_their_errors(de_ioss):
    req = interned(copy.deepcopy(de_ioss))
    req["lines"][0]["colour"] = "red"
    with pytest.raises(landed.InvalidInput) as e:
        landed.quote(req)
    assert "colour" in str(e.value)

    req = interned(copy.deepcopy(de_ioss))
    req["lines"][1]["unit_price"] = 12.5
    with pytest.raises(landed.InvalidType) as e:
        landed.quote(req)
    assert "lines[1].unit_price" in str(e.value)

    req = interned(copy.deepcopy(de_ioss))
    req["currency"] = "XXQ"
    with pytest.raises(landed.InvalidInput) as e:
        landed.quote(req)
    assert "currency" in str(e.value)
