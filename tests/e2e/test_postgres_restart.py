"""PostgreSQL restarted under load: two API processes and a projection worker keep running while the server goes
down and comes back. Clients get only clear retryable answers (HTTP 503, `UNAVAILABLE`, `retryable`, Retry-After)
or successes; they retry the same operation (same number, or the same Idempotency-Key); afterwards every
acknowledged operation is recorded exactly once, the read models equal a rebuild, and no process was restarted.

The server restarted is a private cluster the test starts for itself (tests/private_postgres.py: its own data
directory, port and socket directory), never the machine's own server, whose other clients must not notice.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from arledger.wiring import open_ledger
from graphql_api.tokens import TokenStore
from projections.reconcile import reconcile
from tests.e2e.test_server_process import free_port, wait_healthy
from tests.private_postgres import PrivateCluster, private_postgres  # noqa: F401  (the fixture)

CLIENTS = 6
OPERATIONS_PER_CLIENT = 40
ISSUE = (
    "mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { userErrors { code message } invoice { number } } }"
)
PAY = "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code message } payment { reference } } }"
ALLOCATE = """mutation($i: AllocatePaymentInput!) { allocatePayment(input: $i) { userErrors { code message }
    payment { reference } } }"""
READ = "query($c: String!) { customer(code: $c) { outstanding invoices(first: 5) { number outstanding } } }"


def _start(arguments: list[str], log: Path) -> subprocess.Popen:
    env = {**os.environ, "ARLEDGER_LOG_FORMAT": "text", "ARLEDGER_LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-m", "arledger", *arguments], env=env, stdout=subprocess.DEVNULL, stderr=log.open("w")
    )


@pytest.mark.postgres
def test_postgres_restarted_mid_load_loses_nothing_and_service_resumes_by_itself(
    private_postgres: PrivateCluster, tmp_path
):
    postgres_url = private_postgres.url
    ledger = open_ledger(postgres_url)
    token = TokenStore(ledger.database).create("admin", "restart")
    ledger.close()
    ports = [free_port(), free_port()]
    processes = [
        _start(["serve", "--port", str(port), "--database-url", postgres_url], tmp_path / f"api{n}.log")
        for n, port in enumerate(ports)
    ]
    processes.append(
        _start(["project", "--poll-interval", "0.05", "--database-url", postgres_url], tmp_path / "worker.log")
    )
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    answers: Counter[str] = Counter()
    acknowledged_at: list[float] = []
    lock = threading.Lock()
    restarted = threading.Event()
    restart_window: list[float] = []

    def call(n: int, query: str, variables: dict, key: str | None = None) -> dict:
        """Send until answered: a 503 must be the clear retryable UNAVAILABLE answer, and is retried unchanged."""
        headers = {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}
        for attempt in range(200):
            response = httpx.post(
                f"{bases[(n + attempt) % 2]}/graphql",
                headers=headers,
                timeout=60,
                json={"query": query, "variables": variables},
            )
            body = response.json()
            if response.status_code == 503:
                assert response.headers["Retry-After"] == "1", response.headers
                assert [e["extensions"] for e in body["errors"]] == [{"code": "UNAVAILABLE", "retryable": True}]
                with lock:
                    answers["503 UNAVAILABLE"] += 1
                time.sleep(0.2)
                continue
            assert response.status_code == 200 and "errors" not in body, (response.status_code, body)
            with lock:
                answers["200"] += 1
                acknowledged_at.append(time.monotonic())
            return body["data"]
        raise AssertionError(f"never answered: {variables}")

    try:
        for base, process in zip(bases, processes):
            wait_healthy(base, process)
        for c in range(3):
            registered = call(
                c,
                """mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) {
                userErrors { code } } }""",
                {"i": {"code": f"PR{c}", "name": f"Restart {c}", "currency": "CNY"}},
            )
            assert registered["registerCustomer"]["userErrors"] == []

        def client(n: int) -> list[tuple[str, str]]:
            done = []
            for k in range(OPERATIONS_PER_CLIENT):
                code, number = f"PR{(n + k) % 3}", f"PR-{n}-{k}"
                if k == OPERATIONS_PER_CLIENT // 4:
                    restarted.wait(120)  # the rest of the load runs across the restart and after it
                issued = call(
                    n,
                    ISSUE,
                    {
                        "i": {
                            "number": number,
                            "customerCode": code,
                            "issueDate": "2026-06-01",
                            "lines": [{"description": "x", "quantity": "1", "unitPrice": "100"}],
                        }
                    },
                )
                assert issued["issueInvoice"]["userErrors"] == [], issued
                done.append(("invoice", number))
                call(n + 1, READ, {"c": code})
                if k % 2 == 0:  # a payment of 40: 20 allocated with it, then 10 more on their own with an
                    paid = call(
                        n,
                        PAY,
                        {
                            "i": {  # Idempotency-Key (twice would make 40: there is room for it)
                                "reference": f"P-{number}",
                                "customerCode": code,
                                "amount": "40.00",
                                "receivedOn": "2026-06-02",
                                "method": "BANK_TRANSFER",
                                "allocations": [{"invoiceNumber": number, "amount": "20.00"}],
                            }
                        },
                    )
                    assert paid["recordPayment"]["userErrors"] == [], paid
                    allocated = call(
                        n + 1,
                        ALLOCATE,
                        {
                            "i": {
                                "reference": f"P-{number}",
                                "allocations": [{"invoiceNumber": number, "amount": "10.00"}],
                            }
                        },
                        key=f"alloc-{number}",
                    )
                    assert allocated["allocatePayment"]["userErrors"] == [], allocated
                    done.append(("payment", f"P-{number}"))
            return done

        def restart_when_loaded() -> None:
            deadline = time.monotonic() + 120
            while len(acknowledged_at) < CLIENTS * 8 and time.monotonic() < deadline:
                time.sleep(0.05)
            started = time.monotonic()
            try:
                private_postgres.restart()
            finally:
                restart_window[:] = [started, time.monotonic()]
                restarted.set()

        before = private_postgres.started_at()
        with ThreadPoolExecutor(CLIENTS + 1) as pool:
            restarter = pool.submit(restart_when_loaded)
            outcomes = [item for result in pool.map(client, range(CLIENTS)) for item in result]
            restarter.result()
        assert private_postgres.started_at() != before  # the server really was restarted
        for process in processes:  # nobody restarted our processes: they came back by themselves
            assert process.poll() is None, process.args
        after_restart = [t for t in acknowledged_at if t > restart_window[1]]
        assert len(after_restart) > CLIENTS * 10, (len(after_restart), answers)
        for base in bases:
            deadline = time.monotonic() + 60
            while httpx.get(f"{base}/readyz", timeout=10).status_code != 200:
                assert time.monotonic() < deadline, "never ready again"
                time.sleep(0.2)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
    logs = "".join((tmp_path / name).read_text() for name in ("api0.log", "api1.log", "worker.log"))
    assert "Traceback" not in logs, logs[-4000:]
    ledger = open_ledger(postgres_url)
    try:
        ledger.runner.catch_up()
        invoices = [row[0] for row in ledger.database.execute("SELECT invoice_number FROM ar_invoices")]
        credits = dict(ledger.database.execute("SELECT source, allocated_minor FROM ar_credits WHERE kind = 'PAYMENT'"))
        expected_invoices = sorted(number for kind, number in outcomes if kind == "invoice")
        assert sorted(invoices) == expected_invoices and len(invoices) == CLIENTS * OPERATIONS_PER_CLIENT
        expected_payments = {number for kind, number in outcomes if kind == "payment"}
        assert set(credits) == expected_payments
        assert set(credits.values()) == {3000}  # each allocation exactly once: a retried one was recognised
        assert reconcile(ledger.runner).equal
        print(
            f"answers across the restart: {dict(answers)}; restart took {restart_window[1] - restart_window[0]:.1f} s"
        )
    finally:
        ledger.close()
