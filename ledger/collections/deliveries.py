"""The outbox's decisions on a delivery (guard, then trigger): a new delivery for a notice or statement, a worker's
claim on it, and what its attempt achieved. Claims and outcomes load and change the Delivery aggregate only."""

from __future__ import annotations

from datetime import timedelta

from ledger.collections.delivery import Delivery, delivery_aggregate_id
from ledger.collections.notice_commands import ClaimDelivery, DeliveryRequest, RecordDeliveryOutcome
from ledger.context import CommandContext
from ledger.errors import InvalidState, NotFound
from ledger.unit_of_work import UnitOfWork


def new_delivery(customer_code: str, source_id: str, request: DeliveryRequest, context: CommandContext) -> Delivery:
    """The Delivery a notice or statement (`source_id`) asks for, to be saved with it (its caller has checked that
    the customer has no delivery of that id)."""
    return Delivery._create(
        Delivery.DeliveryRequested,
        id=delivery_aggregate_id(request.delivery_id),
        **context.event_meta(),
        customer_code=customer_code,
        delivery_id=request.delivery_id,
        notice_id=source_id,
        channel=request.channel,
        recipient=request.recipient,
        subject=request.subject,
        body=request.body,
        locale=request.locale,
        status="PENDING",
        attempts=0,
        retry_at=None,
        lease_until=None,
        continues_account_delivery=False,
    )


def find_delivery(uow: UnitOfWork, command: ClaimDelivery | RecordDeliveryOutcome) -> Delivery:
    """The customer's delivery the command names. Raises NotFound (the customer, or its delivery); InvalidState for
    a delivery an earlier version recorded on the customer's account that `arledger migrate` has not adopted yet
    (the account is read only when the delivery is not found)."""
    delivery: Delivery | None = uow.other(delivery_aggregate_id(command.delivery_id))
    if delivery is not None and delivery.customer_code == command.customer_code:
        return delivery
    account = uow.require_account(command.customer_code, "customerCode")
    if delivery is None and account.deliveries.get(command.delivery_id) is not None:
        raise InvalidState(
            f"delivery {command.delivery_id} was recorded on customer {command.customer_code}'s account by an "
            "earlier version of arledger: run `arledger migrate` to hand it to the outbox",
            ("deliveryId",),
        )
    raise NotFound(f"customer {command.customer_code} has no delivery {command.delivery_id}", ("deliveryId",))


def claim_delivery(delivery: Delivery, command: ClaimDelivery, context: CommandContext) -> None:
    """Raises InvalidState (delivered, given up, waiting for its retry time, held by a live lease, or claimed
    since the worker read it)."""
    status = delivery.status
    if status in ("DELIVERED", "FAILED"):
        raise InvalidState(f"delivery {command.delivery_id} is {status.lower()}", ("deliveryId",))
    retry_at, lease_until = delivery.retry_at, delivery.lease_until
    if status == "RETRY" and retry_at is not None and retry_at > command.now:  # a RETRY always has its time
        raise InvalidState(f"delivery {command.delivery_id} waits until {retry_at.isoformat()}", ("deliveryId",))
    if status == "SENDING" and lease_until is not None and lease_until > command.now:  # as has a SENDING its lease
        raise InvalidState(f"delivery {command.delivery_id} is being sent", ("deliveryId",))
    if command.attempt != delivery.attempts + 1:
        raise InvalidState(
            f"delivery {command.delivery_id} has had {delivery.attempts} attempt(s): attempt "
            f"{command.attempt} is out of date",
            ("attempt",),
        )
    delivery.trigger_event(
        Delivery.DeliveryAttempted,
        **context.event_meta(),
        delivery_id=command.delivery_id,
        attempt=command.attempt,
        worker=command.worker,
        lease_until=command.now + timedelta(seconds=command.lease_s),
    )


def record_delivery_outcome(delivery: Delivery, command: RecordDeliveryOutcome, context: CommandContext) -> None:
    """Raises InvalidState (already delivered; a failure reported for an attempt that is not the latest).

    A success is recorded whichever attempt reports it (the message did go out); a failure only for the latest
    attempt, so a worker whose lease was taken over cannot undo the newer attempt."""
    if delivery.status == "DELIVERED":
        raise InvalidState(f"delivery {command.delivery_id} is already delivered", ("deliveryId",))
    if command.attempt < 1 or command.attempt > delivery.attempts:
        raise InvalidState(f"delivery {command.delivery_id} has no attempt {command.attempt}", ("attempt",))
    if command.delivered:
        delivery.trigger_event(
            Delivery.Delivered,
            **context.event_meta(),
            delivery_id=command.delivery_id,
            attempt=command.attempt,
            detail=command.detail,
        )
        return
    if command.attempt != delivery.attempts or delivery.status != "SENDING":
        raise InvalidState(
            f"delivery {command.delivery_id} attempt {command.attempt} is not the one in progress", ("attempt",)
        )
    delivery.trigger_event(
        Delivery.DeliveryFailed,
        **context.event_meta(),
        delivery_id=command.delivery_id,
        attempt=command.attempt,
        reason=command.detail,
        retry_at=command.retry_at,
    )
