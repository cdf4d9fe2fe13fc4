"""Credit limit and credit hold are race-free: many writers issuing invoices for one customer at once never take
it above its limit, every refused writer is told CREDIT_LIMIT_EXCEEDED, and nothing is issued after a hold."""

import threading
from decimal import Decimal

import pytest

from arledger.wiring import build_application
from ledger.account import account_id
from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.operations import parse_command
from replay.eventlog import read_streams
from tests.builders import Scenario, a_customer, an_invoice

WRITERS = 10
INVOICES_PER_WRITER = 5


def _race(database_url, attempt):
    """Run `attempt(app, writer)` on WRITERS threads, each with its own application (own connections)."""
    results: dict[int, list] = {}
    failures: list[BaseException] = []
    barrier = threading.Barrier(WRITERS, timeout=60)

    def writer(index: int) -> None:
        try:
            app = build_application(database_url)
            try:
                barrier.wait()
                results[index] = attempt(app, index)
            finally:
                app.close()
        except BaseException as error:  # reported below: a thread's exception would otherwise vanish
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, f"writers failed: {failures!r}"
    assert len(results) == WRITERS, "a writer did not finish"
    return [outcome for index in sorted(results) for outcome in results[index]]


def _issue_many(app, writer):
    outcomes = []
    for n in range(INVOICES_PER_WRITER):
        command = parse_command("issueInvoice", an_invoice(f"W{writer}-{n}", amount="30.00"))
        try:
            outcomes.append(app.perform(command, CommandContext(actor=f"writer-{writer}")))
        except LedgerError as refusal:
            outcomes.append(refusal)
    return outcomes


def _concurrent_writers_never_exceed_the_limit(database_url):
    setup = build_application(database_url)
    Scenario(setup).given("registerCustomer", a_customer("C1", creditLimit="1000.00"))
    outcomes = _race(database_url, _issue_many)
    accepted = [o for o in outcomes if not isinstance(o, LedgerError)]
    refused = [o for o in outcomes if isinstance(o, LedgerError)]
    assert len(accepted) == 33  # 33 x 30.00 = 990.00; a 34th would be 1020.00
    assert {error.code for error in refused} == {"CREDIT_LIMIT_EXCEEDED"}
    account = setup.account("C1")
    assert account.exposure == Decimal("990.00") and len(account.invoices) == 33
    setup.close()


def test_concurrent_writers_on_sqlite_never_exceed_the_limit(sqlite_url):
    _concurrent_writers_never_exceed_the_limit(sqlite_url)


@pytest.mark.postgres
def test_concurrent_writers_on_postgres_never_exceed_the_limit(postgres_url):
    _concurrent_writers_never_exceed_the_limit(postgres_url)


@pytest.mark.postgres
def test_no_invoice_is_issued_after_a_concurrent_credit_hold(postgres_url):
    setup = build_application(postgres_url)
    Scenario(setup).given("registerCustomer", a_customer("C1"))

    def attempt(app, writer):
        if writer == 0:
            command = parse_command("placeCreditHold", {"customerCode": "C1", "reason": "fraud alert"})
            return [app.perform(command, CommandContext(actor="credit-manager"))]
        return _issue_many(app, writer)

    outcomes = _race(postgres_url, attempt)
    refused = [o for o in outcomes if isinstance(o, LedgerError)]
    assert {error.code for error in refused} <= {"CREDIT_HOLD"}
    names = [type(item.event).__name__ for item in read_streams(setup, [account_id("C1")])]
    hold = names.index("CreditHoldPlaced")
    assert "InvoiceIssued" not in names[hold:]
    assert len(refused) == (WRITERS - 1) * INVOICES_PER_WRITER - names.count("InvoiceIssued")
    setup.close()
