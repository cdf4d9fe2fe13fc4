"""End to end: `arledger demo` / `arledger serve` as real processes, driven over loopback HTTP like a frontend.

The demo's history ends on a fixed date (`demo --end-date`), so what it holds is the same on any day the suite runs.
The server's risk watch evaluates as of the machine's date, so the demo it watches ends today, and what a test sends
it is dated today, on purpose: its first scan and the watch then look at the same day."""

import base64
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date

import httpx
import pytest
from websockets.sync.client import connect


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(base: str, process: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail("server did not become healthy")


DEMO_END = "2026-11-30"  # the last day of every demo history here


def _demo(tmp_path, customers: int, env: dict[str, str], end_date: str = DEMO_END):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "arledger",
            "demo",
            "--customers",
            str(customers),
            "--end-date",
            end_date,
            "--port",
            str(port),
            "--database-url",
            f"sqlite:///{tmp_path / 'demo.db'}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        token = process.stdout.readline().decode().strip()
        yield base, token
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def demo(tmp_path):
    yield from _demo(tmp_path, 15, {"ARLEDGER_RISK_WATCH": "off"})


@pytest.fixture
def watching_demo(tmp_path):
    yield from _demo(tmp_path, 60, {"ARLEDGER_RISK_WATCH": "on"}, date.today().isoformat())


def graphql(base, token, query, variables=None):
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200
    return response.json()


@contextmanager
def subscribed(base, token, selection):
    """A websocket subscribed to `selection`, whose `%d` is filled with the log position now."""
    url = base.replace("http://", "ws://") + f"/graphql?token={token}"
    with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as socket_:
        socket_.send(json.dumps({"type": "connection_init"}))
        assert json.loads(socket_.recv(timeout=10))["type"] == "connection_ack"
        position = httpx.get(f"{base}/healthz", timeout=10).json()["position"]
        socket_.send(
            json.dumps(
                {"id": "s1", "type": "subscribe", "payload": {"query": "subscription { %s }" % (selection % position)}}
            )
        )
        yield socket_


def test_demo_serves_seeded_data_to_an_admin_token_and_graphiql_to_browsers(demo):
    base, token = demo
    assert token.startswith("arl_")
    data = graphql(
        base,
        token,
        "{ customers(first: 5) { edges { node { code outstanding } } } "
        'aging(asOf: "2026-11-23") { totals { currency outstanding } } }',
    )["data"]
    assert len(data["customers"]["edges"]) == 5 and data["aging"]["totals"]
    page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_graphiql_loads_every_script_from_the_server_itself_with_intact_bytes(demo):
    base, _token = demo
    page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=10).text
    assert "unpkg.com" not in page
    assets = re.findall(r'(?:src|href)="(/graphiql/assets/[^"]+)"\s+integrity="sha384-([^"]+)"', page)
    assert len(assets) == 7, assets
    for path, digest in assets:
        served = httpx.get(f"{base}{path}", timeout=10)
        assert served.status_code == 200, path
        assert base64.b64encode(hashlib.sha384(served.content).digest()).decode() == digest, path


def test_a_subscription_over_the_network_streams_a_mutation(demo):
    base, token = demo
    with subscribed(
        base, token, 'ledgerEvents(customerCode: "WS1", after: %d) { type customerCode customerOutstanding }'
    ) as socket_:
        graphql(
            base,
            token,
            """mutation { registerCustomer(input: {code: "WS1", name: "Socket Ltd", currency: "CNY"})
            { userErrors { code } } }""",
        )
        graphql(
            base,
            token,
            """mutation { issueInvoice(input: {number: "WS1-1", customerCode: "WS1",
            issueDate: "2026-11-01", lines: [{description: "x", quantity: "1", unitPrice: "42"}]}) { userErrors { code } } }""",
        )
        received = [json.loads(socket_.recv(timeout=15))["payload"]["data"]["ledgerEvents"] for _ in range(2)]
    assert [(event["type"], event["customerCode"]) for event in received] == [
        ("CustomerRegistered", "WS1"),
        ("InvoiceIssued", "WS1"),
    ]
    assert received[1]["customerOutstanding"] == "42.00"


def test_a_mutation_over_the_network_is_read_back_at_once(demo):
    base, token = demo
    registered = graphql(
        base,
        token,
        """mutation { registerCustomer(input: {code: "E2E", name: "End To End Ltd",
        currency: "CNY", creditLimit: "150.00"}) { userErrors { code } customer { code creditLimit } } }""",
    )
    assert registered["data"]["registerCustomer"] == {
        "userErrors": [],
        "customer": {"code": "E2E", "creditLimit": "150.00"},
    }
    issue = """mutation($number: String!) { issueInvoice(input: {number: $number, customerCode: "E2E",
        issueDate: "2026-11-01", dueDate: "2026-12-01", lines: [{description: "Service", quantity: "2", unitPrice: "50"}]})
        { userErrors { code field } invoice { number total status } } }"""
    issued = graphql(base, token, issue, {"number": "E2E-1"})["data"]["issueInvoice"]
    assert issued == {"userErrors": [], "invoice": {"number": "E2E-1", "total": "100.00", "status": "OPEN"}}
    refused = graphql(base, token, issue, {"number": "E2E-2"})["data"]["issueInvoice"]
    assert refused == {"userErrors": [{"code": "CREDIT_LIMIT_EXCEEDED", "field": ["customerCode"]}], "invoice": None}
    read = graphql(base, token, '{ customer(code: "E2E") { outstanding } }')["data"]["customer"]
    assert read == {"outstanding": "100.00"}
    unauthenticated = httpx.post(
        f"{base}/graphql", json={"query": "{ customers(first: 1) { edges { cursor } } }"}
    ).json()
    assert unauthenticated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_the_demo_warns_of_customers_sliding_into_risk_and_new_alerts_stream_as_events_arrive(watching_demo):
    base, token = watching_demo
    seeded = graphql(base, token, "{ riskAlerts(first: 100) { customerCode rule status evidence } }")
    alerts = seeded["data"]["riskAlerts"]
    assert alerts and all(alert["status"] == "OPEN" and alert["evidence"] for alert in alerts)
    with subscribed(
        base, token, 'ledgerEvents(types: ["RiskAlertRaised"], after: %d) { type customerCode data }'
    ) as socket_:
        graphql(
            base,
            token,
            """mutation { registerCustomer(input: {code: "RW1", name: "Sliding Ltd", currency: "CNY",
            creditLimit: "100.00"}) { userErrors { code } } }""",
        )
        today = date.today().isoformat()  # the watch evaluates as of today: an invoice of today is not yet overdue
        issued = graphql(
            base,
            token,
            """mutation($on: String!) { issueInvoice(input: {number: "RW1-1",
            customerCode: "RW1", issueDate: $on, lines: [{description: "x", quantity: "1", unitPrice: "95"}]})
            { userErrors { code } } }""",
            {"on": today},
        )
        assert issued["data"]["issueInvoice"]["userErrors"] == []
        raised = json.loads(socket_.recv(timeout=30))["payload"]["data"]["ledgerEvents"]
    assert (raised["type"], raised["customerCode"], raised["data"]["rule"]) == ("RiskAlertRaised", "RW1", "utilisation")
    assert raised["data"]["evidence"]["utilisation"] == "0.950"
