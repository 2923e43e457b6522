"""The pandas example gives the Spark example's answers, checked with the single calls."""

from __future__ import annotations

import sys
from decimal import Decimal

import pandas as pd

import landed

from conftest import REPO

sys.path.insert(0, str(REPO / "python" / "examples"))
import pandas_catalogue as job  # noqa: E402
import spark_catalogue  # noqa: E402


def test_pandas_catalogue_and_fees(tmp_path):
    cat_path, tx_path = str(tmp_path / "c.parquet"), str(tmp_path / "t.parquet")
    spark_catalogue.generate_catalogue(cat_path, 200)
    spark_catalogue.generate_transactions(tx_path, 1_000, sellers=3)
    catalogue = pd.read_parquet(cat_path)
    out = job.reprice_catalogue(catalogue)
    assert len(out) == 200 * len(job.MARKETS)
    gb = out[out["market"] == "GB"].set_index("sku")["price_minor"]
    r = landed.Repricer("GBP", now=job.NOW, markup_bps=150, rounding="half_even",
                        ending=spark_catalogue.MARKETS["GB"]["ending"])
    for row in catalogue.itertuples():
        amount = r.amount(Decimal(int(row.price_minor)).scaleb(-2), row.currency)
        assert gb[row.sku] == int(amount.scaleb(2))

    tx = pd.read_parquet(tx_path)
    fees = job.monthly_fees(tx)
    assert len(fees) == 3 * 6
    tx["month"] = tx["ts"].dt.strftime("%Y-%m")
    for f in fees.itertuples():
        g = tx[(tx["seller"] == f.seller) & (tx["month"] == f.month)].sort_values(["ts", "amount_minor"])
        one = landed.fees({"schedule": job.FEE_SCHEDULE,
                           "events": [str(Decimal(int(a)).scaleb(-2)) for a in g["amount_minor"]]})
        assert f.fee_minor == int(one["total"].scaleb(2))
        assert f.transactions == len(g)
