"""What an analyst reads and does with alerts, through the CLI: the watchlist (riskiest first), the filtered alert
list, acknowledging and resolving with a reason (and the refusals), and a customer's alerts as known before."""

import orjson
import pytest
from click.testing import CliRunner

from arledger.cli import main
from tests.builders import a_customer, a_payment, an_invoice


def run(url, *args):
    return CliRunner().invoke(main, [*args, "--database-url", url], catch_exceptions=False)


def _import(url, tmp_path, operations):
    path = tmp_path / "ops.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps({"op": op, "input": data}) for op, data in operations))
    assert run(url, "import", str(path)).exit_code == 0


@pytest.fixture
def books(tmp_path):
    url = f"sqlite:///{tmp_path / 'alerts.db'}"
    _import(
        url,
        tmp_path,
        [
            ("registerCustomer", a_customer("C1", creditLimit="1000.00")),
            ("issueInvoice", an_invoice("I1", "C1", amount="950.00", issued="2026-03-01", due="2026-03-31")),
            ("registerCustomer", a_customer("C2", creditLimit="1000.00")),
            ("issueInvoice", an_invoice("I2", "C2", amount="100.00", issued="2026-05-01", due="2026-06-30")),
            ("recordPayment", a_payment("P1", "C2", amount="100.00", received="2026-05-20")),
            ("reversePayment", {"reference": "P1", "reversedOn": "2026-05-25", "reason": "cheque returned"}),
            ("registerCustomer", a_customer("C3")),
        ],
    )
    assert run(url, "risk", "scan", "--as-of", "2026-06-01").exit_code == 0
    return url


def test_the_watchlist_puts_the_customer_hit_by_most_rules_first(books):
    listed = orjson.loads(run(books, "risk", "watchlist", "--format", "json").stdout)
    assert [row["customerCode"] for row in listed] == ["C1", "C2"]  # C3 has no live alert
    first = listed[0]
    assert [hits["rule"] for hits in first["rules"]] == ["overdue_days", "overdue_share", "utilisation"]
    assert (first["liveAlerts"], first["exposure"], first["creditLimit"], first["utilisation"]) == (
        3,
        "950.00",
        "1000.00",
        "0.950",
    )
    assert (first["since"], first["onCreditHold"], first["grade"]) == ("2026-06-01", False, None)
    table = run(books, "risk", "watchlist").stdout
    assert "C1" in table and "utilisation (1)" in table


def test_alerts_filter_and_a_person_acknowledges_then_resolves_with_a_reason(books):
    bounced = orjson.loads(run(books, "risk", "alerts", "--rule", "bounced_payment", "--format", "json").stdout)
    assert [(a["customerCode"], a["alertId"], a["status"]) for a in bounced] == [("C2", "bounced_payment:P1:1", "OPEN")]
    assert bounced[0]["evidence"] == {"amount": "100.00", "receivedOn": "2026-05-20", "reversedOn": "2026-05-25"}
    acknowledged = run(
        books,
        "risk",
        "acknowledge",
        "--customer",
        "C2",
        "--alert",
        "bounced_payment:P1:1",
        "--reason",
        "called the customer",
    )
    assert acknowledged.exit_code == 0 and "acknowledged" in acknowledged.stdout
    again = run(books, "risk", "acknowledge", "--customer", "C2", "--alert", "bounced_payment:P1:1", "--reason", "x")
    assert again.exit_code == 1 and "INVALID_STATE" in again.stderr
    blank = run(books, "risk", "resolve", "--customer", "C2", "--alert", "bounced_payment:P1:1", "--reason", "  ")
    assert blank.exit_code == 1 and "reason is required" in blank.stderr
    unknown = run(books, "risk", "resolve", "--customer", "C2", "--alert", "nope:1", "--reason", "x")
    assert unknown.exit_code == 1 and "NOT_FOUND" in unknown.stderr
    assert (
        run(
            books,
            "risk",
            "resolve",
            "--customer",
            "C2",
            "--alert",
            "bounced_payment:P1:1",
            "--reason",
            "paid again by transfer",
        ).exit_code
        == 0
    )
    resolved = orjson.loads(run(books, "risk", "alerts", "--status", "RESOLVED", "--format", "json").stdout)
    assert [(a["alertId"], a["reason"]) for a in resolved] == [("bounced_payment:P1:1", "paid again by transfer")]
    assert resolved[0]["changedBy"].startswith("cli:")
    listed = orjson.loads(run(books, "risk", "watchlist", "--format", "json").stdout)
    assert [row["customerCode"] for row in listed] == ["C1"]


def test_an_unknown_customer_or_status_is_a_usage_error(books):
    assert run(books, "risk", "scan", "--as-of", "2026-06-02", "--customer", "NOPE").exit_code == 2
    assert run(books, "risk", "alerts", "--status", "SLEEPING").exit_code == 2


def test_expected_orders_in_the_profile_and_a_bad_amount_named(books):
    profile = orjson.loads(run(books, "risk", "profile", "--customer", "C2", "--expected-orders", "850").stdout)
    assert (
        profile["outstanding"],
        profile["expectedOrders"],
        profile["exposure"],
        profile["utilisation"],
        profile["headroom"],
    ) == ("100.00", "850.00", "950.00", "0.950", "50.00")
    refused = run(books, "risk", "profile", "--customer", "C2", "--expected-orders", "8.505")
    assert (
        refused.exit_code == 2
        and "--expected-orders: expectedOrders 8.505 has more decimals than CNY" in refused.output
    )
