"""End to end: `arledger demo` / `arledger serve` as real processes, driven over loopback HTTP like a frontend."""

import socket
import subprocess
import sys
import time

import httpx
import pytest


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


@pytest.fixture
def demo(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "arledger", "demo", "--customers", "15", "--port", str(port),
                                "--database-url", f"sqlite:///{tmp_path / 'demo.db'}"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        token = process.stdout.readline().decode().strip()
        yield base, token
    finally:
        process.terminate()
        process.wait(timeout=10)


def graphql(base, token, query, variables=None):
    response = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables or {}},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200
    return response.json()


def test_demo_serves_seeded_data_to_an_admin_token_and_graphiql_to_browsers(demo):
    base, token = demo
    assert token.startswith("arl_")
    data = graphql(base, token, '{ customers(first: 5) { edges { node { code outstanding } } } '
                                'aging(asOf: "2026-11-23") { totals { currency outstanding } } }')["data"]
    assert len(data["customers"]["edges"]) == 5 and data["aging"]["totals"]
    page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_a_mutation_over_the_network_is_read_back_at_once(demo):
    base, token = demo
    registered = graphql(base, token, """mutation { registerCustomer(input: {code: "E2E", name: "End To End Ltd",
        currency: "CNY", creditLimit: "150.00"}) { userErrors { code } customer { code creditLimit } } }""")
    assert registered["data"]["registerCustomer"] == {"userErrors": [], "customer": {"code": "E2E", "creditLimit": "150.00"}}
    issue = """mutation($number: String!) { issueInvoice(input: {number: $number, customerCode: "E2E",
        issueDate: "2026-11-01", dueDate: "2026-12-01", lines: [{description: "Service", quantity: "2", unitPrice: "50"}]})
        { userErrors { code field } invoice { number total status } } }"""
    issued = graphql(base, token, issue, {"number": "E2E-1"})["data"]["issueInvoice"]
    assert issued == {"userErrors": [], "invoice": {"number": "E2E-1", "total": "100.00", "status": "OPEN"}}
    refused = graphql(base, token, issue, {"number": "E2E-2"})["data"]["issueInvoice"]
    assert refused == {"userErrors": [{"code": "CREDIT_LIMIT_EXCEEDED", "field": ["customerCode"]}], "invoice": None}
    read = graphql(base, token, '{ customer(code: "E2E") { outstanding } }')["data"]["customer"]
    assert read == {"outstanding": "100.00"}
    unauthenticated = httpx.post(f"{base}/graphql", json={"query": "{ customers(first: 1) { edges { cursor } } }"}).json()
    assert unauthenticated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
