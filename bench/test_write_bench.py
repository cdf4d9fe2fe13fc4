"""Write-side benchmarks (issue 2): (a) one issueInvoice command end to end, in process, beside a raw
single-transaction insert of the same event rows; (b) a bulk import beside raw batched inserts of the same rows.

Run: .venv/bin/pytest bench -q --benchmark-only
"""

from __future__ import annotations

import itertools

import orjson

from arledger.wiring import build_application
from bench.conftest import record_ratio, time_reference
from bench.raw import RawPostgres, RawSqlite, fresh_rows
from ledger.context import CommandContext
from ledger.operations import parse_command
from services.importer import run_import
from tests.builders import Scenario, a_customer, a_payment, an_invoice

ROUNDS = 200


def _raw_store(store: str, url: str):
    return RawSqlite(url[len("sqlite:///") :]) if store == "sqlite" else RawPostgres(url)


def _last_rows(app, count: int):
    last = app.recorder.max_notification_id()
    notifications = app.recorder.select_notifications(start=last - count + 1, limit=count)
    return [(n.originator_version, n.topic, n.state) for n in notifications]


def test_issue_invoice_command_end_to_end(benchmark, store_url):
    store, url = store_url
    app = build_application(url)
    ledger = Scenario(app)
    ledger.given("registerCustomer", a_customer("C1"))
    for n in range(20):  # an account with some history to load
        ledger.given("issueInvoice", an_invoice(f"H-{n}", amount="100.00"))
        ledger.given("recordPayment", a_payment(f"P-{n}", amount="100.00"))
    numbers = itertools.count()
    context = CommandContext(actor="bench")

    def issue() -> None:
        app.perform(parse_command("issueInvoice", an_invoice(f"B-{next(numbers)}", amount="10.00")), context)

    benchmark.pedantic(issue, rounds=ROUNDS, warmup_rounds=10)
    template = _last_rows(app, 2)  # InvoiceIssued + DocumentNumberClaimed, as stored
    raw = _raw_store(store, url)
    raw_s = time_reference(lambda: raw.insert(fresh_rows(template)), ROUNDS)
    record_ratio("(a) issueInvoice command", store, benchmark.stats.stats.median, raw_s, "<= 2x")
    raw.close()
    app.close()


def import_lines(customers: int = 100, invoices: int = 40) -> list[bytes]:
    lines = []
    for c in range(customers):
        code = f"C{c:04d}"
        lines.append(orjson.dumps({"op": "registerCustomer", "input": a_customer(code)}))
        for n in range(invoices):
            lines.append(
                orjson.dumps({"op": "issueInvoice", "input": an_invoice(f"{code}-{n}", customer=code, amount="120.00")})
            )
            if n % 2:
                lines.append(
                    orjson.dumps(
                        {"op": "recordPayment", "input": a_payment(f"{code}-P{n}", customer=code, amount="240.00")}
                    )
                )
    return lines


def test_bulk_import(benchmark, store_url):
    store, url = store_url
    lines = import_lines()
    app = build_application(url)

    def run() -> None:
        report = run_import(app, lines, "bench")
        assert report.failed == 0 and report.applied == len(lines)

    benchmark.pedantic(run, rounds=1, iterations=1)
    events = app.recorder.max_notification_id()
    template = _last_rows(app, events)
    raw = _raw_store(store, url)
    batches = [template[i : i + 1000] for i in range(0, len(template), 1000)]

    def raw_batched() -> None:
        for batch in batches:
            raw.insert(fresh_rows(batch))

    raw_s = time_reference(raw_batched, 3)
    ours_s = benchmark.stats.stats.median
    record_ratio(f"(b) import {len(lines)} lines/{events} ev", store, ours_s, raw_s, "<= 3.3x (rate >= 0.3x)")
    if store == "postgres":
        copy_s = time_reference(lambda: [raw.copy(fresh_rows(b)) for b in batches], 3)
        record_ratio("(b) same rows by raw COPY", store, ours_s, copy_s, "(reference only)")
    raw.close()
    app.close()
