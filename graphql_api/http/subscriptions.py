"""Live updates over websockets (graphql-transport-ws): new ledger events as they are recorded, limited to the
caller's scope — a customer token sees only its own customer's events, and of those only what its queries show
(graphql_api/audit/event_views.py) — each with the customer's outstanding balance once the batch of events it arrived
in is in the read models. Blocking reads run in a worker thread, one query per batch for the balances, never one
per event.

A token revoked while its subscriptions are open (by the CLI in another process, say) closes their connection
with code 4403 within REVOCATION_CHECK_S and a read: each subscription asks the token table, by the token's hash,
when it starts and every REVOCATION_CHECK_S after.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import suppress
from typing import Optional

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types import Info

from graphql_api.audit.event_views import view, visible_types
from graphql_api.context import Context, caller, scoped_customer
from graphql_api.tokens import Principal
from ledger.events import CustomerAccount, Delivery  # the index of every event: all of them count among the types
from ledger.money import format_minor
from ledger.store.availability import is_unavailable
from projections.customers import balances_of
from replay.eventlog import LoggedEvent
from replay.history import as_row

log = logging.getLogger(__name__)
POLL_INTERVAL_S = 0.2
REVOCATION_CHECK_S = 1.0  # the README promises a revoked token's subscriptions end within two seconds
REVOKED_CLOSE_CODE = 4403  # as for a token refused at connection_init
TOPIC_PREFIX = "arledger:"  # an event's type is its topic without it (and without its aggregate: Delivery.)


def _event_types(base: type) -> frozenset[str]:
    subclasses: list[type] = base.__subclasses__()  # mypy reads typeshed's self-typed result as list[type[Never]]
    return frozenset(name for sub in subclasses for name in (sub.__name__, *_event_types(sub)))


# A delivery's events keep the names its account events had (ledger/collections/delivery.py): one type each.
EVENT_TYPES = _event_types(CustomerAccount.Event) | _event_types(Delivery.Event)
BATCH = 500


@strawberry.type
class LedgerEvent:
    position: int
    recordedAt: str
    actor: Optional[str] = strawberry.field(
        description="Who recorded it (`role:name`); null for a customer token (its queries show no staff names)."
    )
    type: str
    customerCode: str
    customerOutstanding: Optional[str]
    data: JSON


def _next_events(
    ledger, after: int, scope: Optional[str], types: frozenset[str], principal: Principal
) -> tuple[int, list[LedgerEvent]]:
    """The events after position `after` in `scope` (of `types`), as `principal` may see them, and the position
    read up to (blocking)."""
    notifications = ledger.app.recorder.select_notifications(start=after + 1, limit=BATCH)
    if not notifications:
        return after, []
    ledger.runner.catch_up(notifications[-1].id)
    picked = []
    for notification in notifications:
        if notification.topic.removeprefix(TOPIC_PREFIX).rpartition(".")[2] not in types:
            continue
        event = ledger.app.mapper.to_domain_event(notification)
        if not isinstance(event, (CustomerAccount.Event, Delivery.Event)):
            continue  # natural-key bookkeeping or a bank line, not a customer's receivables fact
        code = ledger.runner.code_of(event)
        if scope is None or code == scope:
            row = view(principal, as_row(LoggedEvent(notification.id, event)))
            if row is not None:
                picked.append((code, row))
    balances = balances_of(ledger.database, sorted({code for code, _row in picked}))
    outstanding = {
        code: format_minor(balance.outstanding_minor, balance.currency) for code, balance in balances.items()
    }
    events = [
        LedgerEvent(
            position=row["position"],
            recordedAt=row["recordedAt"],
            actor=row["actor"],
            type=row["type"],
            customerCode=code,
            customerOutstanding=outstanding.get(code),
            data=row["data"],
        )
        for code, row in picked
    ]
    return notifications[-1].id, events


def _still_valid(context: Context) -> bool:
    """Whether the connection's token still stands for its principal (blocking: one read by primary key)."""
    return context.token is not None and context.tokens.authenticate(context.token) == context.principal


async def _close_revoked(context: Context) -> None:
    """Close the caller's websocket as a refused token's is closed (another subscription may have done so)."""
    with suppress(RuntimeError):  # already closed
        await context.request.close(code=REVOKED_CLOSE_CODE, reason="token revoked")


async def _watch_token(context: Context, principal: Principal) -> None:
    """Close the connection once its token is revoked: asked every REVOCATION_CHECK_S, in its own task, so a long
    read or a slow client does not delay it. A database outage is not a revocation: it asks again."""
    while True:
        await asyncio.sleep(REVOCATION_CHECK_S)
        try:
            valid = await asyncio.to_thread(_still_valid, context)
        except Exception as error:
            if not is_unavailable(error):
                raise
            continue
        if not valid:
            log.info("closing a subscription of a revoked token (%s)", principal.actor)
            await _close_revoked(context)
            return


def _kinds(principal: Principal, requested: Optional[list[str]]) -> frozenset[str]:
    """The event types to stream: those asked for (all when none are), which must exist and be visible."""
    kinds = EVENT_TYPES if requested is None else frozenset(requested)
    unknown = sorted(kinds - EVENT_TYPES)
    if unknown:
        raise GraphQLError(
            f"types: unknown event type(s) {', '.join(unknown)}; known: {', '.join(sorted(EVENT_TYPES))}",
            extensions={"code": "VALIDATION"},
        )
    visible = visible_types(principal, EVENT_TYPES)
    hidden = sorted(kinds - visible)
    if requested is not None and hidden:
        raise GraphQLError(
            f"types: a {principal.role} token may not see {', '.join(hidden)} events", extensions={"code": "FORBIDDEN"}
        )
    return kinds & visible


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="New ledger events in the caller's scope, from the end of the log, or from "
        "just after log position `after` (a client resuming after a reconnect "
        "passes the last position it saw, and misses nothing). `types` keeps "
        'only events of those types, e.g. ["RiskAlertRaised"] for new risk '
        "alerts with their evidence. A customer token sees its own customer's "
        "events, and only what its queries show of them."
    )
    async def ledgerEvents(
        self,
        info: Info,
        customerCode: Optional[str] = None,
        after: Optional[int] = None,
        types: Optional[list[str]] = None,
    ) -> AsyncGenerator[LedgerEvent, None]:
        context = info.context
        principal = caller(info)
        root_type = info.path.typename
        assert root_type is not None  # graphql-core names the parent type in a field's path (only list items have none)
        scope = scoped_customer(context, info.field_name, customerCode, root_type)
        if after is not None and after < 0:
            raise GraphQLError(
                f"after must be a log position (0 or more), got {after}", extensions={"code": "VALIDATION"}
            )
        kinds = _kinds(principal, types)
        ledger = context.ledger
        if not await asyncio.to_thread(_still_valid, context):  # revoked since the connection opened
            await _close_revoked(context)
            await asyncio.Event().wait()  # the closed connection's handler cancels this
        position = (
            after
            if after is not None
            else await asyncio.to_thread(lambda: ledger.app.recorder.max_notification_id() or 0)
        )
        watch = asyncio.create_task(_watch_token(context, principal))
        try:
            while not watch.done():
                position, events = await asyncio.to_thread(_next_events, ledger, position, scope, kinds, principal)
                for event in events:
                    if watch.done():
                        break
                    yield event
                if not events:
                    await asyncio.sleep(POLL_INTERVAL_S)
            watch.result()  # a fault in the watch ends the subscription with it
            await asyncio.Event().wait()  # revoked and closing: nothing more is sent; the handler cancels this
        finally:
            watch.cancel()
