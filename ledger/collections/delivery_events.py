"""Deliveries on the customer account: the messages of dunning notices and statements, sent through the outbox.

A delivery's life: `DeliveryRequested` (recorded with the notice, before anything is sent) → `DeliveryAttempted`
(a worker claims it, with a lease) → `Delivered` or `DeliveryFailed` (with the reason, and when to try again, or
never). An attempt whose lease ran out without an outcome is in doubt: it is attempted again under the same
message id, so receivers that deduplicate by it see it once. Guards live in `ledger/collections/deliveries.py`.
"""

from __future__ import annotations

from datetime import datetime

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
            "status": "PENDING",
            "attempts": 0,
            "retry_at": None,
            "lease_until": None,
        }


class DeliveryAttempted(Event):
    """A worker claimed the delivery: it holds it until `lease_until`."""

    TOPIC = "arledger:DeliveryAttempted"
    delivery_id: str
    attempt: int
    worker: str
    lease_until: datetime

    def apply(self, account: CustomerAccount) -> None:
        account.deliveries[self.delivery_id].update(
            status="SENDING", attempts=self.attempt, lease_until=self.lease_until
        )


class Delivered(Event):
    TOPIC = "arledger:Delivered"
    delivery_id: str
    attempt: int
    detail: str  # what the receiver said: the SMTP reply, the gateway's id, the letter's file

    def apply(self, account: CustomerAccount) -> None:
        account.deliveries[self.delivery_id].update(status="DELIVERED", lease_until=None)


class DeliveryFailed(Event):
    """An attempt failed: `retry_at` says when to try again, None that no attempt is left (or none can succeed)."""

    TOPIC = "arledger:DeliveryFailed"
    delivery_id: str
    attempt: int
    reason: str
    retry_at: datetime | None

    def apply(self, account: CustomerAccount) -> None:
        account.deliveries[self.delivery_id].update(
            status="RETRY" if self.retry_at else "FAILED", retry_at=self.retry_at, lease_until=None
        )


register_events(DeliveryRequested, DeliveryAttempted, Delivered, DeliveryFailed)
