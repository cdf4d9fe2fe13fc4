"""KPIs from the read models on a hand-computed ledger (README, "KPIs"), per customer and in total, on both stores."""

from datetime import date
from decimal import Decimal as D

import pytest

from arledger.wiring import open_ledger
from ledger.collections.notice_commands import IssueDunningNotice, TaskRequest
from ledger.context import CommandContext
from ledger.operations import parse_command
from projections.kpis import kpi_report, kpi_trend
from tests.builders import a_customer, a_payment, an_invoice


def _do(ledger, op, data):
    ledger.app.perform(parse_command(op, data), CommandContext(actor="clerk"))


@pytest.fixture
def ledger(database_url):
    opened = open_ledger(database_url)
    _do(opened, "registerCustomer", a_customer("C1"))
    _do(opened, "issueInvoice", an_invoice("I3", amount="300.00", issued="2025-08-01", due="2025-08-31"))
    _do(
        opened,
        "writeOffInvoice",
        {"number": "I3", "writtenOffOn": "2026-01-10", "amount": "200.00", "reason": "partly uncollectible"},
    )
    opened.app.perform(
        IssueDunningNotice(
            "C1",
            "C1:2026-02-01:L5",
            date(2026, 2, 1),
            "standard",
            5,
            "collection agency",
            "CNY",
            (("I3", date(2025, 8, 31), 154, D("100.00"), D(0)),),
            D(0),
            D(0),
            ("AGENCY",),
            (),
            (TaskRequest("C1:2026-02-01:L5:AGENCY", "AGENCY", "hand over"),),
        ),
        CommandContext(actor="dunning"),
    )
    _do(opened, "recordPayment", a_payment("P3", amount="30.00", received="2026-03-10", allocations=[("I3", "30.00")]))
    _do(opened, "issueInvoice", an_invoice("I1", amount="1000.00", issued="2026-03-01", due="2026-03-31"))
    _do(
        opened, "recordPayment", a_payment("P1", amount="400.00", received="2026-04-15", allocations=[("I1", "400.00")])
    )
    _do(
        opened, "recordPayment", a_payment("P2", amount="200.00", received="2026-05-15", allocations=[("I1", "200.00")])
    )
    _do(opened, "issueInvoice", an_invoice("I2", amount="600.00", issued="2026-05-20", due="2026-06-19"))
    opened.runner.catch_up()
    yield opened
    opened.close()


def test_every_kpi_at_a_date_matches_the_hand_computation(ledger):
    (total,) = kpi_report(ledger.database, date(2026, 5, 31))["totals"]
    # receivables at 05-31: I1 400 + I3 70 overdue, I2 600 not yet due
    assert (total["receivables"], total["overdue"]) == ("1070.00", "470.00")
    assert total["dso"] == "75.6"  # 1070 - 600 (May, 31 d) = 470; April no sales (30 d); 470 / 1000 x 31 (March)
    assert total["bestPossibleDso"] == "31.0"  # 600 not yet due = May's sales: the whole month
    assert total["averageDaysDelinquent"] == "44.6"
    assert total["cei"] == "29.9"  # (670 + 600 - 1070) / (670 + 600 - 600) x 100
    assert total["turnover"] == "3.55"  # 1900 sold in 12 months / ((0 + 1070) / 2)
    assert total["overdueRatio"] == "0.4393"  # 470 / 1070
    assert total["badDebtRatio"] == "0.1053"  # 200 written off / 1900
    assert (total["handedOver"], total["recovered"], total["recoveryRate"]) == ("100.00", "30.00", "0.3000")


def test_per_customer_equals_the_total_for_a_single_customer_and_the_trend_ends_at_the_date(ledger):
    report = kpi_report(ledger.database, date(2026, 5, 31), "C1")
    assert [{k: v for k, v in row.items() if k != "customerCode"} for row in report["customers"]] == report["totals"]
    trend = kpi_trend(ledger.database, date(2026, 5, 31), months=3)
    assert [point["asOf"] for point in trend] == ["2026-03-31", "2026-04-30", "2026-05-31"]
    assert trend[1]["totals"][0]["receivables"] == "670.00"  # I1 600 + I3 70 at the end of April
    assert kpi_report(ledger.database, date(2025, 1, 31))["totals"] == []  # before anything happened
