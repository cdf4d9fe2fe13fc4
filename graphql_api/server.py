"""The ASGI application: GraphQL at /graphql (GraphiQL in a browser), health at /healthz."""

from __future__ import annotations

from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, ParserCache, QueryDepthLimiter, ValidationCache
from strawberry.schema.config import StrawberryConfig

from arledger.wiring import Ledger
from graphql_api.context import Context
from graphql_api.mutations import build_mutation_type
from graphql_api.queries import Query
from graphql_api.subscriptions import Subscription
from graphql_api.tokens import TokenStore


MAX_QUERY_DEPTH = 10
MAX_QUERY_TOKENS = 5_000
MAX_ALIASES = 30
MAX_REQUEST_BYTES = 1_048_576


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, mutation=build_mutation_type(), subscription=Subscription,
                             config=StrawberryConfig(auto_camel_case=False),
                             extensions=[ParserCache(maxsize=1000), ValidationCache(maxsize=1000),
                                         QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH),
                                         MaxTokensLimiter(max_token_count=MAX_QUERY_TOKENS),
                                         MaxAliasesLimiter(max_alias_count=MAX_ALIASES)])


class RequestSizeLimit:
    """Refuse request bodies over MAX_REQUEST_BYTES before anything reads them."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_REQUEST_BYTES):
                response = JSONResponse({"errors": [{"message": f"request body over {MAX_REQUEST_BYTES} bytes",
                                                     "extensions": {"code": "VALIDATION"}}]}, status_code=413)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class LedgerGraphQL(GraphQL):
    def __init__(self, ledger: Ledger, tokens: TokenStore) -> None:
        super().__init__(build_schema(), graphql_ide="graphiql")
        self.ledger, self.tokens = ledger, tokens

    async def get_context(self, request: Any, response: Any = None) -> Context:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else ""
        token = token or request.query_params.get("token", "")  # browsers cannot set headers on websockets
        principal = self.tokens.authenticate(token) if token else None
        return Context(self.ledger, self.tokens, principal, request, response)


def build_app(ledger: Ledger) -> Starlette:
    tokens = TokenStore(ledger.database)
    graphql = LedgerGraphQL(ledger, tokens)

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "position": ledger.runner.position()})

    app = Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"]), WebSocketRoute("/graphql", graphql),
                            Route("/healthz", healthz)],
                    middleware=[Middleware(RequestSizeLimit)])
    app.state.tokens = tokens
    return app
