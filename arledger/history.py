"""`arledger history`: every event of one document (invoice, payment, credit note) or customer, in log order."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from arledger.eventlog import LoggedEvent, read_streams
from ledger.application import LedgerApplication
from ledger.customer import CustomerAccount, account_id
from ledger.document_key import KINDS, document_key_id

_META_FIELDS = {"originator_id", "originator_version", "timestamp", "actor", "correlation_id", "originator_topic"}
_INVOICE_OWN_EVENTS = (CustomerAccount.InvoiceIssued, CustomerAccount.InvoiceVoided, CustomerAccount.InvoiceWrittenOff)
_CREDIT_NOTE_EVENTS = (CustomerAccount.CreditNoteIssued, CustomerAccount.CreditNoteAllocated)


def _concerns(kind: str, number: str, event: Any) -> bool:
    if kind == "invoice":
        if isinstance(event, _INVOICE_OWN_EVENTS):
            return event.number == number
        if isinstance(event, CustomerAccount.PaymentReversed):
            return any(item["invoiceNumber"] == number for item in event.undone_allocations)
        return getattr(event, "invoice_number", None) == number
    if kind == "payment":
        return getattr(event, "reference", None) == number
    return isinstance(event, _CREDIT_NOTE_EVENTS) and event.number == number


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def as_row(logged: LoggedEvent) -> dict[str, Any]:
    event = logged.event
    data = {_camel(key): _plain(value) for key, value in vars(event).items() if key not in _META_FIELDS}
    return {"position": logged.position, "recordedAt": event.timestamp.isoformat(), "actor": event.actor,
            "type": type(event).__name__, "correlationId": event.correlation_id, "data": data}


def history(app: LedgerApplication, number_or_code: str) -> list[dict[str, Any]] | None:
    """History rows for a customer code and/or a document number; None when nothing has that name."""
    found = False
    selected: dict[int, LoggedEvent] = {}
    if app.account(number_or_code) is not None:
        found = True
        for logged in read_streams(app, [account_id(number_or_code)]):
            selected[logged.position] = logged
    for kind in KINDS:
        owner = app.document_owner(kind, number_or_code)
        if owner is None:
            continue
        found = True
        for logged in read_streams(app, [account_id(owner), document_key_id(kind, number_or_code)]):
            if logged.event.originator_id != account_id(owner) or _concerns(kind, number_or_code, logged.event):
                selected[logged.position] = logged
    if not found:
        return None
    return [as_row(selected[position]) for position in sorted(selected)]
