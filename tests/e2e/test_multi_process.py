"""The production layout on PostgreSQL as real processes: two API processes (`arledger serve`) and a projection
worker (`arledger project`). Many clients issue invoices, payments and allocations over HTTP, racing on the same
customers through both processes. Afterwards: every acknowledged operation is there exactly once, nothing
refused is, no credit limit is exceeded, and the read models equal a full rebuild."""

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from arledger.wiring import open_ledger
from graphql_api.tokens import TokenStore
from projections.reconcile import reconcile
from tests.e2e.test_server_process import free_port, wait_healthy

CUSTOMERS = 4
CLIENTS = 8
INVOICES_PER_CLIENT = 6
LIMIT = "1000.00"
ISSUE = """mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { userErrors { code } invoice { number } } }"""
PAY = """mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code } payment { reference } } }"""


def _serve(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "ARLEDGER_LOG_FORMAT": "text", "ARLEDGER_LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-m", "arledger", "serve", "--port", str(port), "--database-url", url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.postgres
def test_two_api_processes_and_a_worker_lose_nothing_duplicate_nothing_and_keep_every_limit(postgres_url):
    ledger = open_ledger(postgres_url)
    token = TokenStore(ledger.database).create("admin", "load")
    ports = [free_port(), free_port()]
    processes = [_serve(postgres_url, port) for port in ports]
    processes.append(
        subprocess.Popen(
            [sys.executable, "-m", "arledger", "project", "--poll-interval", "0.05", "--database-url", postgres_url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    )
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, process in zip(bases, processes):
            wait_healthy(base, process)
        headers = {"Authorization": f"Bearer {token}"}

        def call(n: int, query: str, variables: dict) -> dict:
            response = httpx.post(
                f"{bases[n % 2]}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=60
            )
            assert response.status_code == 200, response.text
            return response.json()

        for c in range(CUSTOMERS):
            registered = call(
                c,
                """mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) {
                userErrors { code } } }""",
                {"i": {"code": f"MP{c}", "name": f"Multi {c}", "currency": "CNY", "creditLimit": LIMIT}},
            )
            assert registered["data"]["registerCustomer"]["userErrors"] == []

        def client(n: int) -> list[tuple[str, str, str]]:
            done = []
            for k in range(INVOICES_PER_CLIENT):
                code, number = f"MP{(n + k) % CUSTOMERS}", f"MP-{n}-{k}"
                issued = call(
                    n + k,
                    ISSUE,
                    {
                        "i": {
                            "number": number,
                            "customerCode": code,
                            "issueDate": "2026-06-01",
                            "lines": [{"description": "x", "quantity": "1", "unitPrice": "150.00"}],
                        }
                    },
                )["data"]["issueInvoice"]
                if issued["userErrors"]:
                    assert issued["userErrors"][0]["code"] in ("CREDIT_LIMIT_EXCEEDED", "CONFLICT"), issued
                    done.append(("refused", code, number))
                    continue
                done.append(("invoice", code, number))
                if k % 2 == 0:
                    paid = call(
                        n + k + 1,
                        PAY,
                        {
                            "i": {
                                "reference": f"P-{number}",
                                "customerCode": code,
                                "amount": "50.00",
                                "receivedOn": "2026-06-02",
                                "method": "BANK_TRANSFER",
                                "allocations": [{"invoiceNumber": number, "amount": "50.00"}],
                            }
                        },
                    )
                    assert paid["data"]["recordPayment"]["userErrors"] == [], paid
                    done.append(("payment", code, f"P-{number}"))
            return done

        with ThreadPoolExecutor(CLIENTS) as pool:
            outcomes = [item for result in pool.map(client, range(CLIENTS)) for item in result]
        for process in processes:
            assert process.poll() is None, process.stderr.read().decode()
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
    ledger.runner.catch_up()
    invoices = dict(ledger.database.execute("SELECT invoice_number, customer_code FROM ar_invoices"))
    payments = {row[0] for row in ledger.database.execute("SELECT source FROM ar_credits WHERE kind = 'PAYMENT'")}
    acknowledged = {(kind, number) for kind, _code, number in outcomes if kind != "refused"}
    assert {number for kind, number in acknowledged if kind == "invoice"} == set(invoices)  # all there, no others
    assert {number for kind, number in acknowledged if kind == "payment"} == payments
    assert any(kind == "refused" for kind, _c, _n in outcomes)  # the limits were reached and held
    for code, limit in ledger.database.execute("SELECT customer_code, credit_limit_minor FROM ar_customers"):
        exposure = 0  # replay the customer's log: after every invoice it accepted, exposure within the limit
        for event in ledger.app.events.get(ledger.app.account(code).id):
            kind = type(event).__name__
            if kind == "InvoiceIssued":
                exposure += int(event.total.replace(".", ""))
                assert exposure <= limit, (code, event.number, exposure)
            elif kind == "PaymentAllocated":
                exposure -= int(event.amount.replace(".", ""))
    events = ledger.app.recorder.max_notification_id()
    assert events == ledger.database.execute("SELECT position FROM ar_tracking WHERE projection = 'receivables'")[0][0]
    assert reconcile(ledger.runner).equal
    ledger.close()


@pytest.mark.postgres
def test_an_api_process_killed_mid_load_loses_and_duplicates_nothing(postgres_url):
    """kill -9 one of two API processes mid-load; clients retry on the survivor; the killed one is started again on
    its port and takes its share of the load again. Every acknowledged invoice is recorded exactly once."""
    import signal
    import threading

    ledger = open_ledger(postgres_url)
    token = TokenStore(ledger.database).create("admin", "crash")
    ports = [free_port(), free_port()]
    processes = [_serve(postgres_url, port) for port in ports]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    killed, replaced = threading.Event(), threading.Event()
    served_by_replacement = []
    try:
        for base, process in zip(bases, processes):
            wait_healthy(base, process)
        headers = {"Authorization": f"Bearer {token}"}
        for c in range(CUSTOMERS):
            httpx.post(
                f"{bases[1]}/graphql",
                headers=headers,
                timeout=60,
                json={
                    "query": """mutation($i:
                RegisterCustomerInput!) { registerCustomer(input: $i) { userErrors { code } } }""",
                    "variables": {"i": {"code": f"KC{c}", "name": f"Crash {c}", "currency": "CNY"}},
                },
            )

        def issue(n: int, k: int) -> str:
            """Issue one invoice, retrying on the other process when the connection breaks: the same number
            again is the same operation (recognised as a duplicate), so a retry cannot add a second invoice."""
            number = f"KC-{n}-{k}"
            body = {
                "query": ISSUE,
                "variables": {
                    "i": {
                        "number": number,
                        "customerCode": f"KC{n % CUSTOMERS}",
                        "issueDate": "2026-06-01",
                        "lines": [{"description": "x", "quantity": "1", "unitPrice": "10"}],
                    }
                },
            }
            for attempt in range(40):
                first_up = not killed.is_set() or replaced.is_set()
                base = bases[0] if first_up and (n + attempt) % 2 == 0 else bases[1]
                try:
                    answer = httpx.post(f"{base}/graphql", json=body, headers=headers, timeout=30).json()
                except httpx.HTTPError:
                    time.sleep(0.05)
                    continue  # the process died under us: did it record it? the retry will tell
                if answer["data"]["issueInvoice"]["userErrors"] == []:
                    if base == bases[0] and replaced.is_set():
                        served_by_replacement.append(number)
                    return number
            raise AssertionError(f"{number} never acknowledged")

        def client(n: int) -> list[str]:
            done = []
            for k in range(20):
                done.append(issue(n, k))
                if n == 0 and k == 5:
                    os.kill(processes[0].pid, signal.SIGKILL)  # mid-load: other clients are in flight
                    killed.set()
                    processes[0].wait(timeout=10)
                    processes.append(_serve(postgres_url, ports[0]))  # restarted on its port, load still running
                    wait_healthy(bases[0], processes[-1])
                    replaced.set()
            return done

        with ThreadPoolExecutor(CLIENTS) as pool:
            acknowledged = [number for result in pool.map(client, range(CLIENTS)) for number in result]
        assert processes[0].returncode == -signal.SIGKILL
        assert processes[1].poll() is None and processes[2].poll() is None
        assert served_by_replacement  # the restarted process took load again
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
    ledger.runner.catch_up()
    recorded = [row[0] for row in ledger.database.execute("SELECT invoice_number FROM ar_invoices")]
    assert sorted(recorded) == sorted(acknowledged) and len(set(recorded)) == len(recorded) == CLIENTS * 20
    assert reconcile(ledger.runner).equal
    ledger.close()
