"""Live updates over websockets (graphql-transport-ws): new ledger events as they are recorded, limited to the
caller's scope (a customer token sees only its own customer), each with the customer's outstanding balance once
the batch of events it arrived in is in the read models. Blocking reads run in a worker thread, one query per
batch for the balances, never one per event.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Optional

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types import Info

from arledger.eventlog import LoggedEvent
from graphql_api.context import caller
from ledger.customer import CustomerAccount
from projections.amounts import format_minor
from replay.history import as_row

POLL_INTERVAL_S = 0.2
TOPIC_PREFIX = "arledger:"  # an event's type is its topic without it


def _event_types(base: type) -> frozenset[str]:
    return frozenset(name for sub in base.__subclasses__() for name in (sub.__name__, *_event_types(sub)))


EVENT_TYPES = _event_types(CustomerAccount.Event)
BATCH = 500


@strawberry.type
class LedgerEvent:
    position: int
    recordedAt: str
    actor: str
    type: str
    customerCode: str
    customerOutstanding: Optional[str]
    data: JSON


def _next_events(ledger, after: int, scope: Optional[str],
                 types: Optional[frozenset[str]] = None) -> tuple[int, list[LedgerEvent]]:
    """The events after position `after` visible in `scope` (of `types`, if given), and the position read up to
    (blocking)."""
    notifications = ledger.app.recorder.select_notifications(start=after + 1, limit=BATCH)
    if not notifications:
        return after, []
    ledger.runner.catch_up(notifications[-1].id)
    picked = []
    for notification in notifications:
        if types is not None and notification.topic.removeprefix(TOPIC_PREFIX) not in types:
            continue
        event = ledger.app.mapper.to_domain_event(notification)
        if not isinstance(event, CustomerAccount.Event):
            continue  # natural-key bookkeeping, not a receivables fact
        code = ledger.runner.code_of(event)
        if scope is None or code == scope:
            picked.append((code, as_row(LoggedEvent(notification.id, event))))
    codes = sorted({code for code, _row in picked})
    outstanding = {code: format_minor(amount, currency) for code, currency, amount in ledger.database.execute(
        f"SELECT customer_code, currency, outstanding_minor FROM {{p}}customers WHERE customer_code IN "
        f"({','.join('?' * len(codes))})", codes)} if codes else {}
    events = [LedgerEvent(position=row["position"], recordedAt=row["recordedAt"], actor=row["actor"], type=row["type"],
                          customerCode=code, customerOutstanding=outstanding.get(code), data=row["data"])
              for code, row in picked]
    return notifications[-1].id, events


@strawberry.type
class Subscription:
    @strawberry.subscription(description="New ledger events in the caller's scope, from the end of the log, or from "
                                         "just after log position `after` (a client resuming after a reconnect "
                                         "passes the last position it saw, and misses nothing). `types` keeps "
                                         "only events of those types, e.g. [\"RiskAlertRaised\"] for new risk "
                                         "alerts with their evidence.")
    async def ledgerEvents(self, info: Info, customerCode: Optional[str] = None, after: Optional[int] = None,
                           types: Optional[list[str]] = None) -> AsyncGenerator[LedgerEvent, None]:
        principal = caller(info)
        scope = principal.customer_code if principal.role == "customer" else customerCode
        ledger = info.context.ledger
        if after is not None and after < 0:
            raise GraphQLError(f"after must be a log position (0 or more), got {after}",
                               extensions={"code": "VALIDATION"})
        kinds = None if types is None else frozenset(types)
        unknown = sorted((kinds or frozenset()) - EVENT_TYPES)
        if unknown:
            raise GraphQLError(f"types: unknown event type(s) {', '.join(unknown)}; known: {', '.join(sorted(EVENT_TYPES))}",
                               extensions={"code": "VALIDATION"})
        position = after if after is not None else await asyncio.to_thread(
            lambda: ledger.app.recorder.max_notification_id() or 0)
        while True:
            position, events = await asyncio.to_thread(_next_events, ledger, position, scope, kinds)
            for event in events:
                yield event
            if not events:
                await asyncio.sleep(POLL_INTERVAL_S)
