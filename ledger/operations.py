"""Every operation of the ledger, collected from the features' declarations (`ledger/<feature>/operations.py`),
and what is derived from them: the strict parsers shared by import lines and GraphQL (so both refuse the same
inputs with the same messages), the handler of each command and what a batch prefetches for it, the keyed
operations, and for the GraphQL side the roles of each mutation and the operations its generic mutation serves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ledger.bank.operations import OPERATIONS as BANK
from ledger.collections.operations import OPERATIONS as COLLECTIONS
from ledger.command_text import check_command_text
from ledger.commands import Command
from ledger.context import CommandContext
from ledger.credit.operations import OPERATIONS as CREDIT
from ledger.customers.operations import OPERATIONS as CUSTOMERS
from ledger.errors import ValidationError
from ledger.handlers import Handler, Outcome, handler
from ledger.inputs import Reader
from ledger.invoicing.operations import OPERATIONS as INVOICING
from ledger.operation import ByAggregate, ByDocument, Locator, Operation, Payload
from ledger.payments.operations import OPERATIONS as PAYMENTS
from ledger.risk.operations import OPERATIONS as RISK
from ledger.statements.operations import OPERATIONS as STATEMENTS
from ledger.unit_of_work import UnitOfWork

OPERATIONS: tuple[Operation, ...] = (
    *CUSTOMERS,
    *CREDIT,
    *INVOICING,
    *COLLECTIONS,
    *PAYMENTS,
    *RISK,
    *STATEMENTS,
    *BANK,
)
BY_NAME: dict[str, Operation] = {operation.name: operation for operation in OPERATIONS}
if len(BY_NAME) != len(OPERATIONS):  # checked under python -O too: a name would route to the wrong operation
    raise AssertionError("two operations share a name")

PARSERS: dict[str, Callable[[Reader], Command]] = {op.name: op.parse for op in OPERATIONS if op.parse is not None}
# Operations whose events remember the operation key (by the command's own operation name).
KEYED_OPERATIONS = frozenset(operation.command.op for operation in OPERATIONS if operation.keyed)
# (operation, how it answers) for the operations the generic GraphQL mutation serves.
GENERIC_MUTATIONS: tuple[tuple[str, Payload], ...] = tuple(
    (operation.name, operation.payload) for operation in OPERATIONS if operation.payload is not None
)


def _by_command(operations: tuple[Operation, ...]) -> dict[type, Operation]:
    """The declaration deciding each command type (two operations may share one: confirm and dispute a statement
    are one answer)."""
    found: dict[type, Operation] = {}
    for operation in operations:
        other = found.setdefault(operation.command, operation)
        if (other.decide, other.locate) != (operation.decide, operation.locate):
            raise AssertionError(f"{operation.name} and {other.name} decide one command differently")
    return found


_DECLARED = _by_command(OPERATIONS)
HANDLERS: dict[type, Handler] = {command: handler(operation) for command, operation in _DECLARED.items()}
_LOCATORS: dict[type, Locator] = {command: operation.locate for command, operation in _DECLARED.items()}


def parse_command(op: object, data: object) -> Command:
    """The typed command for an operation name and its input; ValidationError naming the field otherwise."""
    if not isinstance(op, str) or op not in PARSERS:
        raise ValidationError(f"unknown operation {op!r}; expected one of {', '.join(PARSERS)}", ("op",))
    reader = Reader(data)
    command = PARSERS[op](reader)
    reader.done()
    return command


C = TypeVar("C", bound=Command)


def parse_as(command_type: type[C], op: str, data: object) -> C:
    """`parse_command` for a caller that knows which command the operation parses to (and says so to the type
    checker): the declaration's command type, checked."""
    command = parse_command(op, data)
    assert isinstance(command, command_type), f"{op} parses to {type(command).__name__}, not {command_type.__name__}"
    return command


def references(command: Command) -> list[tuple[str, str]]:
    """The ("customer", code) and (kind, number) names a command will load, for prefetching a batch (none for an
    operation on an aggregate of its own: it must not read the customer's account)."""
    locate = _LOCATORS[type(command)]
    if isinstance(locate, ByAggregate):
        return []
    named: list[tuple[str, str]] = []
    key = command.natural_key()
    if key is not None:
        named.append(key)
    code = getattr(command, "customer_code", None)
    if code is not None:
        named.append(("customer", code))
    if isinstance(locate, ByDocument):
        named.append((locate.kind, getattr(command, locate.attribute)))
    return named


def handle(uow: UnitOfWork, command: Command, context: CommandContext) -> Outcome:
    """Decide one command inside a unit of work; raises a LedgerError before changing anything on refusal."""
    check_command_text(command, context)
    return HANDLERS[type(command)](uow, command, context)


def mutation_roles() -> dict[str, tuple[str, ...]]:
    """Who may run each operation a GraphQL mutation of the same name serves."""
    return {operation.name: operation.roles for operation in OPERATIONS if operation.roles}


def input_roles() -> dict[tuple[str, str], tuple[str, ...]]:
    """(operation, input field) -> the roles that may give that field a value."""
    return {(operation.name, name): roles for operation in OPERATIONS for name, roles in operation.input_roles}
