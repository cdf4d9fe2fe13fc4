"""One declaration per operation (`Operation`): everything the rest of the tree derives an operation's plumbing
from — its name, command type and strict parser, its decision and how the handler finds what it decides on, whether
an operation key makes retries duplicates, who may run it, and how the generic GraphQL mutation answers.

Each feature declares its operations in `ledger/<feature>/operations.py`; `ledger/operations.py` collects them and
derives the parsers of import lines and GraphQL inputs, the handlers and their prefetch, the keyed operations, the
mutation part of the permissions table and the generic GraphQL mutations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Union

from ledger.commands import Command
from ledger.inputs import Reader


@dataclass(frozen=True)
class ByCustomer:
    """The account of the customer the command's `customer_code` names (NOT_FOUND on customerCode otherwise). The
    outcome reports `kind` with the command's `key` attribute as what was affected: the customer itself, or one
    of its notices, tasks, statements or deliveries."""

    kind: str = "customer"
    key: str = "customer_code"


@dataclass(frozen=True)
class ByDocument:
    """The account owning the document of `kind` whose number the command's `attribute` holds (NOT_FOUND on that
    field otherwise)."""

    kind: str
    attribute: str


@dataclass(frozen=True)
class NewDocument:
    """The command creates a document under its global natural key (`Command.natural_key`) for the customer it
    names: sent again with the same content it is a duplicate; other content under the number is refused, naming
    the input `field`. `documents` is the account's attribute holding such documents by number."""

    field: str
    documents: str


@dataclass(frozen=True)
class ByAggregate:
    """An aggregate of its own that belongs to a customer (a delivery), which `find(uow, command)` loads, raising
    NotFound itself; only that aggregate is read and changed. The outcome reports `kind` with the command's `key`
    attribute, and the aggregate's `customer_code`."""

    kind: str
    key: str
    find: Callable[[Any, Any], Any]


@dataclass(frozen=True)
class OwnHandler:
    """The decision takes the unit of work itself and returns the Outcome: registering a new account, or deciding on
    a bank line (an aggregate of its own)."""


Locator = Union[ByCustomer, ByDocument, ByAggregate, NewDocument, OwnHandler]


@dataclass(frozen=True)
class Payload:
    """How the generic GraphQL mutation answers: the payload field holding the affected object (customer, invoice,
    payment, creditNote: graphql_api/documents/mutations.py) and the input key naming it."""

    field: str
    key: str


@dataclass(frozen=True)
class Operation:
    """One operation of the ledger, declared once.

    `parse` is None for operations a service builds from what it computed (a dunning run's notices, the outbox's
    claims), which no caller's input reaches. `keyed`: the operation's events remember the operation key, so an
    import line run again, or a GraphQL retry with the same Idempotency-Key, is recognised as a duplicate (numbered
    documents are recognised by their number instead). `roles`: who may run it over GraphQL (empty: no caller runs
    it directly); `input_roles`: input fields only narrower roles may give a value. `payload`: set when the generic
    GraphQL mutation serves it (then graphql_api/documents/inputs.py has its `<Name>Input`)."""

    name: str
    command: type[Command]
    decide: Callable[..., Any]
    locate: Locator
    parse: Callable[[Reader], Command] | None = None
    keyed: bool = False
    roles: tuple[str, ...] = ()
    input_roles: tuple[tuple[str, tuple[str, ...]], ...] = ()
    payload: Payload | None = None
