"""Live updates over websockets (graphql-transport-ws): new ledger events as they are recorded, each with the
customer's balance after it, limited to the caller's scope (a customer token sees only its own customer)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Optional

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from arledger.history import as_row
from arledger.eventlog import LoggedEvent
from graphql_api.context import caller
from graphql_api.types import load_customer
from ledger.customer import CustomerAccount

POLL_INTERVAL_S = 0.2
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


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ledgerEvents(self, info: Info, customerCode: Optional[str] = None) -> AsyncGenerator[LedgerEvent, None]:
        principal = caller(info)
        scope = principal.customer_code if principal.role == "customer" else customerCode
        ledger = info.context.ledger
        position = ledger.app.recorder.max_notification_id() or 0
        codes: dict = {}
        while True:
            notifications = await asyncio.to_thread(ledger.app.recorder.select_notifications, position + 1, BATCH)
            if not notifications:
                await asyncio.sleep(POLL_INTERVAL_S)
                continue
            await asyncio.to_thread(ledger.runner.catch_up, notifications[-1].id)
            for notification in notifications:
                position = notification.id
                event = ledger.app.mapper.to_domain_event(notification)
                if not isinstance(event, CustomerAccount.Event):
                    continue  # natural-key bookkeeping, not a receivables fact
                code = codes.get(event.originator_id) or _code(ledger, event.originator_id, codes)
                if scope is not None and code != scope:
                    continue
                row = as_row(LoggedEvent(notification.id, event))
                customer = load_customer(ledger.database, code)
                yield LedgerEvent(position=row["position"], recordedAt=row["recordedAt"], actor=row["actor"],
                                  type=row["type"], customerCode=code, data=row["data"],
                                  customerOutstanding=customer.outstanding if customer else None)


def _code(ledger, account_id, codes: dict) -> str:
    rows = ledger.database.execute("SELECT customer_code FROM {p}customers WHERE account_id = ?", (account_id.hex,))
    codes[account_id] = rows[0][0] if rows else "?"
    return codes[account_id]
