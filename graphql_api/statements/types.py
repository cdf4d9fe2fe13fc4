"""A statement of account sent, with the customer's answer, as the statement queries and answers show it."""

from __future__ import annotations

from typing import Optional

import strawberry


@strawberry.type
class StatementRecord:
    statementId: str
    customerCode: str
    customerName: str
    asOf: str
    start: str
    end: str
    currency: str
    closingBalance: str
    status: str  # SENT (no answer yet), CONFIRMED, DISPUTED
    note: Optional[str]
    theirBalance: Optional[str]
    respondedBy: Optional[str]


def record_of(row: dict) -> StatementRecord:
    fields = {key: value for key, value in row.items() if key not in ("from", "to")}
    return StatementRecord(**fields, start=row["from"], end=row["to"])
