"""GraphQL benchmarks (issue 4): a small query and a big aging report through the GraphQL endpoint, each beside
a plain starlette endpoint that reads the same data with the same functions and returns the same JSON — both
served by one real uvicorn server on loopback and called over HTTP with a keep-alive httpx client.

Run: ARLEDGER_BENCH_CUSTOMERS=2000,10000 .venv/bin/pytest bench/test_graphql_bench.py -q --benchmark-only
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import httpx
import orjson
import pytest
import uvicorn
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from arledger.wiring import open_ledger
from bench.conftest import record_ratio, time_reference
from bench.test_read_bench import END, SIZES, seeded_sqlite
from graphql_api.documents.types import load_customer
from graphql_api.http.server import build_app
from projections.aging import AgingQuery, aging_report

CUSTOMER_FIELDS = (
    "code",
    "name",
    "currency",
    "creditLimit",
    "onCreditHold",
    "paymentTermsDays",
    "outstanding",
    "unallocatedCredit",
)
SMALL = (
    '{ customer(code: "C0001") { code name currency creditLimit onCreditHold paymentTermsDays outstanding '
    "unallocatedCredit } }"
)
AGING = (
    '{ aging(asOf: "%s") { asOf knownAt basis boundaries rows { customerCode currency outstanding current buckets '
    "unallocatedCredit } totals { currency outstanding current buckets unallocatedCredit } } }" % END.isoformat()
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _served(url: str):
    """Our app with two plain endpoints beside it (written as one would by hand: orjson, the read off the loop)."""
    ledger = open_ledger(url)
    app = build_app(ledger)
    token = app.state.tokens.create("admin", "bench")

    def plain_json(data):
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    async def plain_customer(_request):
        found = await run_in_threadpool(load_customer, ledger.database, "C0001")
        return plain_json({"customer": {name: getattr(found, name) for name in CUSTOMER_FIELDS}})

    async def plain_aging(_request):
        return plain_json({"aging": await run_in_threadpool(aging_report, ledger.database, AgingQuery(END))})

    app.add_route("/plain/customer", plain_customer)
    app.add_route("/plain/aging", plain_aging)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}, timeout=60)
    try:
        yield client
    finally:
        client.close()
        server.should_exit = True
        thread.join()
        ledger.close()


@pytest.mark.parametrize("customers", SIZES[:1])
def test_small_query(benchmark, customers, tmp_path):
    with _served(seeded_sqlite(customers, tmp_path)) as client:
        run = lambda: client.post("/graphql", json={"query": SMALL}).json()  # noqa: E731
        plain = lambda: client.get("/plain/customer").json()  # noqa: E731
        assert run() == plain()
        benchmark.pedantic(run, rounds=300, warmup_rounds=30)
        raw_s = time_reference(plain, 300)
    record_ratio("GraphQL small query (HTTP)", "sqlite", benchmark.stats.stats.median, raw_s, "<= 2x")


@pytest.mark.parametrize("customers", SIZES)
def test_aging_report_over_http(benchmark, customers, tmp_path):
    with _served(seeded_sqlite(customers, tmp_path)) as client:
        run = lambda: client.post("/graphql", json={"query": AGING}).json()  # noqa: E731
        plain = lambda: client.get("/plain/aging").json()  # noqa: E731
        answer = run()
        assert answer == plain()
        benchmark.pedantic(run, rounds=7, warmup_rounds=1)
        raw_s = time_reference(plain, 7)
    rows = len(answer["data"]["aging"]["rows"])
    record_ratio(f"GraphQL aging {rows} rows (HTTP)", "sqlite", benchmark.stats.stats.median, raw_s, "<= 2x")
