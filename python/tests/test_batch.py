"""Batch functions on columns equal the single calls, and release the GIL."""

from __future__ import annotations

import copy
import json
import threading
import time
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

import landed

from conftest import REQUESTS

RATES = {"pivot": "EUR", "as_of": "2025-04-03", "source": "ECB",
         "rates": {"USD": "1.1097", "JPY": "162.17", "GBP": "0.84163", "KWD": "0.3404"}}
ENDING = {"kind": "increment", "increment": "1.00", "offset": "-0.01", "direction": "up"}


def minor(d: Decimal, scale: int) -> int:
    return int(d.scaleb(scale))


@pytest.mark.parametrize(
    "to,currency,scale_from,policy",
    [
        ("GBP", "USD", 2, {"markup_bps": 150, "rounding": "half_even"}),
        ("JPY", "USD", 2, {"markup_bps": 250}),
        ("EUR", "KWD", 3, {"markup_bps": "12.5", "rounding": "down"}),
        ("GBP", "USD", 2, {"markup_bps": 150, "ending": ENDING}),
    ],
)
def test_reprice_minor_equals_reprice(to, currency, scale_from, policy):
    rng = np.random.default_rng(7)
    prices = rng.integers(-5_000_00, 50_000_00, size=300, dtype=np.int64)
    if "ending" in policy:
        prices = np.abs(prices) + 100
    kwargs = {k: v for k, v in policy.items()}
    repricer = landed.Repricer(to, rates=RATES, **kwargs)
    out = repricer.reprice_minor(prices, currency)
    assert isinstance(out, np.ndarray) and out.dtype == np.int64
    expected = [minor(repricer.amount(str(Decimal(int(p)).scaleb(-scale_from)), currency),
                      repricer.scale) for p in prices]
    assert out.tolist() == expected
    # And each equals the wire-format function's answer.
    sample = prices[:40].tolist()
    req = {"rates": RATES, "to": to, **policy,
           "prices": [{"amount": str(Decimal(p).scaleb(-scale_from)), "currency": currency}
                      for p in sample]}
    wire = [minor(q["amount"], repricer.scale) for q in landed.reprice(req)["quotes"]]
    assert out[:40].tolist() == wire


def test_reprice_minor_arrow_in_arrow_out_with_nulls():
    r = landed.Repricer("GBP", markup_bps=150, rates=RATES)
    arr = pa.array([1000, None, 2499, -300], type=pa.int64())
    out = r.reprice_minor(arr, "USD")
    assert isinstance(out, pa.Array) and out.type == pa.int64()
    assert out.null_count == 1 and out[1].as_py() is None
    dense = r.reprice_minor(np.array([1000, 0, 2499, -300]), "USD")
    assert [out[i].as_py() for i in (0, 2, 3)] == [int(dense[i]) for i in (0, 2, 3)]
    chunked = pa.chunked_array([[1000, 2499], [-300]], type=pa.int64())
    out = r.reprice_minor(chunked, "USD")
    assert isinstance(out, pa.ChunkedArray)
    assert out.to_pylist() == [dense[0], dense[2], dense[3]]


def test_reprice_minor_refuses_floats_and_names_bad_prices():
    r = landed.Repricer("GBP", rates=RATES)
    with pytest.raises(TypeError, match="int64"):
        r.reprice_minor(np.array([1.5, 2.5]), "USD")
    with pytest.raises(TypeError):
        r.reprice_minor(pa.array([1.5]), "USD")
    with pytest.raises(TypeError):
        r.reprice_minor([100, 200], "USD")
    charm = landed.Repricer("GBP", rates=RATES,
                            ending={"kind": "increment", "increment": "1.00", "offset": "-0.01",
                                    "direction": "down"})
    with pytest.raises(landed.InvalidInput) as info:
        charm.reprice_minor(np.array([10000, 1, 5000]), "USD")
    assert info.value.field == "prices[1]"


FEES = {"mode": "percentage", "basis": "period_volume", "currency": "USD",
        "rounding_stage": "event", "fixed_amount": "0.30",
        "tiers": [{"up_to": "50000", "rate": "1.5"}, {"up_to": None, "rate": "1.2"}]}


