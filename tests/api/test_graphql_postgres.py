"""On PostgreSQL with a projection worker process folding the log (the production layout), a mutation's answer
and every query after it already show the write: the API brings the read models up to the mutation's own log
position, serialised with the worker by the tracking lock, so nothing is folded twice."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.testclient import TestClient

from arledger.wiring import open_ledger
from graphql_api.http.server import build_app
from projections.reconcile import reconcile
from tests.api.conftest import ISSUE, PAY, REGISTER, customer, invoice


@pytest.mark.postgres
def test_read_your_writes_beside_a_worker_process(postgres_url):
    ledger = open_ledger(postgres_url)
    worker = subprocess.Popen(
        [sys.executable, "-m", "arledger", "project", "--database-url", postgres_url, "--poll-interval", "0.01"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        app = build_app(ledger)
        client = TestClient(app)
        headers = {"Authorization": f"Bearer {app.state.tokens.create('admin', 'pg')}"}

        def call(query, variables=None):
            return client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers).json()

        def customer_flow(code):
            assert call(REGISTER, {"input": customer(code)})["data"]["registerCustomer"]["userErrors"] == []
            for n in range(1, 6):
                issued = call(ISSUE, {"input": invoice(f"{code}-{n}", amount="10.00", customerCode=code)})
                assert issued["data"]["issueInvoice"]["invoice"]["outstanding"] == "10.00"
                seen = call("query($c: String!) { customer(code: $c) { outstanding } }", {"c": code})
                assert seen["data"]["customer"]["outstanding"] == f"{10 * n}.00"
            paid = call(
                PAY,
                {
                    "input": {
                        "reference": f"{code}-P",
                        "customerCode": code,
                        "amount": "25.00",
                        "receivedOn": "2026-02-01",
                        "method": "CASH",
                    }
                },
            )["data"]["recordPayment"]
            assert paid["payment"]["unallocated"] == "0.00"
            aging = call(
                'query($c: String) { aging(asOf: "2026-02-01", customerCode: $c) { rows { outstanding } } }',
                {"c": code},
            )
            assert aging["data"]["aging"]["rows"] == [{"outstanding": "25.00"}]

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(customer_flow, [f"PG{n}" for n in range(8)]))
        assert worker.poll() is None, worker.stderr.read().decode()
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    assert reconcile(ledger.runner).equal
    ledger.close()
