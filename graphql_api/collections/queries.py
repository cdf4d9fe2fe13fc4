"""Dunning and collections in GraphQL, thin over `services.dunning_run` and `projections.dunning`: notices,
deliveries and the collectors' worklist (staff), previews of what a level sends (staff); the mutations, `runDunning`,
`setDunningPolicy`, `recordCollectionOutcome` (admin and collector), are in `mutations`."""

from __future__ import annotations

from datetime import date
from typing import Optional

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from graphql_api.arguments import page_size, parse_date
from graphql_api.context import caller
from graphql_api.errors import bad_input
from ledger.vocabulary import DELIVERY_STATUSES, LOCALES, MESSAGE_CHANNELS, TASK_CHANNELS, TASK_STATUSES
from projections.dunning import deliveries, notices, worklist
from services.dunning_run import PreviewError, preview


def _one_of(name: str, value: Optional[str], choices: tuple[str, ...]) -> Optional[str]:
    if value is not None and value not in choices:
        raise bad_input(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


@strawberry.type
class DunningNotice:
    noticeId: str
    customerCode: str
    asOf: str
    policy: str
    level: int
    levelName: str
    currency: str
    outstanding: str
    interest: str
    fee: str
    totalDue: str
    channels: list[str]
    lines: JSON  # [{invoiceNumber, dueOn, daysOverdue, outstanding, interest}]
    actor: str


@strawberry.type
class Delivery:
    deliveryId: str
    customerCode: str
    noticeId: str
    channel: str
    recipient: Optional[str]
    subject: str
    status: str  # PENDING, SENDING, RETRY, DELIVERED, FAILED
    attempts: int
    lastError: Optional[str]
    detail: Optional[str]
    worker: Optional[str]


@strawberry.type
class CollectionTask:
    taskId: str
    customerCode: str
    customerName: str
    phone: Optional[str]
    noticeId: str
    kind: str
    instructions: str
    invoices: list[str]
    amount: str
    currency: str
    daysOverdue: int
    grade: Optional[str]
    riskWeight: str
    priority: str
    status: str
    outcome: Optional[str]
    note: Optional[str]
    changedBy: str


@strawberry.type
class RenderedMessage:
    channel: str
    subject: str
    body: str


@strawberry.type
class DunningQuery:
    @strawberry.field(description="Dunning notices, newest first; filter by customer and run date.")
    def dunningNotices(
        self, info: Info, customerCode: Optional[str] = None, asOf: Optional[str] = None, first: int = 100
    ) -> list[DunningNotice]:
        caller(info)
        on = None if asOf is None else parse_date(asOf, "asOf")
        return [
            DunningNotice(**row) for row in notices(info.context.ledger.database, customerCode, on, page_size(first))
        ]

    @strawberry.field(
        description="The outbox's deliveries, newest first: state, attempts, last error, the "
        "receiver's reply. Filter by status, channel, customer."
    )
    def deliveries(
        self,
        info: Info,
        status: Optional[str] = None,
        channel: Optional[str] = None,
        customerCode: Optional[str] = None,
        first: int = 100,
    ) -> list[Delivery]:
        caller(info)
        _one_of("status", status, DELIVERY_STATUSES)
        _one_of("channel", channel, MESSAGE_CHANNELS)
        return [
            Delivery(**row)
            for row in deliveries(info.context.ledger.database, status, channel, customerCode, page_size(first))
        ]

    @strawberry.field(
        description="Collectors' tasks (PHONE, VISIT, AGENCY, LEGAL), highest priority first: "
        "amount x days overdue x the customer's risk weight."
    )
    def collectionWorklist(
        self, info: Info, status: Optional[str] = "OPEN", kind: Optional[str] = None, first: int = 100
    ) -> list[CollectionTask]:
        caller(info)
        _one_of("status", status, TASK_STATUSES)
        _one_of("kind", kind, TASK_CHANNELS)
        return [CollectionTask(**row) for row in worklist(info.context.ledger.database, status, kind, page_size(first))]

    @strawberry.field(
        description="What a dunning level would send a customer for its open invoices as of a date "
        "(default today), channel by channel; nothing is recorded."
    )
    def dunningPreview(
        self,
        info: Info,
        customerCode: str,
        level: int,
        asOf: Optional[str] = None,
        channel: Optional[str] = None,
        locale: Optional[str] = None,
    ) -> list[RenderedMessage]:
        caller(info)
        _one_of("locale", locale, LOCALES)
        on = date.today() if asOf is None else parse_date(asOf, "asOf")
        try:
            rendered = preview(info.context.ledger, customerCode, level, on, channel, locale)
        except PreviewError as error:
            raise bad_input(str(error)) from None
        return [RenderedMessage(channel=each, subject=message.subject, body=message.body) for each, message in rendered]
