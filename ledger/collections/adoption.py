"""Adopting a delivery an earlier version recorded on the customer's account (`arledger migrate`): a Delivery
aggregate that continues it, with the request and the state it reached there, so the outbox can go on with it.

The account is read, never changed: its events keep the delivery's past, the Delivery its future. A delivery
adopted already is a duplicate (the Delivery's id is uuid5 of the delivery id: two migrations racing collide in
the store and one commits), so running migrate again adopts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ledger.collections.delivery import OPEN, Delivery, delivery_aggregate_id
from ledger.commands import Command
from ledger.context import CommandContext
from ledger.errors import InvalidState, NotFound
from ledger.handlers import APPLIED, DUPLICATE, Outcome
from ledger.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AdoptAccountDelivery(Command):
    """Built by `arledger migrate` for each open delivery recorded on a customer's account."""

    op: ClassVar[str] = "adoptAccountDelivery"
    customer_code: str
    delivery_id: str


def adopt_account_delivery(uow: UnitOfWork, command: AdoptAccountDelivery, context: CommandContext) -> Outcome:
    """Applied when adopted, a duplicate when adopted before; raises NotFound (the customer, or no such delivery on
    its account), InvalidState (delivered or given up: nothing is left to send)."""
    account = uow.require_account(command.customer_code, "customerCode")
    recorded = account.deliveries.get(command.delivery_id)
    if recorded is None:  # None too for a delivery that was an aggregate of its own from the start
        raise NotFound(
            f"customer {command.customer_code} has no delivery {command.delivery_id} on its account", ("deliveryId",)
        )
    if uow.other(delivery_aggregate_id(command.delivery_id)) is not None:
        return Outcome(command.op, DUPLICATE, "delivery", command.delivery_id, account.code)
    if recorded["status"] not in OPEN:
        raise InvalidState(f"delivery {command.delivery_id} is {recorded['status'].lower()}", ("deliveryId",))
    notice_id, channel, recipient, subject, body, locale = recorded["request"]
    delivery = Delivery._create(
        Delivery.DeliveryRequested,
        id=delivery_aggregate_id(command.delivery_id),
        **context.event_meta(),
        customer_code=account.code,
        delivery_id=command.delivery_id,
        notice_id=notice_id,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        locale=locale,
        status=recorded["status"],
        attempts=recorded["attempts"],
        retry_at=recorded["retry_at"],
        lease_until=recorded["lease_until"],
        continues_account_delivery=True,
    )
    uow.add_other(delivery)
    return Outcome(command.op, APPLIED, "delivery", command.delivery_id, account.code)
