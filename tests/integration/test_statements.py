"""E-statements: issued once per customer and date, e-mailed through the outbox to a real SMTP server with the PDF
and CSV attached (rendered as the books stood when issued), and answered — confirmed or disputed — closing the
reconciliation loop; on both stores."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from adapters.senders import SmtpSettings, email_sender
from arledger.wiring import open_ledger
from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.operations import parse_command
from services.outbox import Outbox, OutboxSettings
from services.statements import attachments_for, reconciliation, send
from tests.builders import a_customer, a_payment, an_invoice
from tests.receivers import Mailbox, SmtpServer


def _do(ledger, op, data, actor="clerk"):
    return ledger.app.perform(parse_command(op, data), CommandContext(actor=actor))


@pytest.fixture
def ledger(database_url):
    opened = open_ledger(database_url)
    _do(opened, "registerCustomer", a_customer("C1", email="ap@c1.example.com", locale="en"))
    _do(opened, "issueInvoice", an_invoice("I1", "C1", amount="1000.00", issued="2026-04-20", due="2026-05-20"))
    _do(opened, "issueInvoice", an_invoice("I2", "C1", amount="250.00", issued="2026-05-10", due="2026-06-09"))
    _do(
        opened,
        "recordPayment",
        a_payment("P1", "C1", amount="400.00", received="2026-05-15", allocations=[("I1", "400.00")]),
    )
    _do(opened, "registerCustomer", a_customer("C2", locale="zh-CN"))  # no e-mail address
    _do(opened, "issueInvoice", an_invoice("J1", "C2", amount="80.00", issued="2026-05-02", due="2026-06-01"))
    _do(opened, "registerCustomer", a_customer("C3"))  # nothing to state
    opened.runner.catch_up()
    yield opened
    opened.close()


def test_statements_are_issued_once_and_emailed_with_their_documents_as_first_prepared(ledger):
    report = send(ledger, date(2026, 5, 31), "statements:test")
    assert (report.issued, report.without_email) == (["ST:C1:2026-05-31", "ST:C2:2026-05-31"], ["C2"])
    assert send(ledger, date(2026, 5, 31), "statements:test").already_issued == 2
    _do(
        ledger,
        "recordPayment",
        a_payment("P2", "C1", amount="100.00", received="2026-05-30", allocations=[("I1", "100.00")]),
    )  # recorded after the statement
    ledger.runner.catch_up()
    with SmtpServer(Mailbox()) as smtp:
        sender = email_sender(
            SmtpSettings("127.0.0.1", smtp.port),
            ledger.dunning.company,
            lambda item: attachments_for(ledger, item.source_id),
        )
        outbox = Outbox(
            ledger, {"EMAIL": sender}, OutboxSettings(), "outbox:test", lambda: datetime(2026, 6, 1, tzinfo=UTC)
        )
        assert (outbox.step().delivered, outbox.step().delivered) == (1, 0)
        (message,) = smtp.mailbox.messages
    assert message["To"] == "ap@c1.example.com" and "balance 850.00 CNY" in message["Subject"]
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert sorted(files) == ["ST_C1_2026-05-31.csv", "ST_C1_2026-05-31.pdf"]
    rows = list(csv.reader(io.StringIO(files["ST_C1_2026-05-31.csv"].lstrip("\ufeff"))))
    assert rows[2] == ["", "OPENING", "", "", "", "1000.00"] and rows[-3] == ["", "CLOSING", "", "", "", "850.00"]
    text = PdfReader(io.BytesIO(files["ST_C1_2026-05-31.pdf"])).pages[0].extract_text()
    assert "Closing balance: 850.00 CNY" in text  # as issued: the payment recorded later is not in it
    assert [
        row[:2] for row in ledger.database.execute("SELECT delivery_id, status FROM ar_deliveries ORDER BY delivery_id")
    ] == [("ST:C1:2026-05-31:EMAIL", "DELIVERED"), ("ST:C2:2026-05-31:EMAIL", "FAILED")]


def test_confirmations_and_disputes_close_the_loop(ledger):
    send(ledger, date(2026, 5, 31), "statements:test")
    _do(
        ledger,
        "confirmStatement",
        {"customerCode": "C1", "statementId": "ST:C1:2026-05-31", "note": "agreed"},
        actor="customer:c1",
    )
    with pytest.raises(LedgerError, match="already confirmed"):
        _do(ledger, "disputeStatement", {"customerCode": "C1", "statementId": "ST:C1:2026-05-31", "reason": "x"})
    with pytest.raises(LedgerError, match="more decimals than CNY"):
        _do(
            ledger,
            "disputeStatement",
            {"customerCode": "C2", "statementId": "ST:C2:2026-05-31", "reason": "we count 0", "theirBalance": "0.001"},
        )
    with pytest.raises(LedgerError, match="has no statement ST:C1:2026-05-31"):
        _do(ledger, "confirmStatement", {"customerCode": "C2", "statementId": "ST:C1:2026-05-31"})
    ledger.runner.catch_up()
    assert [(r["customerCode"], r["status"]) for r in reconciliation(ledger, date(2026, 5, 31))] == [
        ("C1", "CONFIRMED"),
        ("C2", "SENT"),
    ]  # C2: no answer yet
    _do(
        ledger,
        "disputeStatement",
        {"customerCode": "C2", "statementId": "ST:C2:2026-05-31", "reason": "J1 was returned", "theirBalance": "0"},
    )
    ledger.runner.catch_up()
    disputed = reconciliation(ledger, status="DISPUTED")
    assert [(r["customerCode"], r["closingBalance"], r["theirBalance"], r["note"]) for r in disputed] == [
        ("C2", "80.00", "0.00", "J1 was returned")
    ]


def test_an_empty_or_backwards_period_is_refused_or_skipped(ledger):
    assert send(ledger, date(2026, 3, 31), "statements:test").issued == []  # nothing happened before April
    assert "ST:C1:2026-05-31" in send(ledger, date(2026, 5, 31), "t", "C1", date(2026, 4, 1)).issued
    assert send(ledger, date(2026, 6, 30), "t", "C3").issued == []


def test_the_statement_labels_its_aging_buckets_as_the_aging_report_does(ledger):
    # As of 31 August, I2 is 83 days past its due date (61-90) and I1's 600.00 left 103 days: in the bucket of ages
    # above 90, "91+" (the contract's last bucket holds ages above the last boundary), as `report aging` says.
    send(ledger, date(2026, 8, 31), "statements:test", "C1")
    files = {name: content for name, _type, content in attachments_for(ledger, "ST:C1:2026-08-31")}
    rows = list(csv.reader(io.StringIO(files["ST_C1_2026-08-31.csv"].decode("utf-8-sig"))))
    assert rows[-2:] == [
        ["aging", "current", "1-30", "31-60", "61-90", "91+"],
        ["", "0.00", "0.00", "0.00", "250.00", "600.00"],
    ]
    text = PdfReader(io.BytesIO(files["ST_C1_2026-08-31.pdf"])).pages[0].extract_text()
    assert "\n91+\n" in text and "90+" not in text
