"""Per-request context: the ledger, the caller (from the bearer token), the role checks, which ask the one
table of role rules (graphql_api/permissions.py), and the one catch-up of the read models before an operation's
first read of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from graphql_api import permissions
from graphql_api.loaders import Loaders
from graphql_api.tokens import Principal, TokenStore
from ledger.context import CommandContext
from ledger.operations import KEYED_OPERATIONS
from ledger.roles import CUSTOMER
from services.books import Ledger


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
    token: str | None = None  # the bearer token the principal came from (a subscription re-checks it)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.ledger.database, self.ledger.app)


# Whether the running operation has brought the read models up to the end of the log: a list per operation, empty
# until it has (None outside an operation: every catch-up then runs). Per operation, not per Context: a websocket
# connection keeps one Context for all the operations it runs.
CAUGHT_UP: ContextVar[list[bool] | None] = ContextVar("arledger_caught_up", default=None)


@contextmanager
def one_catch_up() -> Iterator[None]:
    """Within this block, `catch_up_once` catches up at most once (successfully)."""
    token = CAUGHT_UP.set([])
    try:
        yield
    finally:
        CAUGHT_UP.reset(token)


class CatchUpOncePerOperation(SchemaExtension):
    """Each operation (an HTTP request's, or each one a websocket runs) opens its own `one_catch_up` block."""

    def on_operation(self) -> Iterator[None]:
        with one_catch_up():
            yield


def catch_up_once(context: Context) -> None:
    """Bring the read models up to the end of the log before the operation's first read of them; later reads in the
    same operation see the same books without asking again. Called before every root query field that reads them
    (graphql_api/http/halted.py) and by the direct report path: resolvers never decide it themselves. (A mutation
    reads its own write back after catching up to that write's position.) Raises ReadModelsHalted while they are
    halted (trying the fold again when this process's backoff allows); a catch-up that raised is tried again by the
    next field."""
    done = CAUGHT_UP.get()
    if done:
        return
    context.ledger.runner.catch_up()
    if done is not None:
        done.append(True)


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def authenticated(context: Context) -> Principal:
    """The authenticated caller; UNAUTHENTICATED otherwise."""
    if context.principal is None:
        raise _error("missing or unknown bearer token: send Authorization: Bearer <token>", "UNAUTHENTICATED")
    return context.principal


def authorize(context: Context, field: str, kind: str = "Query") -> Principal:
    """The authenticated caller if the permissions table lets its role run root field `field` of `kind`;
    UNAUTHENTICATED / FORBIDDEN errors otherwise."""
    principal = authenticated(context)
    roles = permissions.roles_for(kind, field)
    if principal.role not in roles:
        raise _error(f"{field} is for the {', '.join(roles)} role(s), not {principal.role}", "FORBIDDEN")
    return principal


def caller(info: Info) -> Principal:
    """The authenticated caller of the root field being resolved, if the permissions table allows its role."""
    assert info.path.typename is not None, "a root field's path names its type (Query, Mutation, Subscription)"
    return authorize(info.context, info.field_name, info.path.typename)


def authorize_inputs(info: Info, principal: Principal, data: dict[str, Any]) -> None:
    """FORBIDDEN when the caller gave an input field the permissions table keeps for other roles."""
    for name, roles in permissions.input_rules(info.field_name):
        if data.get(name) is not None and principal.role not in roles:
            raise _error(
                f"{info.field_name}: input {name} is for the {', '.join(roles)} role(s), not {principal.role}",
                "FORBIDDEN",
            )


def may_see(info: Info, customer_code: str) -> bool:
    """Staff see every customer; a customer token sees only its own."""
    return caller(info).may_see(customer_code)


IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 200


def command_context(info: Info, principal: Principal, command: Any = None) -> CommandContext:
    """The operation's context. With an `Idempotency-Key` header, a keyed operation sent again with the same key
    and the same content is recognised as the one already recorded. The key is scoped to the caller's token, to the
    field's place in the document, and to the operation and its content: reused for anything else, it does not
    stand for an operation that was not recorded (it is a new one). Which operations are keyed, their
    declarations say (numbered documents are recognised by their number; the rest — assessments, alert and statement
    answers, bank decisions — are refused as already done on a repeat)."""
    request = info.context.request
    key = request.headers.get(IDEMPOTENCY_HEADER) if request is not None else None
    if key is None:
        return CommandContext(actor=principal.actor)
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise _error(
            f"the {IDEMPOTENCY_HEADER} header must be 1 to {MAX_IDEMPOTENCY_KEY} printable characters", "VALIDATION"
        )
    if command is None or command.op not in KEYED_OPERATIONS:
        return CommandContext(actor=principal.actor)
    return CommandContext(
        actor=principal.actor, operation_key=f"{principal.key_scope}|{key}|{info.path.key}|{command.fingerprint()}"
    )


def scoped_customer(context: Context, what: str, customer_code: str | None, kind: str = "Query") -> str | None:
    """The customer filter a caller of root field `what` may use: staff any (or none), a customer token only its
    own."""
    principal = authorize(context, what, kind)
    if principal.role != CUSTOMER:
        return customer_code
    if customer_code is not None and not principal.may_see(customer_code):
        raise _error("a customer token can only ask about its own customer", "FORBIDDEN")
    return principal.customer_code


def require_customer_scope(info: Info, customer_code: str | None) -> None:
    if not caller(info).may_see(customer_code):
        raise _error("a customer token can only ask about its own customer", "FORBIDDEN")
