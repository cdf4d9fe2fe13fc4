"""Credit read models: each customer's latest assessment beside its actual limit and exposure, and who is due
for an assessment as of a date (never assessed, or the last one older than the policy's renewal period)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Optional

import orjson

from ledger.credit.use import credit_use, parse_expected_orders
from ledger.money import format_minor, from_minor
from projections.database import Database

_LATEST = (
    "SELECT a.customer_code, a.assessed_day, a.recorded_us, a.actor, a.policy_version, a.score_tenths, "
    "a.grade, a.monthly_invoicing_minor, a.recommended_limit_minor, a.recommended_terms_days, a.applied, "
    "a.factors, a.note, a.position FROM {p}assessments a"
)


def _assessment(row: tuple, currency: str) -> dict[str, Any]:
    (
        code,
        assessed,
        _recorded,
        actor,
        version,
        tenths,
        grade,
        monthly,
        limit,
        terms,
        applied,
        factors,
        note,
        position,
    ) = row
    return {
        "customerCode": code,
        "assessedOn": date.fromordinal(assessed).isoformat(),
        "actor": actor,
        "policyVersion": version,
        "score": str(Decimal(tenths) / 10),
        "grade": grade,
        "monthlyInvoicing": format_minor(monthly, currency),
        "recommendedLimit": format_minor(limit, currency),
        "recommendedTermsDays": terms,
        "applied": bool(applied),
        "factors": orjson.loads(factors),
        "note": note,
        "position": position,
    }


def assessments(database: Database, customer_code: str, recorded_by_us: Optional[int] = None) -> list[dict[str, Any]]:
    """Every assessment of a customer, oldest first; only those recorded by the instant `recorded_by_us` (microseconds
    since the epoch) if given."""
    currency = database.execute("SELECT currency FROM {p}customers WHERE customer_code = ?", (customer_code,))
    if not currency:
        return []
    where = " WHERE a.customer_code = ?"
    params: list[object] = [customer_code]
    if recorded_by_us is not None:
        where += " AND a.recorded_us <= ?"
        params.append(recorded_by_us)
    rows = database.execute(_LATEST + where + " ORDER BY a.position", params)
    return [_assessment(row, currency[0][0]) for row in rows]


def credit_profile(
    database: Database, customer_code: str, expected_orders: Optional[str] = None
) -> Optional[dict[str, Any]]:
    """Latest assessment beside the actual limit and its use (`ledger.credit.use`): exposure counts the
    `expected_orders` amount if given. Raises ValidationError for a malformed `expected_orders`."""
    rows = database.execute(
        "SELECT currency, credit_limit_minor, outstanding_minor, on_credit_hold FROM {p}customers "
        "WHERE customer_code = ?",
        (customer_code,),
    )
    if not rows:
        return None
    currency, limit, outstanding, hold = rows[0]
    expected = Decimal(0) if expected_orders is None else parse_expected_orders(expected_orders, currency)
    use = credit_use(
        None if limit is None else from_minor(limit, currency), from_minor(outstanding, currency), expected
    )
    history = assessments(database, customer_code)
    return {
        "customerCode": customer_code,
        "currency": currency,
        "creditLimit": None if limit is None else format_minor(limit, currency),
        **use.as_strings(currency),
        "onCreditHold": bool(hold),
        "latest": history[-1] if history else None,
    }


def assessments_due(database: Database, as_of: date, renew_after_days: int) -> list[dict[str, Any]]:
    """Customers due for an assessment at `as_of`: NEW (never assessed; `invoiced` says whether credit sales were
    already made without one) or RENEWAL (the last one is `renew_after_days` old or older)."""
    cutoff = as_of.toordinal() - renew_after_days
    rows = database.execute(
        "SELECT c.customer_code, (SELECT MAX(a.assessed_day) FROM {p}assessments a WHERE a.customer_code = "
        "c.customer_code AND a.assessed_day <= ?), (SELECT COUNT(*) FROM {p}invoices i WHERE i.customer_code = "
        "c.customer_code AND i.issue_day <= ?) FROM {p}customers c ORDER BY c.customer_code",
        (as_of.toordinal(), as_of.toordinal()),
    )
    due = []
    for code, last, invoiced in rows:
        if last is None:
            due.append({"customerCode": code, "reason": "NEW", "lastAssessedOn": None, "invoiced": invoiced > 0})
        elif last <= cutoff:
            due.append(
                {
                    "customerCode": code,
                    "reason": "RENEWAL",
                    "lastAssessedOn": date.fromordinal(last).isoformat(),
                    "invoiced": invoiced > 0,
                }
            )
    return due
