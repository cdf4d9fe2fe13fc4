"""Deliveries as events of the customer account: how arledger recorded the outbox before a delivery became an
aggregate of its own (`delivery.py`). Nothing records them any more; logs written then hold them, so the account
still folds them: `account.deliveries` keeps each one's request and state, from which `arledger migrate` adopts
the open ones into Delivery aggregates (`adoption.py`), and the read models fold them as before.

A delivery's life was the same: `DeliveryRequested` → `DeliveryAttempted` (a worker claims it, with a lease) →
`Delivered` or `DeliveryFailed` (with the reason, and when to try again, or never).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledger.account import CustomerAccount, register_events

Event = CustomerAccount.Event


class DeliveryRequested(Event):
    """A message to send (EMAIL, SMS or LETTER), recorded before any attempt, with exactly what it says."""

    TOPIC = "arledger:DeliveryRequested"
    delivery_id: str
    notice_id: str
    channel: str
    recipient: str | None  # None: no address on file (the delivery fails at once, named)
    subject: str
    body: str
    locale: str

    def apply(self, account: CustomerAccount) -> None:
        account.deliveries[self.delivery_id] = {
            "request": (self.notice_id, self.channel, self.recipient, self.subject, self.body, self.locale),
            "status": "PENDING",
            "attempts": 0,
            "retry_at": None,
            "lease_until": None,
        }


def _recorded(account: CustomerAccount, delivery_id: str) -> dict[str, Any]:
    """The state of a delivery recorded on the account (these events only ever follow its DeliveryRequested on the
    same account; a delivery in its own aggregate has None here and its events are the aggregate's)."""
    state = account.deliveries[delivery_id]
    assert state is not None, f"delivery {delivery_id} is not recorded on the account"
    return state


class DeliveryAttempted(Event):
    """A worker claimed the delivery: it holds it until `lease_until`."""

    TOPIC = "arledger:DeliveryAttempted"
    delivery_id: str
    attempt: int
    worker: str
    lease_until: datetime

    def apply(self, account: CustomerAccount) -> None:
        _recorded(account, self.delivery_id).update(
            status="SENDING", attempts=self.attempt, lease_until=self.lease_until
        )


class Delivered(Event):
    TOPIC = "arledger:Delivered"
    delivery_id: str
    attempt: int
    detail: str  # what the receiver said: the SMTP reply, the gateway's id, the letter's file

    def apply(self, account: CustomerAccount) -> None:
        _recorded(account, self.delivery_id).update(status="DELIVERED", lease_until=None)


class DeliveryFailed(Event):
    """An attempt failed: `retry_at` says when to try again, None that no attempt is left (or none can succeed)."""

    TOPIC = "arledger:DeliveryFailed"
    delivery_id: str
    attempt: int
    reason: str
    retry_at: datetime | None

    def apply(self, account: CustomerAccount) -> None:
        _recorded(account, self.delivery_id).update(
            status="RETRY" if self.retry_at else "FAILED", retry_at=self.retry_at, lease_until=None
        )


register_events(DeliveryRequested, DeliveryAttempted, Delivered, DeliveryFailed)
