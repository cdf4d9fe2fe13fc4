"""What the load bench needs besides the load itself (wrk with bench/mixed.lua): the seeded data its reads ask
about, and the raw references it is compared with.

`python -m bench.load --url http://127.0.0.1:8000 --token T --prefix B` registers forty customers with five
invoices each (a payment on every other one) through GraphQL. `plain_app` is the plain starlette endpoint (parse
the JSON body, answer a small JSON): what HTTP and JSON cost on this machine with the same client.
`raw_insert_rate` is the database's own ceiling for one-transaction writes: single-row insert transactions straight
through psycopg (or sqlite3) from as many connections, and the latency of one alone.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import threading
import time
import uuid

import httpx
import psycopg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

CUSTOMERS = 40  # bench/mixed.lua asks about these: {prefix}C0..C39 and invoices {prefix}S0..S199
ISSUE = (
    "mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { userErrors { code message } "
    "invoice { number outstanding } } }"
)
PAY = (
    "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code message } "
    "payment { reference unallocated } } }"
)
REGISTER = "mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { userErrors { code message } } }"


def seed(url: str, token: str, prefix: str) -> None:
    """Forty customers with five invoices each, a payment on every other invoice."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:

        def call(query: str, variables: dict) -> None:
            answer = client.post("/graphql", json={"query": query, "variables": {"i": variables}}).json()
            payload = next(iter(answer["data"].values()))
            assert not payload["userErrors"], payload

        for c in range(CUSTOMERS):
            call(REGISTER, {"code": f"{prefix}C{c}", "name": f"Load customer {c}", "currency": "CNY"})
        for n in range(CUSTOMERS * 5):
            number, code = f"{prefix}S{n}", f"{prefix}C{n % CUSTOMERS}"
            call(ISSUE, _invoice(number, code, n))
            if n % 2:
                call(PAY, _payment(f"{prefix}SP{n}", code, number))


def _invoice(number: str, code: str, n: int) -> dict:
    day = 1 + n % 28
    return {
        "number": number,
        "customerCode": code,
        "issueDate": f"2026-{1 + n % 10:02d}-{day:02d}",
        "lines": [{"description": "Load line", "quantity": "2", "unitPrice": f"{100 + n % 50}.25"}],
    }


def _payment(reference: str, code: str, number: str) -> dict:
    return {
        "reference": reference,
        "customerCode": code,
        "amount": "50.00",
        "receivedOn": "2026-11-01",
        "method": "BANK_TRANSFER",
        "allocations": [{"invoiceNumber": number, "amount": "50.00"}],
    }


async def _ping(request: Request) -> JSONResponse:
    body = await request.json()
    return JSONResponse({"data": {"ping": "pong", "echo": body.get("variables")}})


def plain_app() -> Starlette:
    """The raw HTTP reference: one starlette route that parses the request's JSON and answers a small JSON."""
    return Starlette(routes=[Route("/graphql", _ping, methods=["POST"])])


def percentile(samples: list[float], p: int) -> float:
    """The p-th percentile in milliseconds."""
    return round(statistics.quantiles(samples, n=100)[p - 1] * 1000, 2)


def raw_insert_rate(database_url: str, connections: int, seconds: float) -> dict:
    """Single-row insert transactions, each committed on its own, from `connections` threads: per second, and the
    median latency of one when a single connection inserts alone."""
    if database_url.startswith("sqlite:///"):
        path = database_url[len("sqlite:///") :]
        setup = sqlite3.connect(path)
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE IF NOT EXISTS raw_load (id TEXT PRIMARY KEY, body BLOB)")
        setup.commit()
        setup.close()

        def connect():
            connection = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
            connection.execute("PRAGMA synchronous=FULL")
            return connection

        def insert(connection, key):
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO raw_load VALUES (?, ?)", (key, b"x" * 300))
            connection.execute("COMMIT")
    else:
        with psycopg.connect(database_url, autocommit=True) as setup:
            setup.execute("CREATE TABLE IF NOT EXISTS raw_load (id text PRIMARY KEY, body bytea)")

        def connect():
            return psycopg.connect(database_url, autocommit=True)

        def insert(connection, key):
            with connection.transaction():
                connection.execute("INSERT INTO raw_load VALUES (%s, %s)", (key, b"x" * 300))

    alone = connect()
    samples = []
    for _ in range(200):
        started = time.perf_counter()
        insert(alone, uuid.uuid4().hex)
        samples.append(time.perf_counter() - started)
    alone.close()
    counts = [0] * connections
    deadline = time.perf_counter() + seconds

    def work(n: int) -> None:
        connection = connect()
        while time.perf_counter() < deadline:
            insert(connection, uuid.uuid4().hex)
            counts[n] += 1
        connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"per_s": round(sum(counts) / (time.perf_counter() - started), 1), "p50_ms": percentile(samples, 50)}


def main() -> None:
    parser = argparse.ArgumentParser(description="Register the customers and invoices the load reads ask about.")
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--prefix", default="B")
    options = parser.parse_args()
    seed(options.url, options.token, options.prefix)


if __name__ == "__main__":
    main()
