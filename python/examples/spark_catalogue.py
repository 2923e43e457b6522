"""Catalogue-scale pricing on Apache Spark with the ``landed`` package.

Two jobs, each running the package inside ``mapInArrow``: Spark hands the Python workers Arrow
record batches and takes Arrow batches back, and the package reads and writes the int64
columns directly, so no Python object is made per row.

1. ``reprice_catalogue``: a catalogue (Parquet: ``sku``, ``price_minor`` in minor units,
   ``currency``) repriced for several markets, each with its own currency, FX markup, rounding
   and price ending, on the ECB reference rates in force at ``now``;
2. ``monthly_fees``: each seller's fee per month from a transactions table (``seller``,
   ``ts``, ``amount_minor``) under a volume-tiered schedule (the month's cumulative volume
   picks the rate of each transaction), the month's transactions in time order.

Run locally (generates the data, runs both jobs, prints the throughput)::

    python python/examples/spark_catalogue.py --rows 1000000

On a cluster, ship the wheel built by ``maturin build --release`` (an abi3 wheel works with
every CPython >= 3.9 of the executors) and run the same code, e.g.::

    spark-submit --py-files landed-0.1.0-cp39-abi3-manylinux_2_34_x86_64.whl \\
        python/examples/spark_catalogue.py --rows 0 --catalogue s3://bucket/catalogue/ ...

(or ``pip install`` the wheel into the executors' image or a packed virtualenv passed with
``--archives``; see the README).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from typing import Any, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import landed

#: The moment the catalogue is priced at: the ECB publication in force that day is used.
NOW = "2026-07-21T12:00:00Z"

#: Market -> FX policy (the keyword arguments of ``landed.Repricer``).
MARKETS: dict[str, dict[str, Any]] = {
    "GB": {"to": "GBP", "markup_bps": 150, "rounding": "half_even",
           "ending": {"kind": "increment", "increment": "1.00", "offset": "-0.01",
                      "direction": "up"}},
    "JP": {"to": "JPY", "markup_bps": 200,
           "ending": {"kind": "increment", "increment": "10", "offset": "0", "direction": "up"}},
    "CH": {"to": "CHF", "markup_bps": 120, "rounding": "half_up"},
    "US": {"to": "USD", "markup_bps": 100},
}

#: A volume-tiered card-processing schedule: 2.9 % + 0.30 per transaction up to 10,000 of
#: the month's volume, 2.5 % up to 100,000, 1.9 % above.
FEE_SCHEDULE: dict[str, Any] = {
    "mode": "percentage", "basis": "period_volume", "currency": "USD",
    "fixed_amount": "0.30",
    "tiers": [{"up_to": "10000", "rate": "2.9"}, {"up_to": "100000", "rate": "2.5"},
              {"up_to": None, "rate": "1.9"}],
}

REPRICED_SCHEMA = "sku string, market string, currency string, price_minor long"
FEES_SCHEMA = ("seller string, month string, transactions long, volume_minor long, "
               "fee_minor long")


def _repricers(markets: dict[str, dict[str, Any]], now: str) -> dict[str, landed.Repricer]:
    return {m: landed.Repricer(p["to"], now=now, **{k: v for k, v in p.items() if k != "to"})
            for m, p in markets.items()}


def reprice_batches(batches: Iterator[pa.RecordBatch], markets: dict[str, dict[str, Any]],
                    now: str) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function of ``reprice_catalogue``: per batch, per source currency,
    one ``reprice_minor`` call per market on the price column."""
    repricers = _repricers(markets, now)
    for batch in batches:
        currencies = batch.column("currency")
        for cur in pc.unique(currencies).to_pylist():
            part = batch.filter(pc.equal(currencies, cur)) if cur is not None else None
            if part is None or part.num_rows == 0:
                continue
            prices = part.column("price_minor")
            for market, repricer in repricers.items():
                out = repricer.reprice_minor(prices, cur)
                n = part.num_rows
                yield pa.RecordBatch.from_arrays(
                    [part.column("sku"),
                     pa.repeat(pa.scalar(market, pa.string()), n),
                     pa.repeat(pa.scalar(markets[market]["to"], pa.string()), n),
                     out],
                    names=["sku", "market", "currency", "price_minor"],
                )


def copy_batches(batches: Iterator[pa.RecordBatch],
                 markets: dict[str, dict[str, Any]]) -> Iterator[pa.RecordBatch]:
    """The same output as ``reprice_batches`` with the prices copied, not repriced: the cost of
    the Arrow round trip through the Python workers alone, for comparison."""
    for batch in batches:
        n = batch.num_rows
        for market, policy in markets.items():
            yield pa.RecordBatch.from_arrays(
                [batch.column("sku"), pa.repeat(pa.scalar(market, pa.string()), n),
                 pa.repeat(pa.scalar(policy["to"], pa.string()), n), batch.column("price_minor")],
                names=["sku", "market", "currency", "price_minor"],
            )


def reprice_catalogue(catalogue, markets: dict[str, dict[str, Any]] = MARKETS, now: str = NOW):
    """The catalogue DataFrame repriced for every market: ``sku, market, currency,
    price_minor`` (minor units of the market's currency)."""
    return catalogue.mapInArrow(lambda it: reprice_batches(it, markets, now), REPRICED_SCHEMA)


