"""While the read models are halted at an event they cannot fold, the API says so instead of "Unexpected error.":
queries that need the read models answer READ_MODELS_HALTED naming the position and event type (HTTP 503);
the fields that read the log answer as usual; mutations still record (HTTP 200, saying so); /readyz is 503 with
the reason and /metrics shows the halt; a rebuild with the fold fixed clears it all. On both stores (on
PostgreSQL the API folds for itself, as beside a worker)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from starlette.testclient import TestClient

from arledger.wiring import open_ledger
from graphql_api.http.server import build_app
from tests.api.conftest import ISSUE, REGISTER, customer, invoice
from tests.halting import fold_raising_on

HALTED = "READ_MODELS_HALTED"
UNEXPECTED = "Unexpected error."


@pytest.fixture
def books(database_url, monkeypatch):
    """C1 with INV-1 folded, then INV-BAD recorded by an admin's issueInvoice whose fold raises."""
    ledger = open_ledger(database_url)
    app = build_app(ledger)
    client = TestClient(app)
    tokens = {
        role: app.state.tokens.create(role, role, "C1" if role == "customer" else None)
        for role in ("admin", "auditor", "customer")
    }

    def post(query, variables=None, role="admin"):
        return client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {tokens[role]}"},
        )

    assert post(REGISTER, {"input": customer("C1")}).json()["data"]["registerCustomer"]["userErrors"] == []
    assert post(ISSUE, {"input": invoice("INV-1")}).json()["data"]["issueInvoice"]["userErrors"] == []
    fold_raising_on(monkeypatch, "INV-BAD")
    issued = post(ISSUE, {"input": invoice("INV-BAD")})
    yield SimpleNamespace(
        ledger=ledger, client=client, post=post, issued=issued, halt=ledger.runner.halt(), monkeypatch=monkeypatch
    )
    ledger.close()


def _halted_error(response, status=503):
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert UNEXPECTED not in [error["message"] for error in errors]
    assert {error["extensions"]["code"] for error in errors} == {HALTED}, errors
    return errors[0]


def test_the_mutation_that_met_the_fold_failure_was_recorded_and_says_so(books):
    halt = books.halt
    assert halt is not None and halt.event_type == "InvoiceIssued"
    error = _halted_error(books.issued, status=200)
    extensions = error["extensions"]
    assert (extensions["position"], extensions["eventType"], extensions["foldedThrough"]) == (
        halt.position,
        "InvoiceIssued",
        halt.position - 1,
    )
    assert extensions["retryable"] is False and extensions["recordedPosition"] >= halt.position
    assert error["message"].startswith("recorded (up to log position") and error["path"] == ["issueInvoice"]
    assert "INV-BAD" in books.ledger.app.account("C1").invoices  # the log is the truth


@pytest.mark.parametrize(
    "query",
    [
        '{ customer(code: "C1") { code outstanding } }',
        '{ invoice(number: "INV-1") { number outstanding } }',
        "{ customers(first: 5) { edges { node { code } } } }",
        '{ aging(asOf: "2026-03-01") { rows { customerCode outstanding } } }',  # the direct report path
        '{ aging(asOf: "2026-03-01") { rows { customerCode } } customer(code: "C1") { code } }',
        '{ statement(customerCode: "C1", from: "2026-01-01", to: "2026-03-01") { closingBalance } }',
        '{ kpis(asOf: "2026-03-01") { totals { currency } } }',
    ],
)
def test_a_query_needing_the_read_models_names_the_halt(books, query):
    error = _halted_error(books.post(query))
    assert error["extensions"]["position"] == books.halt.position
    assert f"halted at log position {books.halt.position} (InvoiceIssued)" in error["message"]
    assert "arledger rebuild" in error["message"] and "fold bug" not in error["message"]  # the reason: operators'


def test_a_customer_token_is_told_the_same(books):
    _halted_error(books.post('{ customer(code: "C1") { code outstanding } }', role="customer"))


def test_the_fields_reading_the_log_itself_still_answer(books):
    response = books.post(
        '{ history(number: "INV-BAD") { type } verify { intact } '
        'customer(code: "C1", knownAt: "2100-01-01T00:00:00Z") { outstanding } }',
        role="auditor",
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    data = response.json()["data"]
    assert data["history"][0]["type"] == "InvoiceIssued" and data["verify"]["intact"]
    assert data["customer"]["outstanding"] == "200.00"  # from the log: both invoices


def test_a_mixed_query_answers_what_the_log_can_and_names_the_halt_for_the_rest(books):
    response = books.post('{ history(number: "INV-1") { type } customer(code: "C1") { code } }')
    error = _halted_error(response)
    assert error["path"] == ["customer"] and response.json()["data"]["history"][0]["type"] == "InvoiceIssued"


def test_later_mutations_are_recorded_and_refusals_answered_as_usual(books):
    issued = books.post(ISSUE, {"input": invoice("INV-3")})
    assert _halted_error(issued, status=200)["message"].startswith("recorded")
    assert "INV-3" in books.ledger.app.account("C1").invoices
    refused = books.post(ISSUE, {"input": invoice("INV-4", customerCode="NOBODY")})
    assert refused.status_code == 200 and refused.json()["data"]["issueInvoice"]["userErrors"][0]["code"] == "NOT_FOUND"


def test_readiness_and_metrics_show_the_halt(books):
    ready = books.client.get("/readyz")
    assert ready.status_code == 503
    body = ready.json()
    assert (body["status"], body["position"], body["eventType"]) == ("halted", books.halt.position, "InvoiceIssued")
    assert body["error"] == "ValueError: fold bug: cannot fold this invoice" and "arledger rebuild" in body["recovery"]
    metrics = books.client.get("/metrics").text
    assert 'arledger_projection_halted{projection="receivables"} 1.0' in metrics
    assert f'arledger_projection_halted_position{{projection="receivables"}} {books.halt.position}.0' in metrics


def test_a_subscription_is_told_too(books):
    with books.client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        token = books.client.app.state.tokens.create("admin", "ws")
        socket.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": "subscription { ledgerEvents(after: 0) { position } }"},
            }
        )
        answer = socket.receive_json()
    errors = answer["payload"]["errors"] if isinstance(answer["payload"], dict) else answer["payload"]
    assert [error["extensions"]["code"] for error in errors] == [HALTED], answer


def test_a_rebuild_with_the_fold_fixed_clears_it_all(books):
    books.monkeypatch.undo()
    books.ledger.runner.rebuild()
    assert books.client.get("/readyz").status_code == 200
    assert 'arledger_projection_halted{projection="receivables"} 0.0' in books.client.get("/metrics").text
    response = books.post('{ customer(code: "C1") { outstanding } }')
    assert response.status_code == 200 and response.json()["data"]["customer"]["outstanding"] == "200.00"


def test_a_process_deployed_with_the_fixed_fold_clears_the_halt_at_its_first_query(books):
    books.monkeypatch.undo()
    deployed = open_ledger(books.ledger.database.database_url)
    try:
        client = TestClient(build_app(deployed))
        token = client.app.state.tokens.create("admin", "deployed")
        response = client.post(
            "/graphql",
            json={"query": '{ customer(code: "C1") { outstanding } }'},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200 and response.json()["data"]["customer"]["outstanding"] == "200.00"
        assert deployed.runner.halt() is None and client.get("/readyz").status_code == 200
    finally:
        deployed.close()
