"""Risk alert read models: alerts filtered by status, customer and rule (newest first), and the watchlist an
analyst works from — the customers with live (open or acknowledged) alerts, those hit by the most rules first,
then by live alerts and utilisation (currency-neutral), with their limit, exposure and latest grade."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Optional

import orjson

from ledger.credit.use import credit_use
from ledger.money import format_minor, from_minor
from ledger.vocabulary import LIVE_ALERT_STATUSES
from projections.database import Database, equal_filters


def alerts(
    database: Database,
    status: Optional[str] = None,
    customer_code: Optional[str] = None,
    rule: Optional[str] = None,
    first: int = 100,
    alert_id: Optional[str] = None,
) -> list[dict[str, Any]]:
    """At most `first` alerts, newest first, each with its evidence and its latest change (who, why)."""
    where, params = equal_filters(
        (("status", status), ("customer_code", customer_code), ("rule", rule), ("alert_id", alert_id))
    )
    rows = database.execute(
        "SELECT alert_id, customer_code, rule, subject, raised_day, status, hold, evidence, reason, "
        f"changed_by FROM {{p}}alerts WHERE {where} ORDER BY position DESC LIMIT ?",
        [*params, first],
    )
    return [
        {
            "alertId": r[0],
            "customerCode": r[1],
            "rule": r[2],
            "subject": r[3],
            "raisedOn": date.fromordinal(r[4]).isoformat(),
            "status": r[5],
            "hold": bool(r[6]),
            "evidence": orjson.loads(r[7]),
            "reason": r[8],
            "changedBy": r[9],
        }
        for r in rows
    ]


def watchlist(database: Database, first: int = 50) -> list[dict[str, Any]]:
    """Customers with live alerts, the riskiest first (distinct rules, live alerts, utilisation; then code)."""
    live = f"status IN ({', '.join(repr(status) for status in LIVE_ALERT_STATUSES)})"  # constants, so inlined
    counts: dict[str, dict[str, int]] = {}
    for code, rule, count in database.execute(
        f"SELECT customer_code, rule, COUNT(*) FROM {{p}}alerts WHERE {live} GROUP BY customer_code, rule"
    ):
        counts.setdefault(code, {})[rule] = count
    rows = database.execute(
        "SELECT c.customer_code, c.name, c.currency, c.credit_limit_minor, c.outstanding_minor, c.on_credit_hold, "
        f"MIN(a.raised_day), MAX(a.raised_day), (SELECT s.grade FROM {{p}}assessments s WHERE s.customer_code = "
        "c.customer_code ORDER BY s.position DESC LIMIT 1) FROM {p}customers c JOIN {p}alerts a ON a.customer_code = "
        f"c.customer_code AND a.{live} GROUP BY c.customer_code, c.name, c.currency, c.credit_limit_minor, "
        "c.outstanding_minor, c.on_credit_hold"
    )
    entries = []
    for code, name, currency, limit, outstanding, hold, since, latest, grade in rows:
        use = credit_use(None if limit is None else from_minor(limit, currency), from_minor(outstanding, currency))
        rules = counts.get(code, {})
        entries.append(
            {
                "customerCode": code,
                "name": name,
                "currency": currency,
                "rules": [{"rule": rule, "alerts": rules[rule]} for rule in sorted(rules)],
                "liveAlerts": sum(rules.values()),
                "exposure": format_minor(outstanding, currency),
                "creditLimit": None if limit is None else format_minor(limit, currency),
                "utilisation": None if use.utilisation is None else str(use.utilisation),
                "onCreditHold": bool(hold),
                "grade": grade,
                "since": date.fromordinal(since).isoformat(),
                "latest": date.fromordinal(latest).isoformat(),
            }
        )
    entries.sort(
        key=lambda e: (-len(e["rules"]), -e["liveAlerts"], -Decimal(e["utilisation"] or -1), e["customerCode"])
    )
    return entries[:first]


def alert_states(database: Database, customer_code: str) -> list[dict[str, str]]:
    """Every alert a customer has had, newest first: id, rule, subject and status."""
    return [
        {"alertId": r[0], "rule": r[1], "subject": r[2], "status": r[3]}
        for r in database.execute(
            "SELECT alert_id, rule, subject, status FROM {p}alerts WHERE customer_code = ? ORDER BY position DESC",
            (customer_code,),
        )
    ]


@dataclass(frozen=True)
class AlertCounts:
    raised: int  # every alert ever raised
    cleared: int  # of those, the ones their rule has cleared


def alert_counts(database: Database) -> AlertCounts:
    rows = database.execute("SELECT COUNT(*), SUM(CASE WHEN status = 'CLEARED' THEN 1 ELSE 0 END) FROM {p}alerts")
    return AlertCounts(rows[0][0] or 0, rows[0][1] or 0)