def fee_batches(batches: Iterator[pa.RecordBatch],
                schedule_spec: dict[str, Any]) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function of ``monthly_fees``: one ``evaluate_groups`` call per batch
    on the list column of each seller-month's amounts (its values and offsets)."""
    schedule = landed.FeeSchedule(schedule_spec)
    for batch in batches:
        amounts = batch.column("amounts")
        fees = schedule.evaluate_groups(amounts.values, amounts.offsets)
        yield pa.RecordBatch.from_arrays(
            [batch.column("seller"), batch.column("month"), batch.column("transactions"),
             batch.column("volume_minor"), fees],
            names=["seller", "month", "transactions", "volume_minor", "fee_minor"],
        )


def monthly_fees(transactions, schedule_spec: dict[str, Any] = FEE_SCHEDULE):
    """Each seller's fee per month: ``seller, month, transactions, volume_minor, fee_minor``."""
    from pyspark.sql import functions as F

    per_month = (
        transactions.withColumn("month", F.date_format("ts", "yyyy-MM"))
        .groupBy("seller", "month")
        .agg(
            # Sorted by time: a volume-tiered fee depends on the order of the month's events.
            F.sort_array(F.collect_list(F.struct("ts", "amount_minor"))).alias("tx"),
            F.count("*").alias("transactions"),
            F.sum("amount_minor").alias("volume_minor"),
        )
        .select("seller", "month", F.col("tx.amount_minor").alias("amounts"),
                "transactions", "volume_minor")
    )
    return per_month.mapInArrow(lambda it: fee_batches(it, schedule_spec), FEES_SCHEMA)


def generate_catalogue(path: str, rows: int, seed: int = 1) -> None:
    """A catalogue of ``rows`` SKUs priced in EUR, USD and GBP (minor units)."""
    rng = np.random.default_rng(seed)
    skus = pa.array([f"SKU{i:08d}" for i in range(rows)], type=pa.string())
    prices = rng.integers(99, 250_000, size=rows, dtype=np.int64)
    currencies = np.array(["EUR", "USD", "GBP"], dtype=object)[rng.integers(0, 3, size=rows)]
    pq.write_table(pa.table({"sku": skus, "price_minor": prices,
                             "currency": pa.array(currencies, type=pa.string())}), path)


def generate_transactions(path: str, rows: int, sellers: int = 20, seed: int = 2) -> None:
    """``rows`` USD transactions of ``sellers`` sellers over the first half of 2026."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-01-01T00:00:00", "us")
    seconds = rng.integers(0, 181 * 86_400, size=rows)
    ts = start + seconds.astype("timedelta64[s]").astype("timedelta64[us]")
    seller = np.array([f"seller-{i:03d}" for i in range(sellers)],
                      dtype=object)[rng.integers(0, sellers, size=rows)]
    amounts = rng.integers(500, 80_000, size=rows, dtype=np.int64)
    pq.write_table(pa.table({"seller": pa.array(seller, type=pa.string()),
                             "ts": pa.array(ts, type=pa.timestamp("us", tz="UTC")),
                             "amount_minor": amounts}), path)


def spark_session(master: str = "local[2]"):
    """A local Spark session whose Python workers run this interpreter (and so see the
    installed ``landed``)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName("landed-catalogue")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
        .getOrCreate()
    )
    # The batch functions above are pickled by reference to this module when it is imported;
    # the executors import it from the file shipped here.
    spark.sparkContext.addPyFile(os.path.abspath(__file__))
    return spark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000,
                        help="catalogue rows and transactions to generate (0: use the paths)")
    parser.add_argument("--catalogue", help="catalogue Parquet path (default: generated)")
    parser.add_argument("--transactions", help="transactions Parquet path (default: generated)")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()

    spark = spark_session(args.master)
    with tempfile.TemporaryDirectory() as tmp:
        catalogue_path = args.catalogue or os.path.join(tmp, "catalogue.parquet")
        tx_path = args.transactions or os.path.join(tmp, "transactions.parquet")
        if args.rows:
            generate_catalogue(catalogue_path, args.rows)
            generate_transactions(tx_path, args.rows)
        catalogue = spark.read.parquet(catalogue_path)
        rows = catalogue.count()

        # Warm-up (the Python workers start, the files are read once), then timed runs.
        noop = lambda df: df.write.format("noop").mode("overwrite").save()  # noqa: E731
        noop(reprice_catalogue(catalogue))
        t0 = time.perf_counter()
        noop(reprice_catalogue(catalogue))
        t_reprice = time.perf_counter() - t0
        t0 = time.perf_counter()
        noop(catalogue.mapInArrow(lambda it: copy_batches(it, MARKETS), REPRICED_SCHEMA))
        t_copy = time.perf_counter() - t0
        print(f"reprice_catalogue: {rows:,} rows x {len(MARKETS)} markets in {t_reprice:.1f} s: "
              f"{rows / t_reprice:,.0f} catalogue rows/s "
              f"({rows * len(MARKETS) / t_reprice:,.0f} prices/s), data {landed.data_version()}; "
              f"the same job copying the prices instead: {t_copy:.1f} s")

        tx = spark.read.parquet(tx_path)
        n_tx = tx.count()
        fees = monthly_fees(tx)
        noop(fees)
        t0 = time.perf_counter()
        noop(fees)
        t_fees = time.perf_counter() - t0
        print(f"monthly_fees: {n_tx:,} transactions in {t_fees:.1f} s: "
              f"{n_tx / t_fees:,.0f} transactions/s")
        fees.orderBy("seller", "month").show(5)
    spark.stop()


if __name__ == "__main__":
    main()
