"""The cash forecast and its backtest on a hand-computed ledger, on both stores."""

from datetime import date

import pytest

from arledger.wiring import open_ledger
from ledger.context import CommandContext
from ledger.operations import parse_command
from projections.forecast import backtest, forecast
from tests.builders import a_customer, a_payment, an_invoice


def _do(ledger, op, data):
    ledger.app.perform(parse_command(op, data), CommandContext(actor="clerk"))


@pytest.fixture
def ledger(database_url):
    opened = open_ledger(database_url)
    _do(opened, "registerCustomer", a_customer("C1"))
    _do(opened, "issueInvoice", an_invoice("I1", amount="200.00", issued="2026-01-01", due="2026-01-31"))
    _do(
        opened, "recordPayment", a_payment("P1", amount="200.00", received="2026-02-10", allocations=[("I1", "200.00")])
    )
    _do(opened, "issueInvoice", an_invoice("I2", amount="1000.00", issued="2026-05-01", due="2026-05-31"))
    _do(opened, "issueInvoice", an_invoice("I3", amount="500.00", issued="2026-05-15", due="2026-06-14"))
    _do(
        opened,
        "recordPayment",
        a_payment("P2", amount="1000.00", received="2026-06-12", allocations=[("I2", "1000.00")]),
    )
    _do(
        opened, "recordPayment", a_payment("P3", amount="500.00", received="2026-07-10", allocations=[("I3", "500.00")])
    )
    opened.runner.catch_up()
    yield opened
    opened.close()


def test_open_items_are_expected_after_the_customers_own_delay_and_weighed_by_its_grade(ledger):
    (cny,) = forecast(ledger.database, date(2026, 6, 1), weeks=4)["currencies"]
    # C1 paid I1 10 days late: I2 (due 05-31) is expected 06-10, week 2; I3 (due 06-14) 06-24, week 4; never
    # assessed: 90% of each
    assert [week["expected"] for week in cny["weeks"]] == ["0.00", "900.00", "0.00", "450.00"]
    assert (cny["open"], cny["later"], cny["weeks"][1]["from"], cny["weeks"][1]["to"]) == (
        "1500.00",
        "0.00",
        "2026-06-09",
        "2026-06-15",
    )


def test_the_backtest_compares_with_what_arrived_and_with_the_naive_baseline(ledger):
    result = backtest(ledger.database, [date(2026, 6, 1)], weeks=4)
    (origin,) = result["origins"]
    assert [(w["forecast"], w["arrived"]) for w in origin["weeks"]] == [
        ("0.00", "0.00"),
        ("900.00", "1000.00"),
        ("0.00", "0.00"),
        ("450.00", "0.00"),
    ]  # P3 arrives in week 6
    assert origin["wape"] == result["wape"]["CNY"] == "0.5500"  # (100 + 450) / 1000
    assert result["naiveWape"]["CNY"] == "1.5000"  # naive: 1000 in week 1, 500 in week 2
