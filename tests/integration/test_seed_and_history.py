"""`arledger seed` writes a deterministic, realistic history; `arledger history` shows it with provenance."""

from collections import Counter
from datetime import date

import orjson
import pytest
from click.testing import CliRunner

from arledger.cli import main
from arledger.wiring import build_application
from replay.eventlog import read_log
from services.seed import seed_actions

END = "2026-10-31"


def run(url, *args):
    return CliRunner().invoke(main, [*args, "--database-url", url], catch_exceptions=False)


def logged(url):
    app = build_application(url)
    try:
        return [item.event for item in read_log(app)]
    finally:
        app.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('seed') / 'seed.db'}"
    result = run(url, "seed", "--customers", "40", "--seed", "7", "--end-date", END)
    assert result.exit_code == 0, result.output
    return url


def test_seed_uses_every_kind_of_fact_over_18_months(seeded):
    events = logged(seeded)
    kinds = Counter(type(event).__name__ for event in events)
    for kind in (
        "CustomerRegistered",
        "InvoiceIssued",
        "PaymentReceived",
        "PaymentAllocated",
        "PaymentReversed",
        "CreditNoteIssued",
        "CreditNoteAllocated",
        "InvoiceWrittenOff",
        "InvoiceVoided",
        "DisputeOpened",
        "DisputeResolved",
        "PromiseToPayRecorded",
        "DunningActionRecorded",
        "CreditHoldPlaced",
        "CreditLimitChanged",
    ):
        assert kinds[kind] > 0, f"no {kind} in the seeded history"
    issue_dates = [event.issue_date for event in events if type(event).__name__ == "InvoiceIssued"]
    assert (max(issue_dates) - min(issue_dates)).days >= 540
    assert max(issue_dates) <= date.fromisoformat(END)
    assert any(len(event.installments) > 1 for event in events if type(event).__name__ == "InvoiceIssued")


def test_seed_profiles_differ_in_how_they_pay(seeded):
    app = build_application(seeded)
    try:
        statuses = Counter(
            invoice.status
            for code in [f"C{n:04d}" for n in range(1, 41)]
            for invoice in app.account(code).invoices.values()
        )
    finally:
        app.close()
    assert statuses["PAID"] > statuses["OPEN"] > 0
    assert statuses["WRITTEN_OFF"] > 0 and statuses["VOID"] > 0


def test_recorded_instants_follow_the_business_dates(seeded):
    events = logged(seeded)
    first = events[0]
    assert first.timestamp.date() < date.fromisoformat(END).replace(year=2025)
    assert all(event.actor == "seed" for event in events)


def test_the_same_seed_gives_the_same_history():
    first = seed_actions(15, 3, date.fromisoformat(END))
    second = seed_actions(15, 3, date.fromisoformat(END))
    assert [(code, a.at, a.op, a.input) for code, a in first] == [(code, a.at, a.op, a.input) for code, a in second]
    assert first != seed_actions(15, 4, date.fromisoformat(END))


def test_seeding_again_adds_nothing(seeded):
    before = len(logged(seeded))
    result = run(seeded, "seed", "--customers", "40", "--seed", "7", "--end-date", END)
    assert result.exit_code == 0 and "0 operations applied" in result.stderr
    assert len(logged(seeded)) == before


def test_history_of_a_customer_lists_its_events_with_provenance(seeded):
    result = run(seeded, "history", "C0001", "--format", "json")
    assert result.exit_code == 0
    rows = orjson.loads(result.stdout)
    assert rows[0]["type"] == "CustomerRegistered" and rows[0]["data"]["code"] == "C0001"
    assert [row["position"] for row in rows] == sorted(row["position"] for row in rows)
    assert all({"position", "recordedAt", "actor", "type", "data", "correlationId"} <= set(row) for row in rows)


def test_history_of_an_invoice_shows_only_that_document(seeded):
    rows = orjson.loads(run(seeded, "history", "INV-C0002-0003", "--format", "json").stdout)
    types = [row["type"] for row in rows]
    assert types[0] == "InvoiceIssued" and "DocumentNumberClaimed" in types
    for row in rows:
        data = row["data"]
        mentions = {data.get("number"), data.get("invoiceNumber")} | {
            a["invoiceNumber"] for a in data.get("undoneAllocations", [])
        }
        assert "INV-C0002-0003" in mentions


def test_history_as_a_table_and_for_unknown_names(seeded):
    table = run(seeded, "history", "C0003")
    assert table.exit_code == 0 and "CustomerRegistered" in table.output
    missing = run(seeded, "history", "NOPE")
    assert missing.exit_code == 1 and "NOPE" in missing.stderr


def test_a_bad_database_url_is_a_usage_error():
    result = CliRunner().invoke(main, ["history", "C1", "--database-url", "mysql://x"])
    assert result.exit_code == 2 and "unsupported database URL" in result.output
