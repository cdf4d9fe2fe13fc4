"""The schema: Query, Mutation and Subscription assembled from the features' root types (the generic mutations
derived from the operations' declarations among them), with the execution rules every request runs under (caches,
limits, error masking, one catch-up of the read models per operation). graphql_api/http/ serves it."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from graphql_api.audit.queries import AuditQuery
from graphql_api.bank.mutations import BankMutation
from graphql_api.bank.queries import BankQuery
from graphql_api.collections.mutations import DunningMutation
from graphql_api.collections.queries import DunningQuery
from graphql_api.context import CatchUpOncePerOperation
from graphql_api.credit.mutations import CreditMutation
from graphql_api.credit.queries import CreditQuery
from graphql_api.documents.mutations import build_mutation_type
from graphql_api.documents.queries import DocumentQuery
from graphql_api.finance.queries import FinanceQuery
from graphql_api.http.caller_errors import CallerErrors, unexpected
from graphql_api.http.halted import guard_query_fields
from graphql_api.http.limits import MAX_QUERY_TOKENS, QueryLimits
from graphql_api.http.subscriptions import Subscription
from graphql_api.reports.queries import ReportQuery
from graphql_api.statements.mutations import StatementMutation
from graphql_api.statements.queries import StatementQuery

# The root types in the order their fields are listed (introspection and the printed schema keep it).
QUERIES = (DocumentQuery, ReportQuery, AuditQuery, CreditQuery, DunningQuery, FinanceQuery, StatementQuery, BankQuery)
MUTATIONS = (CreditMutation, DunningMutation, StatementMutation, BankMutation)  # after the generic ones

# Our own limits rule (depth, aliases, cost: linear in the document, where strawberry's depth and alias limiters
# follow fragment spreads exponentially); one class for every request, so the validation cache keeps hitting.
LIMIT_RULES = (QueryLimits,)


class LedgerSchema(strawberry.Schema):
    """Logs only unexpected errors (with their traceback); the caller's own mistakes are answers, not incidents."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        unexpected_errors = [error for error in errors if unexpected(error)]
        if unexpected_errors:
            super().process_errors(unexpected_errors, execution_context)


def build_schema() -> strawberry.Schema:
    # Factories, one extension per request; the parser and validation caches live at module level in strawberry,
    # so they are shared across requests all the same.
    # CallerErrors runs after process_errors has logged the real message: callers see "Unexpected error." only.
    schema = LedgerSchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", (build_mutation_type(), *MUTATIONS)),
        subscription=Subscription,
        config=StrawberryConfig(auto_camel_case=False),
        extensions=[
            lambda: ParserCache(maxsize=1000),
            lambda: ValidationCache(maxsize=1000),
            lambda: AddValidationRules(list(LIMIT_RULES)),
            lambda: MaxTokensLimiter(max_token_count=MAX_QUERY_TOKENS),
            CallerErrors,
            CatchUpOncePerOperation,
        ],
    )
    guard_query_fields(schema._schema)
    return schema
