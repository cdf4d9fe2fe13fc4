"""A delivery as an aggregate of its own: one message of a dunning notice or a statement, sent through the outbox.

Its id is uuid5 of the delivery id, so a delivery is created once. It is created in the same transaction as the
notice (or statement) that asks for it, and from then on the outbox's claims and outcomes change only it: a busy
customer's invoices and payments never compete with its outbox under optimistic concurrency.

Its life: `DeliveryRequested` → `DeliveryAttempted` (a worker claims it, with a lease) → `Delivered` or
`DeliveryFailed` (with the reason, and when to try again, or never). The events keep the class names of the
account events that recorded deliveries before (`delivery_events.py`), so history and the live stream name them as
they always did; their topics are their own. A `DeliveryRequested` that `continues_account_delivery` adopts a
delivery an earlier version recorded on the customer's account (`arledger migrate`), with the state it had
reached there. Guards live in `ledger/collections/deliveries.py`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate

from ledger.account import NAMESPACE

OPEN = ("PENDING", "SENDING", "RETRY")  # states the outbox goes on with


@lru_cache(maxsize=65536)
def delivery_aggregate_id(delivery_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"delivery:{delivery_id}")


class Delivery(Aggregate):
    """A message to send (EMAIL, SMS or LETTER) for a customer, with its state in the outbox."""

    TOPIC = "arledger:Delivery"

    class Event(Aggregate.Event):
        TOPIC = "arledger:Delivery.Event"
        actor: str
        correlation_id: str
        delivery_id: str

    class DeliveryRequested(Event, Aggregate.Created):
        """What the message says, recorded before any attempt; for a new request the state is PENDING with no
        attempt, for an adopted one the state it reached on the account."""

        TOPIC = "arledger:Delivery.DeliveryRequested"
        customer_code: str
        notice_id: str  # the notice or statement the message carries
        channel: str
        recipient: str | None  # None: no address on file (the delivery fails at once, named)
        subject: str
        body: str
        locale: str
        status: str
        attempts: int
        retry_at: datetime | None
        lease_until: datetime | None
        continues_account_delivery: bool

        def apply(self, delivery: Delivery) -> None:
            delivery.customer_code, delivery.delivery_id = self.customer_code, self.delivery_id
            delivery.status, delivery.attempts = self.status, self.attempts
            delivery.retry_at, delivery.lease_until = self.retry_at, self.lease_until

    Created = DeliveryRequested

    class DeliveryAttempted(Event):
        """A worker claimed the delivery: it holds it until `lease_until`."""

        TOPIC = "arledger:Delivery.DeliveryAttempted"
        attempt: int
        worker: str
        lease_until: datetime

        def apply(self, delivery: Delivery) -> None:
            delivery.status, delivery.attempts, delivery.lease_until = "SENDING", self.attempt, self.lease_until

    class Delivered(Event):
        TOPIC = "arledger:Delivery.Delivered"
        attempt: int
        detail: str  # what the receiver said: the SMTP reply, the gateway's id, the letter's file

        def apply(self, delivery: Delivery) -> None:
            delivery.status, delivery.lease_until = "DELIVERED", None

    class DeliveryFailed(Event):
        """An attempt failed: `retry_at` says when to try again, None that no attempt is left (or none can
        succeed)."""

        TOPIC = "arledger:Delivery.DeliveryFailed"
        attempt: int
        reason: str
        retry_at: datetime | None

        def apply(self, delivery: Delivery) -> None:
            delivery.status = "RETRY" if self.retry_at else "FAILED"
            delivery.retry_at, delivery.lease_until = self.retry_at, None

    if TYPE_CHECKING:  # set by the events above (annotations at run time would make the library generate __init__)
        customer_code: str
        delivery_id: str
        status: str  # PENDING, SENDING, RETRY, DELIVERED, FAILED
        attempts: int  # made so far
        retry_at: datetime | None  # when a RETRY is due
        lease_until: datetime | None  # while SENDING
