"""The statement of account's GraphQL shape (docs/contract.md section 6); the aging report's is shared with
`replay` (graphql_api/aging.py)."""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.type
class StatementLine:
    date: str
    kind: str
    number: str
    debit: str
    credit: str
    balance: str


@strawberry.type
class Statement:
    customerCode: str
    currency: str
    from_: str = strawberry.field(name="from")
    to: str
    openingBalance: str
    lines: list[StatementLine]
    closingBalance: str

    @staticmethod
    def of(document: dict[str, Any]) -> Statement:
        """The statement as `projections.statement` gives it in its plain form."""
        fields = {key: value for key, value in document.items() if key not in ("from", "lines")}
        lines = [StatementLine(**line) for line in document["lines"]]
        return Statement(from_=document["from"], lines=lines, **fields)
