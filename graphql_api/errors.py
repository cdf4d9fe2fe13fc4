"""How refusals reach a GraphQL caller, in one place: a ledger refusal as a payload's `UserError` (code, message,
field path), and a bad argument as a `VALIDATION` error of the field that was asked."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from ledger.errors import LedgerError


@strawberry.type
class UserError:
    code: str
    message: str
    field: list[str]

    @staticmethod
    def of(refusal: LedgerError) -> UserError:
        """The payload's form of a ledger refusal: its contract code, message and field path."""
        return UserError(code=refusal.code, message=refusal.message, field=[str(part) for part in refusal.field])


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "VALIDATION"})
