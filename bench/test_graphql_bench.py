"""GraphQL benchmarks (issue 4): a small query and a big aging report through the GraphQL endpoint, each beside
a plain starlette endpoint that reads the same data with the same functions and returns the same JSON.

Run: ARLEDGER_BENCH_CUSTOMERS=2000 .venv/bin/pytest bench/test_graphql_bench.py -q --benchmark-only
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from arledger.wiring import open_ledger
from bench.conftest import record_ratio, time_reference
from bench.test_read_bench import END, SIZES, seeded_sqlite
from graphql_api.server import build_app
from graphql_api.types import load_customer
from projections.aging import AgingQuery, aging_report

SMALL = '{ customer(code: "C0001") { code name currency creditLimit onCreditHold outstanding unallocatedCredit } }'
AGING = ('{ aging(asOf: "%s") { asOf knownAt basis boundaries rows { customerCode currency outstanding current buckets '
         'unallocatedCredit } totals { currency outstanding current buckets unallocatedCredit } } }' % END.isoformat())


def _clients(url: str):
    ledger = open_ledger(url)
    app = build_app(ledger)
    token = app.state.tokens.create("admin", "bench")

    async def plain_customer(_request):
        return JSONResponse({"data": {"customer": dataclasses.asdict(load_customer(ledger.database, "C0001"))}})

    async def plain_aging(_request):
        return JSONResponse({"data": {"aging": aging_report(ledger.database, AgingQuery(END))}})

    plain = Starlette(routes=[Route("/customer", plain_customer), Route("/aging", plain_aging)])
    return ledger, TestClient(app), TestClient(plain), {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("customers", SIZES[:1])
def test_small_query(benchmark, customers, tmp_path):
    ledger, graphql, plain, headers = _clients(seeded_sqlite(customers, tmp_path))
    run = lambda: graphql.post("/graphql", json={"query": SMALL}, headers=headers).json()  # noqa: E731
    assert run()["data"]["customer"]["code"] == "C0001"
    benchmark.pedantic(run, rounds=200, warmup_rounds=20)
    raw_s = time_reference(lambda: plain.get("/customer").json(), 200)
    record_ratio("GraphQL small query", "sqlite", benchmark.stats.stats.median, raw_s, "<= 2x")
    ledger.close()


@pytest.mark.parametrize("customers", SIZES)
def test_aging_report_over_http(benchmark, customers, tmp_path):
    ledger, graphql, plain, headers = _clients(seeded_sqlite(customers, tmp_path))
    run = lambda: graphql.post("/graphql", json={"query": AGING}, headers=headers).json()  # noqa: E731
    rows = len(run()["data"]["aging"]["rows"])
    benchmark.pedantic(run, rounds=5, warmup_rounds=1)
    raw_s = time_reference(lambda: plain.get("/aging").json(), 5)
    record_ratio(f"GraphQL aging {rows} rows", "sqlite", benchmark.stats.stats.median, raw_s, "<= 2x")
    ledger.close()
