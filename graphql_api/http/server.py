"""The ASGI application: the schema (graphql_api/schema.py) served at /graphql (GraphiQL in a browser), health at
/healthz."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

from graphql_api.context import Context, one_catch_up
from graphql_api.http.direct import DirectQueries
from graphql_api.http.halted import CODE as HALTED
from graphql_api.http.halted import RECORDED, note_recorded
from graphql_api.http.limits import MAX_ALIASES, MAX_QUERY_TOKENS
from graphql_api.http.observability import Metrics, Observe, endpoints
from graphql_api.http.unavailable import HEADERS, Unavailable, as_unavailable, unavailable
from graphql_api.http.websocket import CheckedTransportWS
from graphql_api.schema import build_schema
from graphql_api.tokens import TokenStore
from ledger.store.availability import is_unavailable, recovering
from services.books import Ledger

log = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 1_048_576
GRAPHIQL_EXAMPLE = """# arledger — accounts receivable over GraphQL
#
# Put your token in the Headers pane below:  {"Authorization": "Bearer arl_..."}
# (arledger demo prints one; arledger token create --role admin makes more).
# Ctrl-Enter runs the query; Ctrl-Space completes; the Docs icon lists every
# query and mutation (docs/contract.md sections 3-6 give their meaning).

query Overview {
  customers(first: 5) {
    edges { node { code name currency creditLimit onCreditHold outstanding
                   invoices(first: 3, openOnly: true) { number dueDate outstanding status } } }
    pageInfo { hasNextPage endCursor }
  }
  aging(asOf: "TODAY", boundaries: [30, 60, 90]) {
    totals { currency outstanding current buckets unallocatedCredit }
  }
}
"""
assert "`" not in GRAPHIQL_EXAMPLE and "${" not in GRAPHIQL_EXAMPLE  # it goes into a JavaScript template literal
ASSETS = "/graphiql/assets"  # GraphiQL's scripts and styles, vendored (static/graphiql/README.md)


class RequestSizeLimit:
    """Refuse request bodies over MAX_REQUEST_BYTES with 413: by Content-Length before anything reads them, and
    a chunked body (no length) by counting as it arrives, before the application sees any of it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > MAX_REQUEST_BYTES:
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_REQUEST_BYTES:
                await self._refuse(scope, receive, send)
                return
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Any, receive: Any, send: Any) -> None:
        response = JSONResponse(
            {
                "errors": [
                    {"message": f"request body over {MAX_REQUEST_BYTES} bytes", "extensions": {"code": "VALIDATION"}}
                ]
            },
            status_code=413,
        )
        await response(scope, receive, send)


def decode_request_json(data: str | bytes, what: str) -> object:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise HTTPException(400, f"{what} is not valid JSON (UTF-8, at most 1024 levels deep): {error}") from None


JSON_KINDS = {type(None): "null", str: "a string", int: "a number", float: "a number", bool: "a boolean"}


