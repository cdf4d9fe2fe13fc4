"""Text that can reach a store: identifiers, one-line text and free text each keep their rule (ledger/text.py),
in the input parsers and for every command whatever built it; patterns match whole values."""

import copy
from datetime import date
from decimal import Decimal

import pytest

from ledger.bank.commands import IgnoreBankLine, ImportBankLine
from ledger.collections.commands import SetDunningPolicy
from ledger.collections.notice_commands import RecordDeliveryOutcome
from ledger.context import CommandContext
from ledger.errors import ValidationError
from ledger.operations import parse_command
from ledger.risk.commands import AcknowledgeRiskAlert
from ledger.text import FREE, IDENTIFIER, LINE, check_text, printable
from tests.builders import Scenario, a_customer, a_line, an_invoice

BIDI = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f"]
LONE_SURROGATES = ["\ud800", "\udfff"]


@pytest.mark.parametrize(
    "character", CONTROLS + ["\t", "\n", "\r", "\u2028", "\u2029"] + BIDI + ZERO_WIDTH + ["\u00ad"] + LONE_SURROGATES
)
def test_an_identifier_refuses_control_invisible_and_line_break_characters_anywhere(character):
    for value in (f"A{character}B", f"{character}AB", f"AB{character}"):
        with pytest.raises(ValidationError) as refused:
            check_text(value, ("number",), "number", IDENTIFIER)
        assert refused.value.field == ("number",)
        assert f"U+{ord(character):04X}" in refused.value.message


@pytest.mark.parametrize("value", ["INV-2026-001", "发票 001", "C/001.A_b", "Zoë-7"])
def test_an_identifier_of_printable_characters_is_accepted(value):
    assert check_text(value, ("code",), "code", IDENTIFIER) == value


@pytest.mark.parametrize("value", [" A", "A ", "\u3000A", "A\u00a0"])
def test_an_identifier_with_surrounding_space_is_refused(value):
    with pytest.raises(ValidationError, match="leading or trailing spaces"):
        check_text(value, ("code",), "code", IDENTIFIER)


@pytest.mark.parametrize("character", CONTROLS + ["\t", "\n", "\r", "\u2028", "\u2029"] + LONE_SURROGATES)
def test_one_line_text_refuses_control_and_line_break_characters(character):
    with pytest.raises(ValidationError, match="one-line text"):
        check_text(f"Acme{character}Trading", ("name",), "name", LINE)


@pytest.mark.parametrize(
    "value", ["Zoë & Søn Ltd.", "فروشگاه\u200cها", "👩\u200d💻 Studio", "\u2067شركة\u2069 Ltd", " Padded name "]
)
def test_one_line_text_keeps_the_format_characters_scripts_spell_with(value):
    assert check_text(value, ("name",), "name", LINE) == value


@pytest.mark.parametrize("value", ["line one\nline two", "col\tcol", "windows\r\nline", "a\u2028b"])
def test_free_text_may_span_lines_and_hold_tabs(value):
    assert check_text(value, ("reason",), "reason", FREE) == value


@pytest.mark.parametrize("character", CONTROLS + ["\r"] + LONE_SURROGATES)
def test_free_text_refuses_every_other_control_character_and_a_lone_carriage_return(character):
    with pytest.raises(ValidationError, match="free text"):
        check_text(f"bounced{character}cheque", ("reason",), "reason", FREE)


def test_printable_escapes_what_a_kind_may_not_hold_and_keeps_the_rest():
    assert printable("250 OK\x00\r\nqueued\x1b[0m\ud800") == "250 OK\\x00\r\nqueued\\x1b[0m\\ud800"
    assert printable("a\nb", LINE) == "a\\nb"
    assert printable("ref\u202e1", IDENTIFIER) == "ref\\u202e1"
    for kind in (FREE, LINE, IDENTIFIER):
        check_text(printable("x\x00\u202e\n\ud800y", kind), (), "value", kind)


# Every text field of the contract's operations, refused with its own path (a NUL never reaches a store).
FIELDS = [
    ("registerCustomer", a_customer("C1"), ("code",), IDENTIFIER),
    ("registerCustomer", a_customer("C1"), ("name",), LINE),
    ("registerCustomer", a_customer("C1", email="ar@example.com"), ("email",), IDENTIFIER),
    ("registerCustomer", a_customer("C1", phone="+86 21 5555 0100"), ("phone",), IDENTIFIER),
    ("issueInvoice", an_invoice("I1"), ("number",), IDENTIFIER),
    ("issueInvoice", an_invoice("I1"), ("lines", 0, "description"), FREE),
    ("issueInvoice", an_invoice("I1", creditOverrideReason="board approval"), ("creditOverrideReason",), FREE),
    (
        "recordPayment",
        {
            "reference": "P1",
            "customerCode": "C1",
            "amount": "1.00",
            "receivedOn": "2026-01-02",
            "method": "CASH",
            "allocations": [{"invoiceNumber": "I1", "amount": "1.00"}],
        },
        ("allocations", 0, "invoiceNumber"),
        IDENTIFIER,
    ),
    ("reversePayment", {"reference": "P1", "reversedOn": "2026-01-03", "reason": "bounced"}, ("reason",), FREE),
    (
        "recordDunningAction",
        {"invoiceNumber": "I1", "level": 1, "channel": "PHONE", "actedOn": "2026-02-01", "note": "called"},
        ("note",),
        FREE,
    ),
    ("confirmStatement", {"customerCode": "C1", "statementId": "C1:2026-01-31"}, ("statementId",), IDENTIFIER),
    (
        "recordCollectionOutcome",
        {"customerCode": "C1", "taskId": "C1:2026-02-01:L2:PHONE", "outcome": "REACHED", "note": "spoke to AP"},
        ("taskId",),
        IDENTIFIER,
    ),
]


