"""Statements of account issued, as the reconciliation (对账) loop reads them: each with the customer's answer
(SENT: none yet, CONFIRMED, DISPUTED), and what is needed to render one again as it was issued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from projections.database import Database, equal_filters


@dataclass(frozen=True)
class SentStatement:
    statement_id: str
    customer_code: str
    customer_name: str
    as_of: date
    period_from: date
    period_to: date
    currency: str
    closing_minor: int
    status: str  # SENT (no answer yet), CONFIRMED, DISPUTED
    note: Optional[str]
    their_balance_minor: Optional[int]  # the balance by the customer's books, when it disputed ours
    responded_by: Optional[str]


def sent_statements(
    database: Database,
    as_of: Optional[date] = None,
    status: Optional[str] = None,
    statement_id: Optional[str] = None,
    customer_code: Optional[str] = None,
) -> list[SentStatement]:
    """Statements (of one run date, or all, or one; of one customer or all), in the order they were issued."""
    where, params = equal_filters(
        (
            ("s.as_of_day", None if as_of is None else as_of.toordinal()),
            ("s.status", status),
            ("s.statement_id", statement_id),
            ("s.customer_code", customer_code),
        )
    )
    rows = database.execute(
        "SELECT s.statement_id, s.customer_code, c.name, s.as_of_day, s.from_day, s.to_day, s.currency, "
        "s.closing_minor, s.status, s.note, s.their_balance_minor, s.responded_by FROM {p}statements s JOIN "
        f"{{p}}customers c ON c.customer_code = s.customer_code WHERE {where} ORDER BY s.position",
        params,
    )
    return [
        SentStatement(
            identifier,
            code,
            name,
            date.fromordinal(as_of_day),
            date.fromordinal(from_day),
            date.fromordinal(to_day),
            currency,
            closing,
            answer,
            note,
            theirs,
            responded_by,
        )
        for identifier, code, name, as_of_day, from_day, to_day, currency, closing, answer, note, theirs, responded_by in rows
    ]


@dataclass(frozen=True)
class IssuedStatement:
    customer_code: str
    customer_name: str
    locale: Optional[str]
    period_from: date
    period_to: date
    recorded_us: int  # when it was issued: its documents are rendered as known then


def issued_statement(database: Database, statement_id: str) -> Optional[IssuedStatement]:
    rows = database.execute(
        "SELECT s.customer_code, c.name, c.locale, s.from_day, s.to_day, s.recorded_us FROM {p}statements s JOIN "
        "{p}customers c ON c.customer_code = s.customer_code WHERE s.statement_id = ?",
        (statement_id,),
    )
    if not rows:
        return None
    code, name, locale, first, last, recorded_us = rows[0]
    return IssuedStatement(code, name, locale, date.fromordinal(first), date.fromordinal(last), recorded_us)
