"""The receivables reports' queries: `aging` and `statement` (a customer token asks about its own customer only).
Big aging reports usually take the direct path (graphql_api/http/direct.py); both read through `plain`."""

from __future__ import annotations

from typing import Annotated, Optional

import strawberry
from strawberry.types import Info

from graphql_api.aging import AgingBasis, AgingReport
from graphql_api.reports import plain
from graphql_api.reports.types import Statement


@strawberry.type
class ReportQuery:
    @strawberry.field
    def aging(
        self,
        info: Info,
        asOf: str,
        knownAt: Optional[str] = None,
        basis: AgingBasis = AgingBasis.DUE_DATE,
        boundaries: Optional[list[int]] = None,
        customerCode: Optional[str] = None,
    ) -> AgingReport:
        return AgingReport.of(plain.aging(info.context, asOf, knownAt, basis.value, boundaries, customerCode))

    @strawberry.field
    def statement(
        self,
        info: Info,
        customerCode: str,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        knownAt: Optional[str] = None,
    ) -> Optional[Statement]:
        document = plain.statement(info.context, customerCode, from_, to, knownAt)
        return None if document is None else Statement.of(document)
