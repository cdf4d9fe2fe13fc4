"""Collection read models: the open items a dunning run decides on (as of a date, known now, with each invoice's
dunning level, last dunning date, promise and dispute as of that date), customers' contacts and dunning settings,
the notices issued, the outbox's deliveries, and collectors' worklist by priority.

Priority of a task = amount × days overdue × risk weight, where the weight comes from the customer's latest
credit grade (A 1.0, B 1.2, C 1.5, D 2.0, E 3.0; never assessed 1.5). Amounts are in each customer's currency:
across currencies the order is only indicative.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, Optional

import orjson

from ledger.collections.dunning import OpenItem
from ledger.money import format_minor, from_minor
from projections.aging import installments_outstanding, installments_params
from projections.database import Database, equal_filters

GRADE_WEIGHTS = {
    "A": Decimal("1.0"),
    "B": Decimal("1.2"),
    "C": Decimal("1.5"),
    "D": Decimal("2.0"),
    "E": Decimal("3.0"),
}
UNASSESSED_WEIGHT = Decimal("1.5")
BATCH = 500

# Each installment's outstanding as of D, known now (as in aging).
_OPEN = (
    "SELECT n.customer_code, n.invoice_number, n.currency, n.due_day, n.outstanding FROM ("
    + installments_outstanding("n.customer_code, n.invoice_number, n.currency, n.due_day, n.seq", "{where}")
    + ") AS n WHERE n.outstanding > 0 ORDER BY n.customer_code, n.invoice_number, n.seq"
)


def open_items(
    database: Database, as_of: date, customer_codes: Optional[list[str]] = None
) -> dict[str, list[OpenItem]]:
    """Each customer's open invoices as of `as_of` (each with its unpaid installments), with their collection
    state."""
    d = as_of.toordinal()
    where, params = "", []
    if customer_codes is not None:
        if not customer_codes:
            return {}
        where, params = f" AND n.customer_code IN ({','.join('?' * len(customer_codes))})", list(customer_codes)
    rows = database.execute(_OPEN.replace("{where}", where), [*installments_params(d), *params])
    parts: dict[tuple[str, str, str], list[tuple[date, Decimal]]] = defaultdict(list)
    for code, number, currency, due, outstanding in rows:
        parts[(code, number, currency)].append((date.fromordinal(due), from_minor(outstanding, currency)))
    state = _collection_state(database, d, sorted({code for code, _number, _currency in parts}))
    found: dict[str, list[OpenItem]] = defaultdict(list)
    for (code, number, currency), unpaid in parts.items():
        level, last, promised, disputed = state.get(number, (0, None, None, False))
        found[code].append(
            OpenItem(
                code,
                number,
                currency,
                min(on for on, _amount in unpaid),
                sum((amount for _on, amount in unpaid), Decimal(0)),
                level,
                None if last is None else date.fromordinal(last),
                disputed,
                None if promised is None else date.fromordinal(promised),
                tuple(unpaid),
            )
        )
    return dict(found)


def _collection_state(database: Database, d: int, codes: list[str]) -> dict[str, tuple]:
    """invoice -> (highest dunning level, last dunning day, latest promised day, dispute open): dunning actions
    whenever taken (a run dated before one must not repeat its level), promises and disputes as recorded by day
    `d`."""
    state: dict[str, list] = {}
    for start in range(0, len(codes), BATCH):
        chunk = codes[start : start + BATCH]
        for number, kind, on, level, made in database.execute(
            "SELECT invoice_number, kind, day, level, made_day FROM {p}collection_log WHERE customer_code IN "
            f"({','.join('?' * len(chunk))}) ORDER BY position",
            chunk,
        ):
            entry = state.setdefault(number, [0, None, None, False])
            if kind == "DUNNING":
                entry[0] = max(entry[0], level)
                entry[1] = on if entry[1] is None else max(entry[1], on)
            elif made > d:
                continue  # promises and disputes count from the day they were recorded
            elif kind == "PROMISE":
                entry[2] = on
            elif kind in ("DISPUTE_OPENED", "DISPUTE_RESOLVED"):
                entry[3] = kind == "DISPUTE_OPENED"
    return {number: tuple(entry) for number, entry in state.items()}


def contacts(database: Database, codes: list[str]) -> dict[str, tuple]:
    """code -> (name, email, phone, locale, dunning policy or None, excluded)."""
    found = {}
    for start in range(0, len(codes), BATCH):
        chunk = codes[start : start + BATCH]
        for code, name, email, phone, locale, policy, excluded in database.execute(
            "SELECT c.customer_code, c.name, c.email, c.phone, c.locale, s.policy, COALESCE(s.excluded, 0) "
            "FROM {p}customers c LEFT JOIN {p}dunning_settings s ON s.customer_code = c.customer_code "
            f"WHERE c.customer_code IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            found[code] = (name, email, phone, locale, policy, bool(excluded))
    return found


def notices(
    database: Database, customer_code: Optional[str] = None, as_of: Optional[date] = None, first: int = 100
) -> list[dict[str, Any]]:
    """Dunning notices, newest first, with their lines and amounts."""
    where, params = equal_filters(
        (("customer_code", customer_code), ("as_of_day", None if as_of is None else as_of.toordinal()))
    )
    rows = database.execute(
        "SELECT notice_id, customer_code, as_of_day, policy, level, level_name, currency, outstanding_minor, "
        "interest_minor, fee_minor, total_minor, channels, lines, actor FROM {p}notices WHERE "
        f"{where} ORDER BY position DESC LIMIT ?",
        [*params, first],
    )
    return [
        {
            "noticeId": r[0],
            "customerCode": r[1],
            "asOf": date.fromordinal(r[2]).isoformat(),
            "policy": r[3],
            "level": r[4],
            "levelName": r[5],
            "currency": r[6],
            "outstanding": format_minor(r[7], r[6]),
            "interest": format_minor(r[8], r[6]),
            "fee": format_minor(r[9], r[6]),
            "totalDue": format_minor(r[10], r[6]),
            "channels": orjson.loads(r[11]),
            "lines": orjson.loads(r[12]),
            "actor": r[13],
        }
        for r in rows
    ]


def worklist(
    database: Database,
    status: Optional[str] = "OPEN",
    kind: Optional[str] = None,
    first: int = 100,
    task_id: Optional[str] = None,
) -> list[dict[str, Any]]:
    """Collectors' tasks, highest priority first (amount × days overdue × risk weight)."""
    where, params = equal_filters((("t.status", status), ("t.kind", kind), ("t.task_id", task_id)))
    rows = database.execute(
        "SELECT t.task_id, t.customer_code, c.name, c.phone, t.notice_id, t.kind, t.instructions, t.invoices, "
        "t.amount_minor, c.currency, t.days_overdue, t.status, t.outcome, t.note, t.changed_by, "
        "(SELECT a.grade FROM {p}assessments a WHERE a.customer_code = t.customer_code ORDER BY a.position DESC "
        f"LIMIT 1) FROM {{p}}tasks t JOIN {{p}}customers c ON c.customer_code = t.customer_code WHERE "
        f"{where}",
        params,
    )
    tasks = []
    for (
        task_id,
        code,
        name,
        phone,
        notice_id,
        kind_,
        instructions,
        invoices,
        amount,
        currency,
        days,
        status_,
        outcome,
        note,
        changed_by,
        grade,
    ) in rows:
        weight = GRADE_WEIGHTS.get(grade, UNASSESSED_WEIGHT)
        value = from_minor(amount, currency)
        tasks.append(
            {
                "taskId": task_id,
                "customerCode": code,
                "customerName": name,
                "phone": phone,
                "noticeId": notice_id,
                "kind": kind_,
                "instructions": instructions,
                "invoices": orjson.loads(invoices),
                "amount": format_minor(amount, currency),
                "currency": currency,
                "daysOverdue": days,
                "grade": grade,
                "riskWeight": str(weight),
                "priority": str((value * days * weight).quantize(Decimal("0.01"))),
                "status": status_,
                "outcome": outcome,
                "note": note,
                "changedBy": changed_by,
            }
        )
    tasks.sort(key=lambda t: (-Decimal(t["priority"]), t["taskId"]))
    return tasks[:first]


def deliveries(
    database: Database,
    status: Optional[str] = None,
    channel: Optional[str] = None,
    customer_code: Optional[str] = None,
    first: int = 100,
) -> list[dict[str, Any]]:
    """The outbox's deliveries, newest first, with their state, attempts, last error and the receiver's reply."""
    where, params = equal_filters((("status", status), ("channel", channel), ("customer_code", customer_code)))
    rows = database.execute(
        "SELECT delivery_id, customer_code, notice_id, channel, recipient, subject, status, attempts, last_error, "
        f"detail, worker FROM {{p}}deliveries WHERE {where} ORDER BY position DESC LIMIT ?",
        [*params, first],
    )
    return [
        {
            "deliveryId": r[0],
            "customerCode": r[1],
            "noticeId": r[2],
            "channel": r[3],
            "recipient": r[4],
            "subject": r[5],
            "status": r[6],
            "attempts": r[7],
            "lastError": r[8],
            "detail": r[9],
            "worker": r[10],
        }
        for r in rows
    ]
