"""A load generator for the running server, and the raw references it is compared with.

`python -m bench.load --url http://127.0.0.1:8000 --token T --seconds 60` drives a mixed load — 80% reads
(a customer with its open invoices, an invoice, a page of invoices, one customer's aging), 20% writes (an invoice,
then a payment allocated to it) — from `--concurrency` keep-alive connections for `--seconds`, and prints one
JSON line: requests, reads, writes, throughput, p50/p99 latency, and errors (a non-200 answer, a GraphQL error,
or a refused write: the load is built so that every write is accepted, so the goal is zero).

`--plain` drives the same client against a plain starlette endpoint instead (`plain_app`: parse the JSON body,
answer a small JSON), the raw reference for what HTTP, JSON and the client cost on this machine.
`raw_insert_rate` is the other reference: single-row insert transactions per second straight through psycopg
(or sqlite3) from as many connections, the database's own ceiling for one-transaction writes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
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

CUSTOMERS = 40
READS = (
    ("query($c: String!) { customer(code: $c) { code outstanding creditLimit invoices(first: 5, openOnly: true) "
     "{ number dueDate outstanding status } } }", lambda r, s: {"c": s.customer(r)}),
    ("query($n: String!) { invoice(number: $n) { number customerCode total outstanding status "
     "installments { dueDate amount outstanding } } }", lambda r, s: {"n": s.invoice(r)}),
    ("query($c: String!) { invoices(first: 20, customerCode: $c) { edges { cursor node { number total outstanding } } "
     "pageInfo { hasNextPage endCursor } } }", lambda r, s: {"c": s.customer(r)}),
    ('query($c: String!) { aging(asOf: "2026-11-24", boundaries: [30, 60, 90], customerCode: $c) '
     "{ rows { customerCode outstanding current buckets } } }", lambda r, s: {"c": s.customer(r)}),
)
ISSUE = ("mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { userErrors { code message } "
         "invoice { number outstanding } } }")
PAY = ("mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code message } "
       "payment { reference unallocated } } }")
REGISTER = "mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { userErrors { code message } } }"


class Seeded:
    """The customers and invoices that reads ask about (set up before the clock starts)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def customer(self, rng: random.Random) -> str:
        return f"{self.prefix}C{rng.randrange(CUSTOMERS)}"

    def invoice(self, rng: random.Random) -> str:
        return f"{self.prefix}S{rng.randrange(CUSTOMERS * 5)}"


def seed(url: str, token: str, prefix: str) -> Seeded:
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
    return Seeded(prefix)


def _invoice(number: str, code: str, n: int) -> dict:
    day = 1 + n % 28
    return {"number": number, "customerCode": code, "issueDate": f"2026-{1 + n % 10:02d}-{day:02d}",
            "lines": [{"description": "Load line", "quantity": "2", "unitPrice": f"{100 + n % 50}.25"}]}


def _payment(reference: str, code: str, number: str) -> dict:
    return {"reference": reference, "customerCode": code, "amount": "50.00", "receivedOn": "2026-11-01",
            "method": "BANK_TRANSFER", "allocations": [{"invoiceNumber": number, "amount": "50.00"}]}


async def _client(n: int, client: httpx.AsyncClient, seeded: Seeded | None, deadline: float, write_share: float,
                  results: dict) -> None:
    rng = random.Random(n)
    run = uuid.uuid4().hex[:6]
    written = 0
    pending_payment: tuple[str, str] | None = None
    while time.perf_counter() < deadline:
        write = rng.random() < write_share
        if seeded is None:
            body = {"query": "{ ping }", "variables": {"n": n}}
        elif write and pending_payment is not None:  # every other write: pay the invoice this client just issued
            number, code = pending_payment
            body = {"query": PAY, "variables": {"i": _payment(f"LP-{run}-{n}-{written}", code, number)}}
            pending_payment = None
        elif write:
            code = seeded.customer(rng)
            number = f"L-{run}-{n}-{written}"
            body = {"query": ISSUE, "variables": {"i": _invoice(number, code, written)}}
            pending_payment = (number, code)
        else:
            query, variables = rng.choice(READS)
            body = {"query": query, "variables": variables(rng, seeded)}
        started = time.perf_counter()
        try:
            response = await client.post("/graphql", json=body)
            ok = response.status_code == 200 and _accepted(response.json())
        except httpx.HTTPError:
            ok = False
        elapsed = time.perf_counter() - started
        results["latency"].append(elapsed)
        results["write_latency" if write else "read_latency"].append(elapsed)
        results["writes" if write else "reads"] += 1
        written += write
        if not ok:
            results["errors"] += 1
            if write:
                pending_payment = None


def _accepted(answer: dict) -> bool:
    if answer.get("errors"):
        return False
    return all(not (isinstance(value, dict) and value.get("userErrors")) for value in (answer.get("data") or {}).values())


async def drive(url: str, token: str, seconds: float, concurrency: int, write_share: float,
                seeded: Seeded | None) -> dict:
    results = {"latency": [], "read_latency": [], "write_latency": [], "reads": 0, "writes": 0, "errors": 0}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as client:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(_client(n, client, seeded, deadline, write_share, results) for n in range(concurrency)))
        elapsed = time.perf_counter() - started
    requests = len(results["latency"])
    return {"seconds": round(elapsed, 2), "requests": requests, "reads": results["reads"], "writes": results["writes"],
            "errors": results["errors"], "throughput": round(requests / elapsed, 1),
            "writes_per_s": round(results["writes"] / elapsed, 1), "p50_ms": percentile(results["latency"], 50),
            "p99_ms": percentile(results["latency"], 99), "read_p50_ms": percentile(results["read_latency"], 50),
            "write_p50_ms": percentile(results["write_latency"], 50)}


def percentile(samples: list[float], p: int) -> float:
    """The p-th percentile in milliseconds (0 for no samples)."""
    if not samples:
        return 0.0
    if len(samples) == 1:
        return round(samples[0] * 1000, 2)
    return round(statistics.quantiles(samples, n=100)[p - 1] * 1000, 2)


async def _ping(request: Request) -> JSONResponse:
    body = await request.json()
    return JSONResponse({"data": {"ping": "pong", "echo": body.get("variables")}})


def plain_app() -> Starlette:
    """The raw HTTP reference: one starlette route that parses the request's JSON and answers a small JSON."""
    return Starlette(routes=[Route("/graphql", _ping, methods=["POST"])])


def raw_insert_rate(database_url: str, connections: int, seconds: float) -> dict:
    """Single-row insert transactions, each committed on its own, from `connections` threads: per second, and the
    median latency of one when a single connection inserts alone."""
    if database_url.startswith("sqlite:///"):
        path = database_url[len("sqlite:///"):]
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--write-share", type=float, default=0.2)
    parser.add_argument("--prefix", default="", help="the seeded customers' prefix (seed first with --seed)")
    parser.add_argument("--seed", action="store_true", help="register the customers and invoices reads ask about")
    parser.add_argument("--plain", action="store_true", help="drive the plain starlette reference instead")
    options = parser.parse_args()
    seeded = None
    if not options.plain:
        seeded = seed(options.url, options.token, options.prefix) if options.seed else Seeded(options.prefix)
    print(json.dumps(asyncio.run(drive(options.url, options.token, options.seconds, options.concurrency,
                                       options.write_share, seeded))))


if __name__ == "__main__":
    main()
