"""The Spark example's two jobs on one machine with pandas: a catalogue repriced for several
markets and each seller's monthly fee, with the columns handed to the package as NumPy arrays
(no Python object per row).

    python python/examples/pandas_catalogue.py --rows 1000000
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import pandas as pd

import landed

from spark_catalogue import FEE_SCHEDULE, MARKETS, NOW


def reprice_catalogue(catalogue: pd.DataFrame, markets: dict[str, dict[str, Any]] = MARKETS,
                      now: str = NOW) -> pd.DataFrame:
    """``sku, market, currency, price_minor`` for every catalogue row and market."""
    parts = []
    for market, policy in markets.items():
        repricer = landed.Repricer(policy["to"], now=now,
                                   **{k: v for k, v in policy.items() if k != "to"})
        for cur, rows in catalogue.groupby("currency", sort=False):
            prices = rows["price_minor"].to_numpy(dtype=np.int64)
            parts.append(pd.DataFrame({
                "sku": rows["sku"].to_numpy(),
                "market": market,
                "currency": policy["to"],
                "price_minor": repricer.reprice_minor(prices, cur),
            }))
    return pd.concat(parts, ignore_index=True)


def monthly_fees(transactions: pd.DataFrame,
                 schedule_spec: dict[str, Any] = FEE_SCHEDULE) -> pd.DataFrame:
    """``seller, month, transactions, volume_minor, fee_minor``: one ``evaluate_groups`` call
    on the amounts sorted by seller, month and time, the groups given by their offsets."""
    ts = transactions["ts"].dt
    # The month as a number (202601): formatting a million timestamps as text takes seconds.
    tx = transactions.assign(month=ts.year * 100 + ts.month)
    tx = tx.sort_values(["seller", "month", "ts", "amount_minor"], kind="stable")
    keys = tx[["seller", "month"]]
    starts = np.flatnonzero((keys != keys.shift()).any(axis=1).to_numpy())
    offsets = np.append(starts, len(tx)).astype(np.int64)
    schedule = landed.FeeSchedule(schedule_spec)
    fees = schedule.evaluate_groups(tx["amount_minor"].to_numpy(dtype=np.int64), offsets)
    first = tx.iloc[starts]
    return pd.DataFrame({
        "seller": first["seller"].to_numpy(),
        "month": [f"{m // 100:04d}-{m % 100:02d}" for m in first["month"].to_numpy()],
        "transactions": np.diff(offsets),
        "volume_minor": np.add.reduceat(tx["amount_minor"].to_numpy(), starts),
        "fee_minor": fees,
    })


def main() -> None:
    import os
    import tempfile

    from spark_catalogue import generate_catalogue, generate_transactions

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generate_catalogue(os.path.join(tmp, "c.parquet"), args.rows)
        generate_transactions(os.path.join(tmp, "t.parquet"), args.rows)
        catalogue = pd.read_parquet(os.path.join(tmp, "c.parquet"))
        tx = pd.read_parquet(os.path.join(tmp, "t.parquet"))
    t0 = time.perf_counter()
    out = reprice_catalogue(catalogue)
    t = time.perf_counter() - t0
    print(f"reprice_catalogue: {len(catalogue):,} rows x {len(MARKETS)} markets in {t:.2f} s "
          f"({len(out) / t:,.0f} prices/s)")
    t0 = time.perf_counter()
    fees = monthly_fees(tx)
    t = time.perf_counter() - t0
    print(f"monthly_fees: {len(tx):,} transactions in {t:.2f} s ({len(tx) / t:,.0f}/s)")
    print(fees.head())


if __name__ == "__main__":
    main()