class LedgerGraphQL(GraphQL[Context, None]):
    """Queries and mutations run in a worker thread (resolvers read the database synchronously, and the event loop
    must stay free for other requests and subscriptions); big reports take the direct path first."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        except ClientDisconnect:  # gone before its request arrived whole: nothing to answer, and not our fault
            log.info("client disconnected before its request arrived whole")

    graphql_transport_ws_handler_class = CheckedTransportWS
    max_query_tokens = MAX_QUERY_TOKENS

    def __init__(self, ledger: Ledger, tokens: TokenStore) -> None:
        super().__init__(
            build_schema(), graphql_ide="graphiql", subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,)
        )
        self.ledger, self.tokens = ledger, tokens
        self.direct = DirectQueries(self.schema._schema, MAX_QUERY_TOKENS, MAX_ALIASES)  # type: ignore[attr-defined]

    async def render_graphql_ide(self, request: Any) -> Response:
        """strawberry's GraphiQL page, loading its scripts from this server instead of unpkg.com, opening on an
        arledger example instead of the generic welcome text."""
        page = self.graphql_ide_html.replace("https://unpkg.com/", f"{request.scope.get('root_path', '')}{ASSETS}/")
        start = page.find("const EXAMPLE_QUERY = `")
        end = page.find("`;", start)
        if start >= 0 and end >= 0:
            example = GRAPHIQL_EXAMPLE.replace("TODAY", date.today().isoformat())
            page = page[:start] + "const EXAMPLE_QUERY = `" + example + page[end:]
        return HTMLResponse(page)

    async def on_ws_connect(self, context: Context) -> Any:
        """Websocket clients may authenticate in `connection_init` ({"Authorization": "Bearer <token>"}) as well
        as by `?token=`; a token given there that is unknown or revoked closes the connection (4403)."""
        params = context.connection_params or {}
        header = str(params.get("Authorization") or params.get("authorization") or "")
        token = (
            header.partition(" ")[2].strip() if header.lower().startswith("bearer ") else str(params.get("token") or "")
        )
        if token:
            context.principal, context.token = await run_in_threadpool(self.tokens.authenticate, token), token
            if context.principal is None:
                raise ConnectionRejectionError({"message": "unknown or revoked token"})
        return UNSET

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        """Websocket messages (and anything else strawberry decodes): orjson refuses invalid UTF-8, lone
        surrogates, NaN and nesting beyond 1024 levels with a JSONDecodeError (the stdlib parser recurses into a
        RecursionError, and lets surrogates through to fail later in the store)."""
        return orjson.loads(data)

    def parse_json(self, data: str | bytes) -> object:
        """A request body: a JSON object, or a list (a batch, which strawberry refuses); anything else is the
        caller's mistake, 400 saying what was wrong."""
        value = decode_request_json(data, "the request")
        if not isinstance(value, (dict, list)):
            raise HTTPException(
                400,
                'the request must be a JSON object such as {"query": "{ __typename }"}, not '
                f"{JSON_KINDS.get(type(value), type(value).__name__)}",
            )
        name = value.get("operationName") if isinstance(value, dict) else None
        if name is not None and not isinstance(name, str):  # strawberry checks query, variables and extensions
            raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null, if provided.")
        return value

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        """GET: `variables` and `extensions` are JSON (strawberry then wants objects or null); the rest as sent."""
        parsed = dict(params)
        for name in ("variables", "extensions"):
            if parsed.get(name):
                parsed[name] = decode_request_json(parsed[name], f"the {name} parameter")
        return parsed

    def create_response(self, response_data: Any, sub_response: Any) -> Response:
        response = Response(orjson.dumps(response_data), status_code=200, media_type="application/json")
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        if sub_response.status_code:
            response.status_code = sub_response.status_code
        return response

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        allowed = OperationType.from_http(request_adapter.method)
        if not self.allow_queries_via_get and request_adapter.method == "GET":
            allowed = allowed - {OperationType.QUERY}
        recorded = RECORDED.set([])  # what this request's saves record (a halted answer says so)
        try:
            result = await run_in_threadpool(self._execute, request_data, context, root_value, allowed)
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except InvalidOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason(request_adapter.method)) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error
        finally:
            wrote = bool(RECORDED.get())
            RECORDED.reset(recorded)
        if (
            result.errors
            and not wrote
            and any((error.extensions or {}).get("code") == HALTED for error in result.errors)
        ):
            sub_response.status_code = 503  # nothing was done; what was asked needs the read models, halted
        if result.errors and any(unavailable(error) for error in result.errors):  # retryable: 503, not a masked 500
            result.errors = [as_unavailable(error) if unavailable(error) else error for error in result.errors]
            await run_in_threadpool(recovering, self.ledger.recover)
            sub_response.status_code = 503
            sub_response.headers.update(HEADERS)
        return result

    def _execute(
        self, request_data: GraphQLRequestData, context: Context, root_value: Any, allowed: Any
    ) -> ExecutionResult:
        if OperationType.QUERY in allowed:
            with one_catch_up():
                data = self.direct.execute(
                    request_data.query, request_data.variables, request_data.operation_name, context
                )
            if data is not None:
                return ExecutionResult(data=data, errors=None)
        return self.schema.execute_sync(
            request_data.query,
            variable_values=request_data.variables,
            context_value=context,
            root_value=root_value,
            operation_name=request_data.operation_name,
            allowed_operation_types=allowed,
            operation_extensions=request_data.extensions,
        )

    async def get_context(self, request: Any, response: Any = None) -> Context:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else ""
        token = token or request.query_params.get("token", "")  # browsers cannot set headers on websockets
        principal = await run_in_threadpool(self.tokens.authenticate, token) if token else None
        return Context(self.ledger, self.tokens, principal, request, response, token=token or None)


DASHBOARD = Path(__file__).parent.parent / "static" / "dashboard"


async def dashboard(_request: Request) -> FileResponse:
    """The receivables dashboard: a static page; its data comes from /graphql with the caller's own token."""
    return FileResponse(
        DASHBOARD / "index.html",
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
            "Referrer-Policy": "no-referrer",
        },
    )


def build_app(ledger: Ledger, ready_max_lag: int = 1000) -> Starlette:
    tokens = TokenStore(ledger.database)
    graphql = LedgerGraphQL(ledger, tokens)
    metrics = Metrics(ledger)
    metrics_endpoint, readyz = endpoints(ledger, metrics, ready_max_lag)

    async def healthz(_request: Request) -> JSONResponse:
        """Liveness: the process answers. A database outage is /readyz's business (and the process rides it out),
        so it is reported here but does not fail the check."""
        try:
            return JSONResponse({"status": "ok", "position": await run_in_threadpool(ledger.runner.position)})
        except Exception as error:
            if not is_unavailable(error):
                raise
            return JSONResponse({"status": "ok", "position": None, "database": "unavailable"})

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route("/dashboard", dashboard),
            Mount("/dashboard/assets", StaticFiles(directory=DASHBOARD)),
            Mount(ASSETS, StaticFiles(directory=Path(__file__).parent.parent / "static" / "graphiql")),
        ],
        middleware=[
            Middleware(Observe, metrics=metrics),
            Middleware(RequestSizeLimit),
            Middleware(Unavailable, recover=ledger.recover),
        ],
    )
    ledger.app.after_save_hooks.append(note_recorded)
    app.state.tokens = tokens
    return app
