"""History with provenance: events of a document (invoice, payment, credit note) or customer, or of the whole log,
filtered by customer, actor and recorded time range, in log order, a page at a time.

Each row shows its log position, recorded instant, actor (a token's `role:name`, `cli:user`, or `seed`), the
reason where a person gave one, the command's correlation id, and the event's data. Filters are served by the
log index (originator, actor, recorded instant); a document's own events are picked out of its customer's
account stream by what they concern. A customer's events include its deliveries' (each an aggregate of its own,
named on the account by the notice or statement that asked for it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

from ledger import events
from ledger.account import account_id
from ledger.application import LedgerApplication
from ledger.collections.delivery import delivery_aggregate_id
from ledger.document_key import KINDS, document_key_id
from ledger.instants import micros
from replay.eventlog import LoggedEvent
from replay.log_queries import events_at, matching_positions

MAX_PAGE = 500
DEFAULT_PAGE = 100
SCAN_BATCH = 1000

_META_FIELDS = {"originator_id", "originator_version", "timestamp", "actor", "correlation_id", "originator_topic"}
_INVOICE_OWN_EVENTS = (events.InvoiceIssued, events.InvoiceVoided, events.InvoiceWrittenOff)
_CREDIT_NOTE_EVENTS = (events.CreditNoteIssued, events.CreditNoteAllocated)


def _concerns(kind: str, number: str, event: Any) -> bool:
    if kind == "invoice":
        if isinstance(event, _INVOICE_OWN_EVENTS):
            return event.number == number
        if isinstance(event, events.PaymentReversed):
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


def camel(name: str) -> str:
    """snake_case -> camelCase, as event fields are shown to users."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def as_row(logged: LoggedEvent) -> dict[str, Any]:
    event = logged.event
    data = {camel(key): _plain(value) for key, value in vars(event).items() if key not in _META_FIELDS}
    return {
        "position": logged.position,
        "recordedAt": event.timestamp.isoformat(),
        "actor": event.actor,
        "type": type(event).__name__,
        "reason": data.get("reason"),
        "correlationId": event.correlation_id,
        "data": data,
    }


@dataclass(frozen=True)
class HistoryQuery:
    subject: str | None = None  # a document number or a customer code
    customer: str | None = None
    actor: str | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None
    after: int = 0  # a position: the page starts after it
    first: int = DEFAULT_PAGE

    def __post_init__(self) -> None:
        if not 1 <= self.first <= MAX_PAGE:
            raise ValueError(f"first must be between 1 and {MAX_PAGE}, got {self.first}")
        if self.after < 0:
            raise ValueError(f"after must be a log position (0 or more), got {self.after}")
        for name in ("recorded_from", "recorded_to"):
            instant = getattr(self, name)
            if instant is not None and instant.tzinfo is None:
                raise ValueError(f"{name} needs an offset, such as 2026-03-31T23:59:59+08:00")


@dataclass(frozen=True)
class HistoryPage:
    found: bool  # False when the subject names no customer or document
    rows: list[dict[str, Any]]
    has_next: bool
    end_cursor: int | None


def _customer_streams(app: LedgerApplication, code: str) -> set[UUID]:
    """The customer's account and its deliveries (none when no such customer is registered)."""
    account = app.account(code)
    if account is None:
        return set()
    return {account_id(code), *(delivery_aggregate_id(delivery_id) for delivery_id in account.deliveries)}


def _subject(app: LedgerApplication, name: str) -> tuple[set[UUID], Callable[[Any], bool]] | None:
    """The streams holding a subject's events, and which of their events concern it; None if nothing has the name."""
    originators: set[UUID] = set()
    whole: set[UUID] = _customer_streams(app, name)
    tests: list[Callable[[Any], bool]] = []
    for kind in KINDS:
        owner = app.document_owner(kind, name)
        if owner is not None:
            originators.add(account_id(owner))
            whole.add(document_key_id(kind, name))
            tests.append(partial(_concerns, kind, name))
    if not whole:
        return None
    return originators | whole, lambda event: event.originator_id in whole or any(test(event) for test in tests)


def history_page(app: LedgerApplication, query: HistoryQuery) -> HistoryPage:
    """One page of matching events after `query.after`, in log order."""
    originators: set[UUID] | None = None
    keep: Callable[[Any], bool] = lambda _event: True  # noqa: E731
    if query.subject is not None:
        found = _subject(app, query.subject)
        if found is None:
            return HistoryPage(False, [], False, None)
        originators, keep = found
    if query.customer is not None:
        mine = _customer_streams(app, query.customer) or {account_id(query.customer)}
        originators = mine if originators is None else originators & mine
    rows: list[dict[str, Any]] = []
    cursor = query.after
    while len(rows) <= query.first:
        positions = matching_positions(
            app.recorder,
            after=cursor,
            limit=SCAN_BATCH,
            originators=None if originators is None else sorted(originators),
            actor=query.actor,
            from_us=micros(query.recorded_from) if query.recorded_from else None,
            to_us=micros(query.recorded_to) if query.recorded_to else None,
        )
        if not positions:
            break
        for stored in events_at(app.recorder, positions):
            event = app.mapper.to_domain_event(stored)
            if keep(event):
                rows.append(as_row(LoggedEvent(stored.id, event)))
                if len(rows) > query.first:
                    break
        cursor = positions[-1]
    page = rows[: query.first]
    return HistoryPage(True, page, len(rows) > query.first, page[-1]["position"] if page else None)


def history(app: LedgerApplication, number_or_code: str) -> list[dict[str, Any]] | None:
    """Every event of a customer code and/or a document number; None when nothing has that name."""
    rows: list[dict[str, Any]] = []
    after = 0
    while True:
        page = history_page(app, HistoryQuery(subject=number_or_code, after=after, first=MAX_PAGE))
        if not page.found:
            return None
        rows += page.rows
        if not page.has_next:
            return rows
        assert page.end_cursor is not None  # a page with a next one has an end
        after = page.end_cursor
