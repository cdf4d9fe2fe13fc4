"""The aging report's GraphQL shape (docs/contract.md section 5), shown by the `aging` query and inside `replay`'s books
as known then: one mapper from the report's plain form for both."""

from __future__ import annotations

import enum
from typing import Any, Optional

import strawberry


@strawberry.enum
class AgingBasis(enum.Enum):
    DUE_DATE = "DUE_DATE"
    ISSUE_DATE = "ISSUE_DATE"


@strawberry.type
class AgingAmounts:
    currency: str
    outstanding: str
    current: str
    buckets: list[str]
    unallocatedCredit: str


@strawberry.type
class AgingRow(AgingAmounts):
    customerCode: str


@strawberry.type
class AgingReport:
    asOf: str
    knownAt: Optional[str]
    basis: AgingBasis
    boundaries: list[int]
    rows: list[AgingRow]
    totals: list[AgingAmounts]

    @staticmethod
    def of(report: dict[str, Any]) -> AgingReport:
        """The report as `projections.aging` (or a replay) gives it in its plain form."""
        return AgingReport(
            asOf=report["asOf"],
            knownAt=report["knownAt"],
            basis=AgingBasis(report["basis"]),
            boundaries=report["boundaries"],
            rows=[AgingRow(**row) for row in report["rows"]],
            totals=[AgingAmounts(**total) for total in report["totals"]],
        )
