"""Throughput of the Python package on the peer workload, measured in one run.

    python python/bench/bench_python.py            # every figure
    BENCH_N=200000 python python/bench/bench_python.py

- ``reprice_minor``: the bulk-repricing peer workload of ``../shared/reference/peer-workload.md``
  (1,000,000 USD prices in cents from the LCG, USD -> EUR at mid 0.867519 with a 150 bps
  markup, half-even to cents, the EUR cents summed; checksum 44,089,651,221). Timed: the call on
  an int64 NumPy array and the sum of the result. Input generation is not timed.
- the same loop with py-moneyed (``pip install py-moneyed``; measurement only, not a
  dependency): ``Money`` in, the converted amount quantized half-even, cents summed.
- ``quote()`` of the 5-line DE request of ``benches/landed_cost.rs`` given as a dict of
  ``Decimal`` amounts, including the dict conversion both ways.

Each figure is the median of several timed runs after a warm-up; the machine is shared and
noisy, so compare only figures printed by the same run.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

import landed

N = int(os.environ.get("BENCH_N", "1000000"))
CHECKSUM_1M = 44_089_651_221


def peer_prices(n: int) -> np.ndarray:
    """The peer workload's LCG prices in cents (USD 1.00 ... 999.99)."""
    out = np.empty(n, dtype=np.int64)
    s = 42
    mask = (1 << 64) - 1
    for i in range(n):
        s = (s * 6364136223846793005 + 1442695040888963407) & mask
        out[i] = (s >> 33) % 99900 + 100
    return out


def median_time(fn, runs: int) -> tuple[float, object]:
    fn()  # warm-up
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def bench_reprice_minor(cents: np.ndarray) -> float:
    rates = landed.Rates("USD", "2025-10-21", "PEER", {"EUR": Decimal("0.867519")})
    repricer = landed.Repricer("EUR", markup_bps=150, rounding="half_even", rates=rates)

    def run() -> int:
        return int(repricer.reprice_minor(cents, "USD").sum())

    t, checksum = median_time(run, 11)
    if len(cents) == 1_000_000:
        assert checksum == CHECKSUM_1M, checksum
    rate = len(cents) / t / 1e6
    print(f"reprice_minor        {rate:8.1f} M prices/s  (median of 11, checksum {checksum})")
    return rate


def bench_py_moneyed(cents: np.ndarray) -> float | None:
    try:
        from moneyed import Money
    except ImportError:
        print("py-moneyed           not installed (pip install py-moneyed)")
        return None
    all_in = Decimal("0.867519") * (1 + Decimal(150) / Decimal(10000))
    cent = Decimal("0.01")
    values = cents.tolist()

    def run() -> int:
        total = 0
        for c in values:
            usd = Money(Decimal(c).scaleb(-2), "USD")
            eur = Money((usd.amount * all_in).quantize(cent, ROUND_HALF_EVEN), "EUR")
            total += int(eur.amount.scaleb(2))
        return total

    t, checksum = median_time(run, 3)
    if len(cents) == 1_000_000:
        assert checksum == CHECKSUM_1M, checksum
    rate = len(cents) / t / 1e6
    print(f"py-moneyed loop      {rate:8.3f} M prices/s  (median of 3, checksum {checksum})")
    return rate


def de_5_lines() -> dict:
    """``request("DE", 5)`` of benches/landed_cost.rs, amounts as Decimal."""
    lines = [
        {
            "hs_code": "640411",
            "quantity": Decimal(i + 1),
            "unit_price": Decimal(f"{80 + i * 7}.{i * 13 % 100:02}"),
            "origin": "CN",
        }
        for i in range(5)
    ]
    return {
        "date": "2026-11-25",
        "destination": "DE",
        "currency": "EUR",
        "ship_from": "CN",
        "shipping": Decimal("24.90"),
        "insurance": Decimal("3.10"),
        "seller_registrations": [],
        "lines": lines,
    }


def bench_quote() -> float:
    req = de_5_lines()
    q = landed.quote(req)
    assert q["landed_total"] > 0
    calls = 20_000

    def run() -> None:
        for _ in range(calls):
            landed.quote(req)

    t, _ = median_time(run, 5)
    cpu0 = time.process_time()
    run()
    cpu = (time.process_time() - cpu0) / calls * 1e6
    us = t / calls * 1e6
    print(f"quote() DE 5 lines   {us:8.2f} µs/call   (median of 5 x {calls:,} calls, dict in and out;"
          f" {cpu:.2f} µs of CPU per call)")

    # What CPython itself needs to build a result of this size, for scale on this machine:
    # json.loads of the same result as JSON text, plus one Decimal per amount in it.
    text = json.dumps(q, default=str)
    amounts = [str(v) for v in _leaves(q) if isinstance(v, Decimal)]

    def floor() -> None:
        for _ in range(calls // 4):
            json.loads(text)
            [Decimal(a) for a in amounts]

    tf, _ = median_time(floor, 5)
    print(f"  for scale          {tf / (calls // 4) * 1e6:8.2f} µs        (json.loads of the same result"
          f" + {len(amounts)} Decimal(str), the floor of any dict result)")
    return us


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def main() -> None:
    print(f"landed {landed.__version__}, data {landed.data_version()}, N = {N:,}")
    cents = peer_prices(N)
    ours = bench_reprice_minor(cents)
    peer = bench_py_moneyed(cents)
    if peer:
        print(f"ratio                {ours / peer:8.0f} x py-moneyed (same run)")
    bench_quote()


if __name__ == "__main__":
    main()
