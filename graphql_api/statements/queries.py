"""The statements query: statements of account sent, with the customer's answer (a customer token sees its own,
staff all), thin over `services.statements`."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from graphql_api.arguments import parse_date
from graphql_api.context import scoped_customer
from graphql_api.errors import bad_input
from graphql_api.statements.types import StatementRecord, record_of
from ledger.vocabulary import STATEMENT_STATUSES
from services.statements import reconciliation


@strawberry.type
class StatementQuery:
    @strawberry.field(
        description="Statements of account sent, with the customer's answer (SENT: none yet): staff "
        "see all, a customer token its own. Filter by run date and status."
    )
    def statements(
        self, info: Info, asOf: Optional[str] = None, status: Optional[str] = None, customerCode: Optional[str] = None
    ) -> list[StatementRecord]:
        scope = scoped_customer(info.context, info.field_name, customerCode)
        if status is not None and status not in STATEMENT_STATUSES:
            raise bad_input(f"status must be one of {', '.join(STATEMENT_STATUSES)}, got {status!r}")
        ledger = info.context.ledger
        rows = reconciliation(ledger, None if asOf is None else parse_date(asOf, "asOf"), status, customer_code=scope)
        return [record_of(row) for row in rows]
