"""Regressions found in review: the fold must give the same rows however events fall into batches."""

from datetime import date

import orjson
import pytest
from click.testing import CliRunner

from arledger.cli import main
from arledger.wiring import open_ledger
from graphql_api.tokens import TokenStore
from projections.aging import AgingQuery, aging_report
from projections.reconcile import reconcile
from tests.builders import a_customer, a_payment, an_invoice


def import_lines(url, *operations):
    data = b"\n".join(orjson.dumps({"op": op, "input": data}) for op, data in operations)
    result = CliRunner().invoke(main, ["import", "-", "--database-url", url], input=data, catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_a_void_after_a_reversed_payment_in_one_batch_leaves_nothing_open(database_url):
    import_lines(
        database_url,
        ("registerCustomer", a_customer("C1")),
        ("issueInvoice", an_invoice(amount="100.00")),
        ("recordPayment", a_payment(amount="100.00", received="2026-01-10")),
        ("reversePayment", {"reference": "PAY-1", "reversedOn": "2026-01-12", "reason": "bounced"}),
        ("voidInvoice", {"number": "INV-1", "voidedOn": "2026-01-13", "reason": "error"}),
    )
    ledger = open_ledger(database_url)
    ledger.runner.catch_up()  # PostgreSQL: the import did not fold (a worker would)
    assert ledger.database.execute("SELECT SUM(outstanding_minor) FROM ar_installments") == [(0,)]
    fast = aging_report(ledger.database, AgingQuery(date(2026, 12, 31)))
    assert [(r["customerCode"], r["outstanding"]) for r in fast["rows"]] == []
    ledger.close()


def test_allocated_credit_does_not_depend_on_batch_boundaries(database_url):
    import_lines(
        database_url,
        ("registerCustomer", a_customer("C1")),
        ("issueInvoice", an_invoice(amount="100.00")),
        ("recordPayment", a_payment("P0", amount="10.00", allocations=[("INV-1", "10.00")])),
        ("recordPayment", a_payment("P1", amount="50.00", allocations=[])),
        ("reversePayment", {"reference": "P0", "reversedOn": "2026-01-20", "reason": "bounced"}),
        ("reversePayment", {"reference": "P1", "reversedOn": "2026-01-20", "reason": "bounced"}),
    )
    ledger = open_ledger(database_url)
    ledger.runner.catch_up()
    assert ledger.database.execute("SELECT source, allocated_minor FROM ar_credits ORDER BY source") == [
        ("P0", 0),
        ("P1", 0),
    ]
    assert reconcile(ledger.runner).equal  # a rebuild batches all of it at once, the import did too: both equal
    ledger.close()


def test_a_customer_token_needs_a_real_customer_code(sqlite_url):
    ledger = open_ledger(sqlite_url)
    with pytest.raises(ValueError, match="empty"):
        TokenStore(ledger.database).create("customer", "portal", "")
    ledger.close()


def test_an_empty_customer_filter_is_a_filter_not_everything(sqlite_url):
    import_lines(sqlite_url, ("registerCustomer", a_customer("C1")), ("issueInvoice", an_invoice()))
    ledger = open_ledger(sqlite_url)
    assert aging_report(ledger.database, AgingQuery(date(2026, 12, 31), customer_code=""))["rows"] == []
    ledger.close()


def test_a_failing_read_model_hook_does_not_undo_an_acknowledged_write(sqlite_url):
    ledger = open_ledger(sqlite_url)

    def broken(_recordings):
        raise RuntimeError("read models unavailable")

    ledger.app.after_save_hooks.insert(0, broken)
    from ledger.context import CommandContext
    from ledger.operations import parse_command

    outcome = ledger.app.perform(parse_command("registerCustomer", a_customer("C1")), CommandContext(actor="t"))
    assert outcome.status == "applied" and ledger.app.account("C1") is not None
    ledger.close()
