"""A customer's outbox does not compete with its invoices: a burst of invoice writes for one customer while a
worker claims and records that customer's deliveries causes no optimistic-concurrency retry between them (each
delivery is an aggregate of its own), on both stores. Measured by counting the writers' IntegrityError retries;
the account's version moves by the invoices alone. Run with -s to see the figures."""

import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from eventsourcing.persistence import IntegrityError

import ledger.application
from arledger.wiring import build_application, open_ledger
from ledger.collections.delivery import delivery_aggregate_id
from ledger.collections.notice_commands import ClaimDelivery, RecordDeliveryOutcome
from ledger.context import CommandContext
from ledger.operations import parse_command
from services.dunning_run import plan
from tests.builders import a_customer, an_invoice

NOTICES = 20  # one per overdue invoice, each with an e-mail and an SMS: 40 deliveries, 80 outbox writes
INVOICES = 40  # written in the burst
NOW = datetime(2026, 5, 2, 9, tzinfo=UTC)


def _notices(books):
    """NOTICES notices of customer C1, each for one of its overdue invoices (a notice as the dunning run renders
    it, narrowed to one line)."""
    (command,), _report = plan(books, date(2026, 5, 2))
    notices = []
    for index, line in enumerate(command.lines):
        notice_id = f"N{index}"
        deliveries = tuple(replace(d, delivery_id=f"{notice_id}:{d.channel}") for d in command.deliveries)
        notices.append(replace(command, notice_id=notice_id, lines=(line,), deliveries=deliveries, tasks=()))
    return notices


def _burst(url, deliveries):
    """Invoices on one thread, the outbox's claims and outcomes on another, each with its own application; the
    retries each thread made, by cause."""
    retries: dict[str, Counter] = {"invoices": Counter(), "outbox": Counter()}
    spans: dict[str, tuple[float, float]] = {}
    retryable = ledger.application._is_retryable
    barrier = threading.Barrier(2, timeout=60)
    failures: list[BaseException] = []

    def counting(error):
        if retryable(error):
            cause = "IntegrityError" if isinstance(error, IntegrityError) else "locked"
            retries[threading.current_thread().name][cause] += 1
            return True
        return False

    def invoices(app):
        for n in range(INVOICES):
            app.perform(parse_command("issueInvoice", an_invoice(f"B-{n}", amount="10.00")), CommandContext("clerk"))

    def outbox(app):
        for delivery_id in deliveries:
            app.perform(ClaimDelivery("C1", delivery_id, 1, "outbox:w", NOW, 60), CommandContext("outbox:w"))
            outcome = RecordDeliveryOutcome("C1", delivery_id, 1, True, "250 OK", None)
            app.perform(outcome, CommandContext("outbox:w"))

    def run(work):
        try:
            app = build_application(url)
            try:
                barrier.wait()
                start = time.perf_counter()
                work(app)
                spans[work.__name__] = (start, time.perf_counter())
            finally:
                app.close()
        except BaseException as error:  # reported below: a thread's exception would otherwise vanish
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(work,), name=work.__name__) for work in (invoices, outbox)]
    ledger.application._is_retryable = counting
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        ledger.application._is_retryable = retryable
    assert not failures, f"writers failed: {failures!r}"
    (invoices_start, invoices_end), (outbox_start, outbox_end) = spans["invoices"], spans["outbox"]
    overlap_s = min(invoices_end, outbox_end) - max(invoices_start, outbox_start)
    assert overlap_s > 0, spans  # they did write at the same time
    return retries, overlap_s


def _no_retries_between_invoices_and_outbox(url):
    books = open_ledger(url)
    books.app.perform(
        parse_command("registerCustomer", a_customer("C1", email="ap@c1.example.com", phone="1")),
        CommandContext("clerk"),
    )
    for n in range(NOTICES):
        data = an_invoice(f"I-{n}", "C1", amount="100.00", issued="2026-04-01", due="2026-05-01")
        books.app.perform(parse_command("issueInvoice", data), CommandContext("clerk"))
    for notice in _notices(books):
        books.app.perform(notice, CommandContext("dunning:test"))
    deliveries = [f"N{index}:{channel}" for index in range(NOTICES) for channel in ("EMAIL", "SMS")]
    before = books.app.account("C1").version
    retries, overlap_s = _burst(url, deliveries)
    account = books.app.account("C1")
    books.runner.catch_up()
    delivered = books.database.execute("SELECT COUNT(*) FROM ar_deliveries WHERE status = 'DELIVERED'")[0][0]
    versions = {books.app.reader.get(delivery_aggregate_id(d)).version for d in deliveries}
    print(
        f"\n{url.split(':')[0]}: {INVOICES} invoices, {2 * len(deliveries)} outbox writes; {overlap_s:.2f} s side by side; retries {retries}"
    )
    assert not any(counter["IntegrityError"] for counter in retries.values()), retries
    assert account.version - before == INVOICES  # one InvoiceIssued each; no delivery event on the account
    assert len(account.invoices) == NOTICES + INVOICES and delivered == len(deliveries)
    assert versions == {3}  # requested, attempted, delivered: each delivery's own stream
    books.close()


def test_invoices_and_the_outbox_do_not_retry_each_other_on_sqlite(sqlite_url):
    _no_retries_between_invoices_and_outbox(sqlite_url)


@pytest.mark.postgres
def test_invoices_and_the_outbox_do_not_retry_each_other_on_postgres(postgres_url):
    _no_retries_between_invoices_and_outbox(postgres_url)
