"""The API's answer while the database is briefly unavailable (restarting, unreachable, every connection busy).

Never a 500 or a masked "Unexpected error.": HTTP 503 with `Retry-After`, and a GraphQL error whose
`extensions.code` is `UNAVAILABLE` with `retryable: true`. Whether the error surfaced inside a resolver (the usual
case) or before execution (authenticating the token), the answer is the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from ledger.store.availability import is_unavailable, reason, recovering

log = logging.getLogger(__name__)

CODE = "UNAVAILABLE"
RETRY_AFTER_S = 1
MESSAGE = (
    "the database is unavailable just now (restarting or unreachable); retry in a moment. A mutation may or "
    "may not have been recorded: sending the same operation again is safe (an invoice, payment or credit "
    "note with the same number and content, or a request with the same Idempotency-Key, is recognised and "
    "recorded once)"
)
EXTENSIONS = {"code": CODE, "retryable": True}
HEADERS = {"Retry-After": str(RETRY_AFTER_S)}


def unavailable(error: GraphQLError) -> bool:
    return is_unavailable(error.original_error)


def as_unavailable(error: GraphQLError) -> GraphQLError:
    """The caller's view of a resolver's database outage: where it happened, not the driver's words."""
    log.warning("request failed, database unavailable: %s", reason(error.original_error or error))
    return GraphQLError(MESSAGE, nodes=error.nodes, path=error.path, extensions=dict(EXTENSIONS))


def response() -> JSONResponse:
    return JSONResponse(
        {"data": None, "errors": [{"message": MESSAGE, "extensions": EXTENSIONS}]}, status_code=503, headers=HEADERS
    )


class Unavailable:
    """ASGI middleware: an outage that escapes the application before a response started becomes the 503 answer."""

    def __init__(self, app: Any, recover: Callable[[], None]) -> None:
        self.app, self.recover = app, recover

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            if started or not is_unavailable(error):
                raise
            log.warning("%s %s failed, database unavailable: %s", scope.get("method"), scope.get("path"), reason(error))
            await run_in_threadpool(recovering, self.recover)
            await response()(scope, receive, send)
