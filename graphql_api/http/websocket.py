"""The websocket endpoint's guard: every graphql-transport-ws message is checked for shape before strawberry
handles it, so that a client's malformed message closes its connection with 4400 and a reason (as the protocol
says) instead of a server-side TypeError, and a subscription whose document does not parse is answered with an
`error` message instead of a logged traceback and a bare `complete`.

Only graphql-transport-ws is spoken (what GraphiQL and the `graphql-ws` client library use); the older
subscriptions-transport-ws protocol (`graphql-ws` subprotocol) is refused at the handshake.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, parse
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler

from graphql_api.http.limits import MAX_QUERY_TOKENS

MAX_OPERATION_ID_CHARS = 128
MESSAGE_TYPES = ("connection_init", "ping", "pong", "subscribe", "complete")
OPTIONAL_OBJECTS = ("variables", "extensions")


def _kind(value: Any) -> str:
    return {
        type(None): "null",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def message_problem(message: Any) -> str | None:
    """Why a message is malformed (short: it becomes a close reason, at most 123 bytes), or None."""
    if not isinstance(message, dict):
        return f"a message must be a JSON object, not {_kind(message)}"
    kind = message.get("type")
    if kind not in MESSAGE_TYPES:
        return f"unknown message type {str(kind)[:40]!r}" if isinstance(kind, str) else "a message needs a type"
    if "payload" in message and message["payload"] is not None and not isinstance(message["payload"], dict):
        return f"{kind} payload must be an object, not {_kind(message['payload'])}"
    if kind not in ("subscribe", "complete"):
        return None
    identifier = message.get("id")
    if not isinstance(identifier, str) or not 1 <= len(identifier) <= MAX_OPERATION_ID_CHARS:
        return f"{kind} needs an id of 1 to {MAX_OPERATION_ID_CHARS} characters"
    if kind == "complete":
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return "subscribe payload needs a query string"
    if payload.get("operationName") is not None and not isinstance(payload["operationName"], str):
        return "subscribe operationName must be a string"
    for name in OPTIONAL_OBJECTS:
        if payload.get(name) is not None and not isinstance(payload[name], dict):
            return f"subscribe {name} must be an object, not {_kind(payload[name])}"
    return None


class CheckedTransportWS(BaseGraphQLTransportWSHandler[Any, None]):
    """strawberry's graphql-transport-ws handler behind the message checks above (the view, LedgerGraphQL, gives
    the token limit a document is parsed under)."""

    async def handle_message(self, message: Any) -> None:
        problem = message_problem(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        if message["type"] == "subscribe" and self.connection_acknowledged and message["id"] not in self.operations:
            try:
                parse(message["payload"]["query"], max_tokens=MAX_QUERY_TOKENS)
            except GraphQLError as error:
                await self.send_message({"id": message["id"], "type": "error", "payload": [error.formatted]})
                return
        await super().handle_message(message)
