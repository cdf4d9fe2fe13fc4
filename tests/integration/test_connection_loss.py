"""Connections dropped under a running server on PostgreSQL (as a restart, a failover or a proxy does): the first
request to meet a dead connection gets the retryable 503, the server drops every dead pooled connection at once
(both pools), and the requests after it succeed — the server resumes by itself."""

import psycopg
import pytest
from starlette.testclient import TestClient

from arledger.wiring import open_ledger
from graphql_api.http.server import build_app
from tests.api.conftest import ISSUE, REGISTER, customer, invoice
from tests.conftest import POSTGRES_ADMIN_URL

CUSTOMER = '{ customer(code: "C1") { outstanding } }'


def _terminate_backends(database_url: str) -> int:
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        return len(
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            ).fetchall()
        )


@pytest.mark.postgres
def test_after_connections_are_dropped_one_request_fails_retryably_and_the_rest_succeed(postgres_url):
    ledger = open_ledger(postgres_url)
    app = build_app(ledger)
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {app.state.tokens.create('admin', 'loss')}"}

    def post(query, variables=None):
        return client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    assert post(REGISTER, {"input": customer("C1")}).status_code == 200
    for n in range(3):
        assert post(ISSUE, {"input": invoice(f"INV-{n}", "10.00")}).json()["data"]["issueInvoice"]["userErrors"] == []
    assert _terminate_backends(postgres_url) >= 2  # the read models' connections and the event store's

    answers = [post(CUSTOMER).status_code]
    answers += [post(ISSUE, {"input": invoice(f"INV-{n}", "10.00")}).status_code for n in range(3, 6)]
    answers += [post(CUSTOMER).status_code for _ in range(3)]
    assert answers[0] == 503 and answers[1:] == [200] * 6, answers
    assert post(CUSTOMER).json()["data"]["customer"]["outstanding"] == "60.00"  # INV-3..5 each recorded once
    ledger.close()
