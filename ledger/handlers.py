"""What an accepted operation did (`Outcome`), and the handler each kind of declaration gets: find the account (by
customer code or by a document's number) or the aggregate of its own it decides on, treat retries of the same
operation as duplicates, claim natural keys, and add the aggregates a decision creates to the unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.account import CustomerAccount
from ledger.command_text import camel
from ledger.context import CommandContext
from ledger.errors import Duplicate
from ledger.operation import ByAggregate, ByCustomer, ByDocument, NewDocument, Operation, OwnHandler
from ledger.unit_of_work import UnitOfWork

APPLIED = "applied"
DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Outcome:
    """What an accepted operation did: applied, or recognised as a duplicate of one already recorded."""

    op: str
    status: str
    subject_type: str  # customer, invoice, payment, credit_note, notice, delivery, task, statement, bank_line
    subject_id: str  # the affected object's code, number or reference
    customer_code: str
    position: int | None = None  # the log position by which the events are saved (None: nothing was written)


Handler = Callable[[UnitOfWork, Any, CommandContext], Outcome]


def handler(operation: Operation) -> Handler:
    """The handler of a declared operation: its decision wrapped in what its locator says."""
    locate = operation.locate
    if isinstance(locate, OwnHandler):
        return operation.decide
    if isinstance(locate, NewDocument):
        return _new_document(locate, operation.decide)
    if isinstance(locate, ByAggregate):
        return _on_aggregate(locate, operation.decide)
    return _keyless(locate, operation.decide)


def _new_document(locate: NewDocument, decide: Callable[..., None]) -> Handler:
    """A handler for an operation that creates a document under a global natural key."""

    def handle(uow: UnitOfWork, command: Any, context: CommandContext) -> Outcome:
        kind, number = command.natural_key()
        owner = uow.owner(kind, number)
        if owner is not None:
            account = uow.account(owner)
            assert account is not None
            documents = getattr(account, locate.documents)
            if owner == command.customer_code and documents[number].fingerprint == command.fingerprint():
                return Outcome(command.op, DUPLICATE, kind, number, owner)
            raise Duplicate(f"{kind.replace('_', ' ')} {number} already exists with different content", (locate.field,))
        account = uow.require_account(command.customer_code, "customerCode")
        decide(account, command, context)
        uow.claim(kind, number, account.code, context)
        return Outcome(command.op, APPLIED, kind, number, account.code)

    return handle


def _keyless(locate: ByCustomer | ByDocument, decide: Callable[..., Any]) -> Handler:
    """A handler for an operation without a natural key; its operation key (if any) makes retries duplicates. The
    decision may return aggregates it created (a notice's deliveries)."""
    find = _finder(locate)
    kind = locate.kind
    key_attribute = locate.key if isinstance(locate, ByCustomer) else locate.attribute

    def handle(uow: UnitOfWork, command: Any, context: CommandContext) -> Outcome:
        account = find(uow, command)
        key = getattr(command, key_attribute)
        if context.operation_key is not None and context.operation_key in account.operation_keys:
            return Outcome(command.op, DUPLICATE, kind, key, account.code)
        for created in decide(account, command, context) or ():  # saved with the account, in one transaction
            uow.add_other(created)
        return Outcome(command.op, APPLIED, kind, key, account.code)

    return handle


def _on_aggregate(locate: ByAggregate, decide: Callable[..., None]) -> Handler:
    """A handler for an operation on an aggregate of the customer's other than its account (a delivery)."""

    def handle(uow: UnitOfWork, command: Any, context: CommandContext) -> Outcome:
        aggregate = locate.find(uow, command)
        decide(aggregate, command, context)
        return Outcome(command.op, APPLIED, locate.kind, getattr(command, locate.key), aggregate.customer_code)

    return handle


def _finder(locate: ByCustomer | ByDocument) -> Callable[[UnitOfWork, Any], CustomerAccount]:
    if isinstance(locate, ByCustomer):
        return lambda uow, command: uow.require_account(command.customer_code, "customerCode")
    kind, attribute, field = locate.kind, locate.attribute, camel(locate.attribute)
    return lambda uow, command: uow.account_owning(kind, getattr(command, attribute), field)
