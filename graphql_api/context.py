"""Per-request context: the ledger, the caller (from the bearer token), and the role checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError
from strawberry.types import Info

from arledger.wiring import Ledger
from ledger.context import CommandContext
from graphql_api.loaders import Loaders
from graphql_api.tokens import Principal, TokenStore

EVERYONE = ("admin", "accountant", "collector", "auditor", "customer")
STAFF = ("admin", "accountant", "collector", "auditor")


@dataclass
class Context:
    """One per HTTP request (its loaders cache what this request read); a websocket connection keeps one for its
    life, so subscription fields must not read through the loaders."""

    ledger: Ledger
    tokens: TokenStore
    principal: Principal | None
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None  # a websocket's connection_init payload
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.ledger.database, self.ledger.app)


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def authorize(context: Context, what: str, roles: tuple[str, ...] = EVERYONE) -> Principal:
    """The authenticated caller if its role may use `what`; UNAUTHENTICATED / FORBIDDEN errors otherwise."""
    principal = context.principal
    if principal is None:
        raise _error("missing or unknown bearer token: send Authorization: Bearer <token>", "UNAUTHENTICATED")
    if principal.role not in roles:
        raise _error(f"{what} is for the {', '.join(roles)} role(s), not {principal.role}", "FORBIDDEN")
    return principal


def caller(info: Info, roles: tuple[str, ...] = EVERYONE) -> Principal:
    """The authenticated caller of the field being resolved, if its role is allowed."""
    return authorize(info.context, info.field_name, roles)


def may_see(info: Info, customer_code: str) -> bool:
    """Staff see every customer; a customer token sees only its own."""
    return caller(info).may_see(customer_code)


IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 200
# Operations without a number whose events remember the key (numbered documents are recognised by their number;
# the rest — assessments, alert and statement answers, bank decisions — are refused as already done on a repeat).
KEYED_OPERATIONS = frozenset({
    "changeCreditLimit", "placeCreditHold", "releaseCreditHold", "voidInvoice", "writeOffInvoice",
    "recordDunningAction", "recordPromiseToPay", "openDispute", "resolveDispute", "allocatePayment",
    "reversePayment", "allocateCreditNote", "setDunningPolicy", "recordCollectionOutcome"})


def command_context(info: Info, principal: Principal, command: Any = None) -> CommandContext:
    """The operation's context. With an `Idempotency-Key` header, a keyed operation sent again with the same key
    and the same content is recognised as the one already recorded. The key is scoped to the caller's token, to the
    field's place in the document, and to the operation and its content: reused for anything else, it does not
    stand for an operation that was not recorded (it is a new one)."""
    request = info.context.request
    key = request.headers.get(IDEMPOTENCY_HEADER) if request is not None else None
    if key is None:
        return CommandContext(actor=principal.actor)
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise _error(f"the {IDEMPOTENCY_HEADER} header must be 1 to {MAX_IDEMPOTENCY_KEY} printable characters",
                     "VALIDATION")
    if command is None or command.op not in KEYED_OPERATIONS:
        return CommandContext(actor=principal.actor)
    return CommandContext(actor=principal.actor,
                          operation_key=f"{principal.key_scope}|{key}|{info.path.key}|{command.fingerprint()}")


def scoped_customer(context: Context, what: str, customer_code: str | None) -> str | None:
    """The customer filter a caller may use: staff any (or none), a customer token only its own."""
    principal = authorize(context, what)
    if principal.role != "customer":
        return customer_code
    if customer_code is not None and not principal.may_see(customer_code):
        raise _error("a customer token can only ask about its own customer", "FORBIDDEN")
    return principal.customer_code


def require_customer_scope(info: Info, customer_code: str | None) -> None:
    if not caller(info).may_see(customer_code):
        raise _error("a customer token can only ask about its own customer", "FORBIDDEN")
