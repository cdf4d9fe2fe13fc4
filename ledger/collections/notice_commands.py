"""What a dunning run and the outbox record (built by services, never parsed from a caller's input): a dunning
notice with its messages and tasks, an outbox worker's claim on a delivery, and what an attempt achieved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from ledger.commands import Command


@dataclass(frozen=True)
class DeliveryRequest:
    delivery_id: str
    channel: str  # EMAIL, SMS, LETTER
    recipient: str | None
    subject: str
    body: str
    locale: str


@dataclass(frozen=True)
class TaskRequest:
    task_id: str
    kind: str  # PHONE, VISIT, AGENCY, LEGAL
    instructions: str


@dataclass(frozen=True)
class IssueDunningNotice(Command):
    """A dunning notice decided and rendered by the dunning run (not an import operation): its lines are
    (invoice, due date, days overdue, outstanding, interest); amounts in the customer's currency."""

    op: ClassVar[str] = "issueDunningNotice"
    customer_code: str
    notice_id: str
    as_of: date
    policy: str
    level: int
    level_name: str
    currency: str
    lines: tuple[tuple[str, date, int, Decimal, Decimal], ...]
    fee: Decimal
    annual_interest_rate: Decimal
    channels: tuple[str, ...]
    deliveries: tuple[DeliveryRequest, ...]
    tasks: tuple[TaskRequest, ...]


@dataclass(frozen=True)
class ClaimDelivery(Command):
    """An outbox worker takes a delivery for `lease_s` seconds from `now` as its attempt number `attempt` (the
    attempts it read, plus one: a worker that read a stale count is refused)."""

    op: ClassVar[str] = "claimDelivery"
    customer_code: str
    delivery_id: str
    attempt: int
    worker: str
    now: datetime
    lease_s: int


@dataclass(frozen=True)
class RecordDeliveryOutcome(Command):
    """What an attempt achieved: delivered (with the receiver's reply), or failed (with the reason, and when to try
    again; None: never)."""

    op: ClassVar[str] = "recordDeliveryOutcome"
    customer_code: str
    delivery_id: str
    attempt: int
    delivered: bool
    detail: str
    retry_at: datetime | None
