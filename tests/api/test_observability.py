"""Observability: the caller's request id comes back, is stamped on the events the request recorded and on its log
line; /metrics speaks Prometheus with the request histogram, events appended, projection lag and outbox backlog;
/readyz is ready only when the read models keep up with the log."""

import json
import logging

from starlette.testclient import TestClient

from arledger.logs import configure_logging
from arledger.wiring import open_ledger
from graphql_api.http.server import build_app
from ledger.context import CommandContext
from ledger.operations import parse_command
from tests.api.conftest import REGISTER, customer


def test_a_request_id_follows_the_request_into_its_events_and_its_log_line(served, capsys):
    configure_logging("json", "INFO")
    response = served.client.post(
        "/graphql",
        json={"query": REGISTER, "variables": {"input": customer("OB1")}},
        headers={"Authorization": f"Bearer {served.tokens['admin']}", "X-Request-ID": "req-77"},
    )
    assert response.headers["x-request-id"] == "req-77"
    events = served.ledger.app.account("OB1").collect_events()
    (registered,) = served.ledger.app.events.get(served.ledger.app.account("OB1").id)
    assert registered.correlation_id == "req-77" and events == []
    line = next(json.loads(text) for text in capsys.readouterr().err.splitlines() if "req-77" in text)
    assert (line["logger"], line["status"], line["path"], line["correlation_id"]) == (
        "arledger.access",
        200,
        "/graphql",
        "req-77",
    )
    assert "time" in line and line["level"] == "INFO"
    other = served.client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert other.headers["x-request-id"] != "bad id with spaces" and len(other.headers["x-request-id"]) == 32
    logging.getLogger().handlers.clear()


def test_metrics_speak_prometheus(served):
    served.call(REGISTER, {"input": customer("M1")})
    text = served.client.get("/metrics").text
    for name in (
        "arledger_http_request_duration_seconds_bucket",
        "arledger_events_appended_total",
        "arledger_log_position",
        "arledger_projection_lag_events 0.0",
    ):
        assert name in text, name
    assert 'route="/graphql",status="200"' in text
    appended = float(
        next(line.split()[-1] for line in text.splitlines() if line.startswith("arledger_events_appended_total"))
    )
    assert appended == 1.0  # CustomerRegistered: the one event this process appended


def test_ready_only_when_the_read_models_keep_up(sqlite_url):
    ledger = open_ledger(sqlite_url)
    ledger.app.after_save_hooks.clear()  # nobody folds: as if the projection worker were down
    client = TestClient(build_app(ledger, ready_max_lag=1))
    assert client.get("/readyz").json()["status"] == "ready"
    for code in ("R1", "R2"):
        ledger.app.perform(parse_command("registerCustomer", customer(code)), CommandContext(actor="t"))
    lagging = client.get("/readyz")
    assert lagging.status_code == 503 and lagging.json()["lag"] == 2 and lagging.json()["status"] == "catching up"
    ledger.runner.catch_up()
    assert client.get("/readyz").status_code == 200 and client.get("/healthz").status_code == 200
    ledger.close()


def test_a_client_gone_mid_request_is_logged_quietly_and_counted_as_499(served, caplog):
    import asyncio

    messages = [{"type": "http.request", "body": b'{"query": "{ cust', "more_body": True}, {"type": "http.disconnect"}]
    sent = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
        "scheme": "http",
        "server": ("t", 80),
        "client": ("c", 1),
        "root_path": "",
        "http_version": "1.1",
        "asgi": {"version": "3.0"},
    }
    with caplog.at_level(logging.INFO):
        asyncio.run(served.app(scope, receive, send))
    assert sent == []  # nobody to answer
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("client disconnected" in r.getMessage() for r in caplog.records)
    assert 'route="/graphql",status="499"' in served.client.get("/metrics").text
