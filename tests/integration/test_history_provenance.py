"""History with provenance on both stores: who did what, when and why, for a document, a customer or the whole
log, filtered by customer, actor and recorded time, paged by position without gaps or repeats."""

from datetime import datetime, timedelta

import pytest

from arledger.wiring import open_ledger
from ledger.context import CommandContext
from ledger.operations import parse_command
from replay.history import HistoryQuery, history, history_page
from tests.builders import a_customer, an_invoice
from tests.integration.test_aging import T0

ALICE, BOB, ROOT = "accountant:alice", "collector:bob", "cli:root"


@pytest.fixture
def ledger(database_url):
    opened = open_ledger(database_url)
    steps = [
        (ALICE, "registerCustomer", a_customer("C1")),
        (ALICE, "registerCustomer", a_customer("C2")),
        (ALICE, "issueInvoice", an_invoice("INV-1", customer="C1", amount="100.00")),
        (ALICE, "issueInvoice", an_invoice("INV-2", customer="C2", amount="50.00")),
        (BOB, "openDispute", {"invoiceNumber": "INV-1", "reason": "goods damaged"}),
        (BOB, "recordPromiseToPay", {"invoiceNumber": "INV-2", "promisedOn": "2026-02-01", "amount": "50.00"}),
        (
            ROOT,
            "recordPayment",
            {"reference": "P-1", "customerCode": "C1", "amount": "30.00", "receivedOn": "2026-01-20", "method": "CASH"},
        ),
        (BOB, "resolveDispute", {"invoiceNumber": "INV-1", "reason": "credit agreed"}),
        (ALICE, "writeOffInvoice", {"number": "INV-2", "writtenOffOn": "2026-03-01", "reason": "insolvent"}),
    ]
    for minute, (actor, op, data) in enumerate(steps, start=1):
        opened.app.perform(
            parse_command(op, data), CommandContext(actor=actor, recorded_at=T0 + timedelta(minutes=minute))
        )
    yield opened
    opened.close()


def _page(ledger, **filters):
    return history_page(ledger.app, HistoryQuery(**filters))


def test_every_row_carries_its_provenance(ledger):
    rows = history(ledger.app, "INV-1")
    assert [row["type"] for row in rows] == [
        "InvoiceIssued",
        "DocumentNumberClaimed",
        "DisputeOpened",
        "PaymentAllocated",
        "DisputeResolved",
    ]
    dispute = rows[2]
    assert dispute["actor"] == BOB and dispute["reason"] == "goods damaged"
    assert dispute["recordedAt"] == (T0 + timedelta(minutes=5)).isoformat()
    assert len(dispute["correlationId"]) == 32
    assert rows[3]["actor"] == ROOT and rows[3]["reason"] is None


def test_filters_by_actor_full_or_by_name(ledger):
    by_role = _page(ledger, actor=BOB).rows
    assert [row["type"] for row in by_role] == ["DisputeOpened", "PromiseToPayRecorded", "DisputeResolved"]
    assert _page(ledger, actor="bob").rows == by_role
    assert _page(ledger, actor="collector:alice").rows == []


def test_filters_by_recorded_time_and_customer(ledger):
    window = _page(ledger, recorded_from=T0 + timedelta(minutes=5), recorded_to=T0 + timedelta(minutes=7)).rows
    assert [row["type"] for row in window] == [
        "DisputeOpened",
        "PromiseToPayRecorded",
        "PaymentReceived",
        "PaymentAllocated",
        "DocumentNumberClaimed",
    ]
    assert all(
        T0 + timedelta(minutes=5) <= datetime.fromisoformat(row["recordedAt"]) <= T0 + timedelta(minutes=7)
        for row in window
    )
    c2 = _page(ledger, customer="C2").rows
    assert {row["data"].get("invoiceNumber") or row["data"].get("number") or row["data"].get("code") for row in c2} == {
        "C2",
        "INV-2",
    }
    assert [row["type"] for row in _page(ledger, subject="INV-1", actor=BOB).rows] == [
        "DisputeOpened",
        "DisputeResolved",
    ]


def test_pages_follow_each_other_without_gaps_or_repeats(ledger):
    everything = _page(ledger, first=500).rows
    seen, after = [], 0
    while True:
        page = _page(ledger, first=2, after=after)
        seen += page.rows
        if not page.has_next:
            break
        after = page.end_cursor
    assert seen == everything and [row["position"] for row in seen] == sorted({row["position"] for row in seen})


def test_an_unknown_subject_is_not_found_and_bad_pages_are_refused(ledger):
    assert not _page(ledger, subject="NOPE").found
    with pytest.raises(ValueError, match="first"):
        HistoryQuery(first=501)
