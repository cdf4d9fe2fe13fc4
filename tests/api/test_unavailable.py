"""While the database is unavailable the API answers HTTP 503 with Retry-After and a GraphQL error coded
UNAVAILABLE (retryable) — from a mutation, a query, the direct report path or token authentication alike — and
never a 500 or a masked "Unexpected error."; /healthz stays alive, /readyz says not ready, /metrics still answers."""

import psycopg
import pytest

from graphql_api.http.unavailable import MESSAGE
from tests.api.conftest import ISSUE, REGISTER, customer, invoice

AGING = '{ aging(asOf: "2026-03-01", boundaries: [30]) { rows { customerCode } } }'
CUSTOMER = '{ customer(code: "C1") { code outstanding } }'


def _down(*_args, **_kwargs):
    raise psycopg.OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def _post(served, query, variables=None, role="admin"):
    return served.client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {served.tokens[role]}"},
    )


def _assert_unavailable(response):
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "1"
    errors = response.json()["errors"]
    assert [error["extensions"] for error in errors] == [{"code": "UNAVAILABLE", "retryable": True}]
    assert errors[0]["message"] == MESSAGE and "127.0.0.1" not in response.text  # not the driver's words


@pytest.mark.parametrize("where", ["mutation", "query", "direct report"])
def test_an_outage_inside_a_resolver_is_a_retryable_503(served, monkeypatch, where):
    served.call(REGISTER, {"input": customer("C1")})
    if where == "mutation":
        monkeypatch.setattr(served.ledger.app, "perform", _down)
        response = _post(served, ISSUE, {"input": invoice()})
    else:
        monkeypatch.setattr(served.ledger.database, "execute", _down)
        response = _post(served, CUSTOMER if where == "query" else AGING)
    _assert_unavailable(response)
    if where == "mutation":
        assert response.json()["errors"][0]["path"] == ["issueInvoice"]
    monkeypatch.undo()
    assert served.call(CUSTOMER)["data"]["customer"]["code"] == "C1"  # and it resumes by itself


def test_an_outage_while_authenticating_is_the_same_503(served, monkeypatch):
    monkeypatch.setattr(served.app.state.tokens, "authenticate", _down)
    _assert_unavailable(_post(served, CUSTOMER))


def test_a_fault_of_ours_is_still_masked_not_called_an_outage(served, monkeypatch):
    served.call(REGISTER, {"input": customer("C1")})
    monkeypatch.setattr(served.ledger.app, "perform", lambda *_: 1 / 0)
    response = _post(served, ISSUE, {"input": invoice()})
    assert response.status_code == 200 and response.json()["errors"][0]["message"] == "Unexpected error."


def test_health_stays_alive_readiness_says_unavailable_and_metrics_still_answer(served, monkeypatch):
    served.call(REGISTER, {"input": customer("C1")})
    text = served.client.get("/metrics").text
    assert "arledger_database_up 1.0" in text
    monkeypatch.setattr(served.ledger.runner, "position", _down)
    health = served.client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok", "position": None, "database": "unavailable"}
    ready = served.client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
    metrics = served.client.get("/metrics")
    assert metrics.status_code == 200 and "arledger_database_up 0.0" in metrics.text
    assert "arledger_http_request_duration_seconds_bucket" in metrics.text
    assert "arledger_log_position" not in metrics.text  # no stale figure is made up while it cannot be read
