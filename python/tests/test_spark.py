"""The Spark example in local mode on a small generated dataset, checked against the package's
single-call functions."""

from __future__ import annotations

import sys
from collections import defaultdict
from decimal import Decimal

import pyarrow.parquet as pq
import pytest

import landed

from conftest import REPO

pytest.importorskip("pyspark")
sys.path.insert(0, str(REPO / "python" / "examples"))
import spark_catalogue as job  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    session = job.spark_session("local[2]")
    yield session
    session.stop()


def minor(amount: Decimal, scale: int) -> int:
    return int(amount.scaleb(scale))


def test_reprice_catalogue_equals_reprice(spark, tmp_path):
    path = str(tmp_path / "catalogue.parquet")
    job.generate_catalogue(path, 600)
    out = job.reprice_catalogue(spark.read.parquet(path).repartition(3)).collect()
    assert len(out) == 600 * len(job.MARKETS)
    got = {(r.sku, r.market): (r.currency, r.price_minor) for r in out}

    table = pq.read_table(path).to_pylist()
    scales = {"EUR": 2, "USD": 2, "GBP": 2}
    for market, policy in job.MARKETS.items():
        request = {k: v for k, v in policy.items()}
        request["now"] = job.NOW
        request["prices"] = [
            {"amount": str(Decimal(row["price_minor"]).scaleb(-scales[row["currency"]])),
             "currency": row["currency"]}
            for row in table
        ]
        quotes = landed.reprice(request)["quotes"]
        scale = landed.Repricer(policy["to"], now=job.NOW).scale
        for row, q in zip(table, quotes):
            assert got[(row["sku"], market)] == (policy["to"], minor(q["amount"], scale)), (
                row, market)


def test_monthly_fees_equal_fees(spark, tmp_path):
    path = str(tmp_path / "tx.parquet")
    job.generate_transactions(path, 3_000, sellers=4)
    out = job.monthly_fees(spark.read.parquet(path).repartition(3)).collect()

    groups: dict[tuple[str, str], list] = defaultdict(list)
    for row in pq.read_table(path).to_pylist():
        groups[(row["seller"], row["ts"].strftime("%Y-%m"))].append((row["ts"], row["amount_minor"]))
    assert len(out) == len(groups) == 4 * 6
    for r in out:
        events = sorted(groups[(r.seller, r.month)])
        one = landed.fees({"schedule": job.FEE_SCHEDULE,
                           "events": [str(Decimal(a).scaleb(-2)) for _, a in events]})
        assert r.transactions == len(events)
        assert r.volume_minor == sum(a for _, a in events)
        assert r.fee_minor == minor(one["total"], 2), (r.seller, r.month)
