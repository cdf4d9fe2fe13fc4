"""The outbox against real receivers on loopback: e-mails reach an SMTP server, SMS a JSON gateway, letters become
PDF files; failures are recorded with their reason and retried with backoff (or not, when they cannot succeed);
a claim whose worker died is taken over after its lease; a late report from a stale attempt changes nothing."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from adapters.senders import SmtpSettings, email_sender, file_name, letter_writer, sms_sender
from arledger.wiring import open_ledger
from ledger.collections.notice_commands import ClaimDelivery, RecordDeliveryOutcome
from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.operations import parse_command
from services.dunning_run import run
from services.outbox import Outbox, OutboxSettings
from tests.builders import a_customer, an_invoice
from tests.receivers import Mailbox, SmsGateway, SmtpServer

CST = timezone(timedelta(hours=8))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 5, 2, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _do(ledger, op, data):
    ledger.app.perform(
        parse_command(op, data), CommandContext(actor="clerk", recorded_at=datetime(2026, 4, 30, 10, tzinfo=CST))
    )


@pytest.fixture
def books(database_url, tmp_path):
    ledger = open_ledger(database_url)
    _do(ledger, "registerCustomer", a_customer("C1", email="ap@c1.example.com", phone="+86 21 5555 0001", locale="en"))
    _do(ledger, "issueInvoice", an_invoice("I1", "C1", amount="1000.00", issued="2026-04-01", due="2026-05-01"))
    _do(ledger, "registerCustomer", a_customer("C2", email="ap@c2.example.com", locale="zh-CN"))
    _do(ledger, "issueInvoice", an_invoice("C2-1", "C2", amount="500.00", issued="2026-04-01", due="2026-05-01"))
    assert run(ledger, date(2026, 5, 2), "dunning:test").issued == 2  # first notices: EMAIL + SMS each
    with SmtpServer(Mailbox()) as smtp, SmsGateway() as sms:
        yield ledger, smtp, sms, tmp_path / "letters"
    ledger.close()


def _outbox(ledger, smtp, sms, letters, clock, **settings):
    company = ledger.dunning.company
    senders = {
        "EMAIL": email_sender(SmtpSettings("127.0.0.1", smtp.port), company),
        "SMS": sms_sender(sms.url, "gateway-token"),
        "LETTER": letter_writer(letters, company),
    }
    return Outbox(ledger, senders, OutboxSettings(**{"lease_s": 60, "backoff_s": 30, **settings}), "outbox:test", clock)


def _states(ledger):
    ledger.runner.catch_up()
    return {
        r[0]: r[1:]
        for r in ledger.database.execute(
            "SELECT delivery_id, status, attempts, last_error FROM ar_deliveries ORDER BY delivery_id"
        )
    }


def test_every_message_reaches_its_receiver_once_and_a_missing_number_is_named(books):
    ledger, smtp, sms, letters = books
    outbox = _outbox(ledger, smtp, sms, letters, Clock())
    report = outbox.step()
    assert (report.delivered, report.failed) == (3, 1)
    states = _states(ledger)
    assert states["C2:2026-05-02:L2:SMS"] == ("FAILED", 1, "customer C2 has no phone number on file")
    assert {key: value[:2] for key, value in states.items() if key != "C2:2026-05-02:L2:SMS"} == {
        "C1:2026-05-02:L2:EMAIL": ("DELIVERED", 1),
        "C1:2026-05-02:L2:SMS": ("DELIVERED", 1),
        "C2:2026-05-02:L2:EMAIL": ("DELIVERED", 1),
    }
    assert outbox.step().delivered == 0  # nothing is due twice
    mail = {message["To"]: message for message in smtp.mailbox.messages}
    assert sorted(mail) == ["ap@c1.example.com", "ap@c2.example.com"]
    assert mail["ap@c1.example.com"]["Subject"].startswith("First notice: overdue invoice(s), 1000.00 CNY")
    assert mail["ap@c2.example.com"]["Subject"].startswith("逾期付款通知")
    assert "  I1                 2026-05-01            1        1000.00" in mail["ap@c1.example.com"].get_content()
    assert all(count == 1 for count in smtp.mailbox.ids().values())
    ((headers, body),) = sms.requests
    assert body["to"] == "+86 21 5555 0001" and "1000.00 CNY" in body["text"]
    assert headers["Idempotency-Key"] == body["id"] == "C1:2026-05-02:L2:SMS"
    assert headers["Authorization"] == "Bearer gateway-token"


def test_letters_are_pdf_files_in_both_locales(books):
    ledger, smtp, sms, letters = books
    clock = Clock()
    _outbox(ledger, smtp, sms, letters, clock).step()
    assert run(ledger, date(2026, 5, 16), "dunning:test").issued == 2  # second notices: EMAIL + LETTER
    clock.now = datetime(2026, 5, 16, 9, tzinfo=UTC)
    _outbox(ledger, smtp, sms, letters, clock).step()
    files = sorted(path.name for path in letters.iterdir())
    assert files == [file_name("C1:2026-05-16:L3:LETTER"), file_name("C2:2026-05-16:L3:LETTER")]
    assert files[0].startswith("C1_2026-05-16_L3_LETTER-") and file_name("A:1") != file_name("A_1")
    english = PdfReader(letters / files[0]).pages[0].extract_text()
    assert "arledger Demo Trading Co., Ltd." in english and "Total now due: 1000.00 CNY" in english
    chinese = PdfReader(letters / files[1]).pages[0].extract_text()
    assert "演示贸易有限公司" in chinese and "应付合计：500.00 CNY" in chinese


def test_a_temporary_failure_is_retried_after_its_backoff_and_a_refusal_is_not(books):
    ledger, smtp, sms, letters = books
    clock = Clock()
    outbox = _outbox(ledger, smtp, sms, letters, clock)
    smtp.mailbox.fail_next, sms.refuse_next = 2, 1
    outbox.step()
    states = _states(ledger)
    assert states["C1:2026-05-02:L2:EMAIL"][:2] == ("RETRY", 1) and "SMTP 451" in states["C1:2026-05-02:L2:EMAIL"][2]
    assert states["C1:2026-05-02:L2:SMS"] == ("FAILED", 1, 'SMS gateway 400: {"error": "invalid number"}')
    clock.now += timedelta(seconds=29)
    assert outbox.step().delivered == 0  # backoff: 30 s after the first attempt
    clock.now += timedelta(seconds=1)
    assert outbox.step().delivered == 2
    assert _states(ledger)["C1:2026-05-02:L2:EMAIL"][:2] == ("DELIVERED", 2)
    assert len(smtp.mailbox.messages) == 2


def test_a_claim_whose_worker_died_is_taken_over_after_the_lease(books):
    ledger, smtp, sms, letters = books
    clock = Clock()
    with pytest.raises(LedgerError, match="has had 0 attempt.s.: attempt 2 is out of date"):
        ledger.app.perform(
            ClaimDelivery("C1", "C1:2026-05-02:L2:EMAIL", 2, "outbox:x", clock(), 60), CommandContext(actor="outbox:x")
        )
    ledger.app.perform(
        ClaimDelivery("C1", "C1:2026-05-02:L2:EMAIL", 1, "outbox:dead", clock(), 60),
        CommandContext(actor="outbox:dead"),
    )
    outbox = _outbox(ledger, smtp, sms, letters, clock)
    outbox.step()
    assert _states(ledger)["C1:2026-05-02:L2:EMAIL"][:2] == ("SENDING", 1)  # the dead worker's lease still holds
    clock.now += timedelta(seconds=60)
    assert outbox.step().delivered == 1
    assert _states(ledger)["C1:2026-05-02:L2:EMAIL"][:2] == ("DELIVERED", 2)
    late = RecordDeliveryOutcome("C1", "C1:2026-05-02:L2:EMAIL", 1, False, "timeout", None)
    with pytest.raises(LedgerError, match="already delivered"):
        ledger.app.perform(late, CommandContext(actor="outbox:dead"))


def test_a_fault_of_ours_is_recorded_not_fatal_and_claims_that_keep_dying_are_given_up(books):
    ledger, smtp, sms, letters = books
    clock = Clock()

    def broken(_item):
        raise KeyError("template field")

    outbox = Outbox(ledger, {"EMAIL": broken}, OutboxSettings(lease_s=60, max_attempts=2), "outbox:test", clock)
    assert outbox.step().failed == 2  # both e-mails, and the worker lives on
    state = _states(ledger)["C1:2026-05-02:L2:EMAIL"]
    assert state[:2] == ("FAILED", 1) and state[2] == "unexpected error while sending: KeyError: 'template field'"
    sms_id = "C1:2026-05-02:L2:SMS"
    for attempt in (1, 2):  # two workers died while sending
        ledger.app.perform(ClaimDelivery("C1", sms_id, attempt, "outbox:dead", clock(), 60), CommandContext(actor="d"))
        clock.now += timedelta(seconds=61)
    _outbox(ledger, smtp, sms, letters, clock, max_attempts=2).step()
    state = _states(ledger)[sms_id]
    assert state[:2] == ("FAILED", 2) and state[2].startswith("gave up: 2 attempt(s) ended without an outcome")
    assert sms.requests == []
