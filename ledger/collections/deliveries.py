"""The outbox's decisions on a delivery (guard, then trigger): a worker's claim on it, and what its attempt
achieved."""

from __future__ import annotations

from datetime import timedelta

from ledger.account import CustomerAccount
from ledger.collections.delivery_events import Delivered, DeliveryAttempted, DeliveryFailed
from ledger.collections.notice_commands import ClaimDelivery, RecordDeliveryOutcome
from ledger.context import CommandContext
from ledger.errors import InvalidState, NotFound


def _delivery(account: CustomerAccount, delivery_id: str) -> dict:
    delivery = account.deliveries.get(delivery_id)
    if delivery is None:
        raise NotFound(f"customer {account.code} has no delivery {delivery_id}", ("deliveryId",))
    return delivery


def claim_delivery(account: CustomerAccount, command: ClaimDelivery, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (delivered, given up, waiting for its retry time, held by a live lease, or
    claimed since the worker read it)."""
    delivery = _delivery(account, command.delivery_id)
    status = delivery["status"]
    if status in ("DELIVERED", "FAILED"):
        raise InvalidState(f"delivery {command.delivery_id} is {status.lower()}", ("deliveryId",))
    if status == "RETRY" and delivery["retry_at"] > command.now:
        raise InvalidState(
            f"delivery {command.delivery_id} waits until {delivery['retry_at'].isoformat()}", ("deliveryId",)
        )
    if status == "SENDING" and delivery["lease_until"] > command.now:
        raise InvalidState(f"delivery {command.delivery_id} is being sent", ("deliveryId",))
    if command.attempt != delivery["attempts"] + 1:
        raise InvalidState(
            f"delivery {command.delivery_id} has had {delivery['attempts']} attempt(s): attempt "
            f"{command.attempt} is out of date",
            ("attempt",),
        )
    account.trigger_event(
        DeliveryAttempted,
        **context.event_meta(),
        delivery_id=command.delivery_id,
        attempt=command.attempt,
        worker=command.worker,
        lease_until=command.now + timedelta(seconds=command.lease_s),
    )


def record_delivery_outcome(account: CustomerAccount, command: RecordDeliveryOutcome, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (already delivered; a failure reported for an attempt that is not the latest).

    A success is recorded whichever attempt reports it (the message did go out); a failure only for the latest
    attempt, so a worker whose lease was taken over cannot undo the newer attempt."""
    delivery = _delivery(account, command.delivery_id)
    if delivery["status"] == "DELIVERED":
        raise InvalidState(f"delivery {command.delivery_id} is already delivered", ("deliveryId",))
    if command.attempt < 1 or command.attempt > delivery["attempts"]:
        raise InvalidState(f"delivery {command.delivery_id} has no attempt {command.attempt}", ("attempt",))
    if command.delivered:
        account.trigger_event(
            Delivered,
            **context.event_meta(),
            delivery_id=command.delivery_id,
            attempt=command.attempt,
            detail=command.detail,
        )
        return
    if command.attempt != delivery["attempts"] or delivery["status"] != "SENDING":
        raise InvalidState(
            f"delivery {command.delivery_id} attempt {command.attempt} is not the one in progress", ("attempt",)
        )
    account.trigger_event(
        DeliveryFailed,
        **context.event_meta(),
        delivery_id=command.delivery_id,
        attempt=command.attempt,
        reason=command.detail,
        retry_at=command.retry_at,
    )