def test_evaluate_batch_equals_fees():
    schedule = landed.FeeSchedule(FEES)
    assert (schedule.currency, schedule.scale) == ("USD", 2)
    rng = np.random.default_rng(3)
    cents = rng.integers(100, 900_000, size=500, dtype=np.int64)
    batch = schedule.evaluate_batch(cents, period_volume=Decimal("1000"))
    one = landed.fees({"schedule": FEES, "period_volume": "1000",
                       "events": [str(Decimal(int(c)).scaleb(-2)) for c in cents]})
    for k in ("total", "unrounded", "tiers", "adjustments"):
        assert batch[k] == one[k], k
    assert "fees" not in batch
    assert schedule.evaluate(events=[Decimal(int(c)).scaleb(-2) for c in cents],
                             period_volume=Decimal("1000"))["total"] == one["total"]
    arrow = schedule.evaluate_batch(pa.array(cents), period_volume="1000")
    assert arrow["total"] == one["total"]


def test_evaluate_groups_equals_fees_per_group():
    schedule = landed.FeeSchedule(FEES)
    groups = [[1000, 250050, 999], [], [4_000_000, 2_000_000], [5]]
    lists = pa.array(groups, type=pa.list_(pa.int64()))
    volumes = np.array([0, 100, 4_900_000, 0], dtype=np.int64)
    totals = schedule.evaluate_groups(lists.values, lists.offsets, period_volumes=volumes)
    assert isinstance(totals, pa.Array)
    for g, events in enumerate(groups):
        one = landed.fees({"schedule": FEES, "period_volume": str(Decimal(int(volumes[g])).scaleb(-2)),
                           "events": [str(Decimal(e).scaleb(-2)) for e in events]})
        assert totals[g].as_py() == minor(one["total"], 2), g
    # A sliced list column reads its own groups only.
    sliced = lists.slice(2, 2)
    part = schedule.evaluate_groups(sliced.values, sliced.offsets, period_volumes=volumes[2:])
    assert part.to_pylist() == totals.to_pylist()[2:]


def test_quote_many_equals_quote(de_ioss):
    reqs = [json.loads((REQUESTS / n).read_text())
            for n in ("de_ioss.json", "gb_import.json", "us_formal.json", "au_lvig.json")]
    assert landed.quote_many(reqs) == [landed.quote(r) for r in reqs]
    bad = copy.deepcopy(de_ioss)
    bad["lines"][0]["hs_code"] = "zz"
    with pytest.raises(landed.InvalidInput) as info:
        landed.quote_many([de_ioss, bad])
    assert info.value.index == 1
    assert info.value.field == "lines[0].hs_code"
    out = landed.quote_many([de_ioss, bad, {**de_ioss, "shipping": 1.5}], errors="return")
    assert out[0] == landed.quote(de_ioss)
    assert isinstance(out[1], landed.InvalidInput) and out[1].index == 1
    assert isinstance(out[2], TypeError) and out[2].index == 2


def test_batches_release_the_gil():
    """A batch in one thread while another thread runs Python: the Python thread keeps
    counting during the batch. Were the GIL held, it would stop for the whole call."""
    r = landed.Repricer("GBP", markup_bps=150, rates=RATES)
    prices = np.arange(100, 100 + 4_000_000, dtype=np.int64)
    r.reprice_minor(prices, "USD")  # warm-up
    counter = 0
    stop = False

    def count():
        nonlocal counter
        while not stop:
            counter += 1

    t = threading.Thread(target=count)
    t.start()
    try:
        time.sleep(0.05)
        during = []
        for _ in range(3):
            before = counter
            t0 = time.perf_counter()
            r.reprice_minor(prices, "USD")
            elapsed = time.perf_counter() - t0
            during.append((counter - before, elapsed))
    finally:
        stop = True
        t.join()
    # The counter advances by thousands while the batch runs (a held GIL allows at most the
    # increments of one switch interval at the start).
    assert max(n for n, _ in during) > 10_000, during