def _field_id(value: object) -> str | None:
    return ".".join(map(str, value)) if isinstance(value, tuple) else None


def _set(data: dict, path: tuple, value: object) -> dict:
    """A copy of `data` with the field at `path` set to `value` (the table's inputs stay as written)."""
    data = copy.deepcopy(data)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def _get(data: dict, path: tuple) -> str:
    for part in path:
        data = data[part]
    return data


@pytest.mark.parametrize("op, data, path, kind", FIELDS, ids=_field_id)
def test_each_text_field_of_an_operation_refuses_nul_naming_its_path(op, data, path, kind):
    with pytest.raises(ValidationError) as refused:
        parse_command(op, _set(data, path, _get(data, path)[:1] + "\x00" + _get(data, path)[1:]))
    assert refused.value.field == tuple(str(part) for part in path)
    assert "U+0000" in refused.value.message


@pytest.mark.parametrize("op, data, path, kind", FIELDS, ids=_field_id)
def test_a_newline_is_free_texts_own_and_refused_elsewhere(op, data, path, kind):
    value = _get(data, path) + "\nsecond line"
    if kind == FREE:
        parse_command(op, _set(data, path, value))
    else:
        with pytest.raises(ValidationError) as refused:
            parse_command(op, _set(data, path, value))
        assert refused.value.field == tuple(str(part) for part in path)


@pytest.mark.parametrize("value", ["A\n", "C1\u202e", "\u200bC1"])
def test_identifiers_match_whole_a_trailing_newline_is_refused(value):
    with pytest.raises(ValidationError) as refused:
        parse_command("registerCustomer", a_customer(value))
    assert refused.value.field == ("code",)


@pytest.mark.parametrize(
    "op, data, field",
    [
        ("registerCustomer", a_customer("C1", email="ar@example.com\n"), ("email",)),
        ("registerCustomer", a_customer("C1", creditLimit="100\n"), ("creditLimit",)),
        ("issueInvoice", an_invoice("I1", issued="2026-01-01\n"), ("issueDate",)),
        ("issueInvoice", an_invoice("I1", lines=[a_line("1.00", quantity="2\n")]), ("lines", "0", "quantity")),
    ],
)
def test_dates_amounts_and_emails_match_whole(op, data, field):
    with pytest.raises(ValidationError) as refused:
        parse_command(op, data)
    assert refused.value.field == field


# Commands built outside the input parsers (GraphQL arguments, CLI options, bank files, the outbox) meet the same
# rules when they are decided: refused naming the field, nothing written.
DIRECT = [
    (IgnoreBankLine("BANK", "B1", "not ours\x00"), ("reason",)),
    (AcknowledgeRiskAlert("C1", "utilisation::1", "seen\x1b[2J"), ("reason",)),
    (SetDunningPolicy("C1", "gentle\u202e", False, "asked"), ("policy",)),
    (
        ImportBankLine(
            "BANK", "B1", date(2026, 1, 5), date(2026, 1, 5), Decimal("1.00"), "CNY", "Acme\x00", None, None
        ),
        ("counterparty",),
    ),
    (
        ImportBankLine(
            "BANK", "B\u200b1", date(2026, 1, 5), date(2026, 1, 5), Decimal("1.00"), "CNY", None, None, None
        ),
        ("bankReference",),
    ),
    (RecordDeliveryOutcome("C1", "d1", 1, True, "250 OK\ud800", None), ("detail",)),
]


@pytest.mark.parametrize("command, field", DIRECT, ids=lambda v: type(v).__name__ if not isinstance(v, tuple) else None)
def test_every_command_is_checked_when_decided_whatever_built_it(command, field):
    books = Scenario()
    books.given("registerCustomer", a_customer("C1"))
    before = books.event_count()
    with pytest.raises(ValidationError) as refused:
        books.app.perform(command, CommandContext(actor="tester"))
    assert refused.value.field == field
    assert books.event_count() == before


@pytest.mark.parametrize(
    "context, field",
    [
        (CommandContext(actor="tester\x00"), ("actor",)),
        (CommandContext(actor="tester", operation_key="key\n"), ("operationKey",)),
    ],
)
def test_who_sends_a_command_is_checked_too(context, field):
    books = Scenario()
    with pytest.raises(ValidationError) as refused:
        books.app.perform(parse_command("registerCustomer", a_customer("C1")), context)
    assert refused.value.field == field
    assert books.event_count() == 0
