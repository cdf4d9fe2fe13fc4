"""The API's answer while the read models are halted at an event they cannot fold (projections/halt.py).

Never a 500 or a masked "Unexpected error.": a GraphQL error whose `extensions` carry `code: READ_MODELS_HALTED`,
`retryable: false` (an operator must act), the failing event's `position` and `eventType`, and `foldedThrough`,
the position the read models hold. The reason itself (a driver's words, perhaps) is for operators: /readyz and
the log show it.

- A query field that reads the read models is refused before it reads them: halted figures would look current.
  The fields that read the event log itself (history, replay, verify, digest, and documents with `knownAt`)
  answer as usual.
- A mutation still records its events (the log is the truth); if its answer needs the read models, the error
  says whether this request recorded anything and up to which position (`recordedPosition`), so the caller does
  not send it again blindly.
- HTTP 503 when the request recorded nothing; 200 when it recorded something (it was carried out).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from graphql import GraphQLError, GraphQLSchema

from graphql_api.context import catch_up_once
from projections.halt import Halt, ReadModelsHalted

CODE = "READ_MODELS_HALTED"
LOG_FIELDS = frozenset({"history", "replay", "verify", "digest"})  # read the event log, not the read models
TIME_TRAVEL_FIELDS = frozenset({"customer", "invoice", "payment", "creditNote"})  # from the log with `knownAt`
RECOVERY = (
    "an operator must fix the cause and run `arledger rebuild` (or restart the projection worker); "
    "until then the event log keeps every event, and history, replay and verify still answer"
)

# The log positions this request's saves reached, collected by an after-save hook (a list per request; None
# outside one). A request runs in one worker thread, which sees its copy of the request's context.
RECORDED: ContextVar[list[int] | None] = ContextVar("arledger_recorded", default=None)


def note_recorded(recordings: Any) -> None:
    """After-save hook: remember how far this request's own writes reached."""
    positions = RECORDED.get()
    if positions is not None and recordings:
        positions.append(max(recording.notification.id for recording in recordings))


def halt_of(error: GraphQLError) -> Halt | None:
    original = error.original_error
    return original.halt if isinstance(original, ReadModelsHalted) else None


def halted(error: GraphQLError) -> bool:
    return halt_of(error) is not None


def as_halted(error: GraphQLError, mutation: bool) -> GraphQLError:
    """The caller's view of the halt: where the read models stopped and what that means for this request."""
    halt = halt_of(error)
    assert halt is not None
    extensions: dict[str, Any] = {
        "code": CODE,
        "retryable": False,
        "position": halt.position,
        "eventType": halt.event_type,
        "foldedThrough": halt.folded_through,
    }
    message = (
        f"the read models are halted at log position {halt.position} ({halt.event_type}): folding that event "
        f"failed, so they hold the books only up to position {halt.folded_through}; {RECOVERY}"
    )
    recorded = RECORDED.get()
    if mutation and recorded is not None:
        if recorded:
            extensions["recordedPosition"] = max(recorded)
            message = (
                f"recorded (up to log position {max(recorded)}; do not send it again), but the answer needs "
                f"the read models, and {message}"
            )
        else:
            message = f"nothing was recorded: this operation needs the read models, and {message}"
    return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=extensions)


def needs_read_models(field: str, arguments: dict[str, Any]) -> bool:
    if field in LOG_FIELDS:
        return False
    return not (field in TIME_TRAVEL_FIELDS and arguments.get("knownAt") is not None)


def _guarded(field: str, resolve: Callable[..., Any]) -> Callable[..., Any]:
    def resolver(source: Any, info: Any, **arguments: Any) -> Any:
        if needs_read_models(field, arguments):
            # Up to the end of the log, once per operation. While halted it raises ReadModelsHalted at once, or
            # after trying the fold again when this process's backoff allows: a process deployed with a fixed fold
            # clears the halt at its first such query.
            catch_up_once(info.context)
        return resolve(source, info, **arguments)

    return resolver


def guard_query_fields(schema: GraphQLSchema) -> None:
    """Before every root query field that reads the read models: bring them up to the end of the log (once per
    operation), which refuses the field while they are halted."""
    for name, field in (schema.query_type.fields if schema.query_type else {}).items():
        if field.resolve is not None:
            field.resolve = _guarded(name, field.resolve)
