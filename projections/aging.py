"""The aging report exactly as docs/contract.md section 5 defines it, for any business date as known at any instant.

Two paths give the same answer: as of a date on or after every business date in the models and known now, the
current open items are read directly (fast); otherwise each installment's outstanding is recomputed from the
two-clock journal. Amounts are summed as integer minor units in SQL and formatted per currency at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ledger.money import minor_formatter
from projections.database import Database
from projections.receivables import day, micros

DUE_DATE = "DUE_DATE"
ISSUE_DATE = "ISSUE_DATE"
DEFAULT_BOUNDARIES = (30, 60, 90)
MAX_BOUNDARIES = 20
NEVER = 2**62  # "known at" when no instant is given: everything recorded counts


@dataclass(frozen=True)
class AgingQuery:
    as_of: date
    known_at: datetime | None = None
    basis: str = DUE_DATE
    boundaries: tuple[int, ...] = DEFAULT_BOUNDARIES
    customer_code: str | None = None

    def __post_init__(self) -> None:
        if self.basis not in (DUE_DATE, ISSUE_DATE):
            raise ValueError(f"basis must be {DUE_DATE} or {ISSUE_DATE}, got {self.basis!r}")
        if not self.boundaries or len(self.boundaries) > MAX_BOUNDARIES:
            raise ValueError(f"give 1 to {MAX_BOUNDARIES} boundaries, got {len(self.boundaries)}")
        if any(b <= 0 for b in self.boundaries) or list(self.boundaries) != sorted(set(self.boundaries)):
            raise ValueError(
                f"boundaries must be positive whole days in increasing order, such as 30,60,90; "
                f"got {list(self.boundaries)}"
            )
        if self.known_at is not None and self.known_at.tzinfo is None:
            raise ValueError("knownAt must be an instant with an offset, such as 2026-03-31T23:59:59+08:00")


def bucket_labels(basis: str, boundaries: Sequence[int]) -> list[str]:
    """The label of each aging bucket, as the columns `_bucket_columns` sums (contract section 5): by due date,
    bucket 1 holds ages 1..b1 (age 0 and below is "current"), by issue date 0..b1 (nothing is current); bucket k
    holds b(k-1)+1..bk, and the last one every age above bn. So 30,60,90 by due date reads 1-30, 31-60, 61-90,
    91+; by issue date 0-30, 31-60, 61-90, 91+. The CLI, letters and statements all label buckets with this."""
    labels, low = [], 1 if basis == DUE_DATE else 0
    for high in boundaries:
        labels.append(f"{low}-{high}")
        low = high + 1
    return [*labels, f"{boundaries[-1] + 1}+"]


def _bucket_columns(query: AgingQuery) -> tuple[str, list[int]]:
    """SQL summing `outstanding` into current + buckets by `age` (contract section 5)."""
    bounds = list(query.boundaries)
    first_low = 0 if query.basis == DUE_DATE else -1  # issue basis: bucket 1 holds ages 0..b1
    columns = ["SUM(CASE WHEN age <= ? THEN outstanding ELSE 0 END)"] if query.basis == DUE_DATE else ["0"]
    params = [0] if query.basis == DUE_DATE else []
    low = first_low
    for high in bounds:
        columns.append("SUM(CASE WHEN age > ? AND age <= ? THEN outstanding ELSE 0 END)")
        params += [low, high]
        low = high
    columns.append("SUM(CASE WHEN age > ? THEN outstanding ELSE 0 END)")
    params.append(low)
    return ", ".join(columns), params


def installments_outstanding(columns: str, where: str = "") -> str:
    """SQL for each installment of an invoice issued and not voided by day D, known at instant T, with its
    `outstanding` as of D: its amount less the settlements effective by D (money settles installments in due-date
    order, so `cum_before_minor` says how much goes to earlier ones). `columns` are more of `n` (installments);
    `where` is more conditions (" AND ..."). Parameters: installments_params(D, T), then those of `where`."""
    return (
        f"SELECT {columns}, {{greatest}}(0, {{least}}(n.amount_minor, "
        "n.amount_minor + n.cum_before_minor - COALESCE(s.amount, 0))) AS outstanding "
        "FROM {p}installments n JOIN {p}invoices i ON i.invoice_number = n.invoice_number "
        "LEFT JOIN (SELECT invoice_number, SUM(amount_minor) AS amount FROM {p}settlements "
        "  WHERE effective_day <= ? AND recorded_us <= ? "
        "  AND NOT (undone_day IS NOT NULL AND undone_day <= ? AND undone_recorded_us <= ?) "
        "  GROUP BY invoice_number) s ON s.invoice_number = n.invoice_number "
        "WHERE i.issue_day <= ? AND i.recorded_us <= ? "
        "AND NOT (i.void_day IS NOT NULL AND i.void_day <= ? AND i.void_recorded_us <= ?)" + where
    )


def installments_params(as_of_day: int, known_us: int = NEVER) -> list[int]:
    return [as_of_day, known_us, as_of_day, known_us, as_of_day, known_us, as_of_day, known_us]


def _customer_filter(query: AgingQuery, column: str) -> tuple[str, list[Any]]:
    return (f" AND {column} = ?", [query.customer_code]) if query.customer_code is not None else ("", [])


def _can_use_open_items(database: Database, query: AgingQuery, prefix: str) -> bool:
    if query.known_at is not None:
        return False
    rows = database.execute("SELECT value FROM {p}meta WHERE name = 'horizon'", (), prefix)
    return not rows or day(query.as_of) >= rows[0][0]


def _outstanding_rows(database: Database, query: AgingQuery, prefix: str, open_items: bool) -> list[tuple]:
    columns, bucket_params = _bucket_columns(query)
    age_of = "due_day" if query.basis == DUE_DATE else "issue_day"
    where, where_params = _customer_filter(query, "n.customer_code")
    if open_items:
        items = (
            f"SELECT n.customer_code, n.currency, ? - n.{age_of} AS age, n.outstanding_minor AS outstanding "
            f"FROM {{p}}installments n WHERE n.outstanding_minor > 0{where}"
        )
        item_params = [day(query.as_of), *where_params]
    else:
        as_of, known = day(query.as_of), NEVER if query.known_at is None else micros(query.known_at)
        items = installments_outstanding(f"n.customer_code, n.currency, ? - n.{age_of} AS age", where)
        item_params = [as_of, *installments_params(as_of, known), *where_params]
    sql = (
        f"SELECT customer_code, currency, {columns} FROM ({items}) AS items WHERE outstanding > 0 "
        "GROUP BY customer_code, currency"
    )
    return database.execute(sql, [*bucket_params, *item_params], prefix)


def _unallocated_rows(
    database: Database, query: AgingQuery, prefix: str, open_items: bool
) -> dict[tuple[str, str], int]:
    if open_items:
        where, where_params = _customer_filter(query, "customer_code")
        rows = database.execute(
            f"SELECT customer_code, currency, unallocated_minor FROM {{p}}customers "
            f"WHERE unallocated_minor <> 0{where}",
            where_params,
            prefix,
        )
        return {(code, currency): int(amount) for code, currency, amount in rows}
    as_of, known = day(query.as_of), NEVER if query.known_at is None else micros(query.known_at)
    alive = (
        "c.date_day <= ? AND c.recorded_us <= ? "
        "AND NOT (c.reversed_day IS NOT NULL AND c.reversed_day <= ? AND c.reversed_recorded_us <= ?)"
    )
    where, where_params = _customer_filter(query, "c.customer_code")
    credits = database.execute(
        f"SELECT c.customer_code, c.currency, SUM(c.amount_minor) FROM {{p}}credits c WHERE {alive}{where} "
        "GROUP BY c.customer_code, c.currency",
        [as_of, known, as_of, known, *where_params],
        prefix,
    )
    allocated = database.execute(
        f"SELECT c.customer_code, c.currency, SUM(s.amount_minor) FROM {{p}}settlements s JOIN {{p}}credits c "
        f"ON c.kind = s.kind AND c.source = s.source WHERE {alive}{where} AND s.effective_day <= ? "
        "AND s.recorded_us <= ? AND NOT (s.undone_day IS NOT NULL AND s.undone_day <= ? AND s.undone_recorded_us <= ?) "
        "GROUP BY c.customer_code, c.currency",
        [as_of, known, as_of, known, *where_params, as_of, known, as_of, known],
        prefix,
    )
    result = {(code, currency): int(total) for code, currency, total in credits}
    for code, currency, total in allocated:
        result[(code, currency)] -= int(total)
    return result


def _amounts(currency: str, current: int, buckets: list[int], unallocated: int) -> dict[str, Any]:
    money = minor_formatter(currency)
    return {
        "currency": currency,
        "outstanding": money(current + sum(buckets)),
        "current": money(current),
        "buckets": [money(b) for b in buckets],
        "unallocatedCredit": money(unallocated),
    }


def aging_report(database: Database, query: AgingQuery, prefix: str = "ar_") -> dict[str, Any]:
    """The contract's JSON shape: asOf, knownAt, basis, boundaries, rows (per customer and currency), totals."""
    width = len(query.boundaries) + 1
    lines: dict[tuple[str, str], list] = {}  # (code, currency) -> [current, buckets, unallocated]
    open_items = _can_use_open_items(database, query, prefix)
    for code, currency, current, *buckets in _outstanding_rows(database, query, prefix, open_items):
        lines[(code, currency)] = [int(current), [int(b) for b in buckets], 0]
    for key, unallocated in _unallocated_rows(database, query, prefix, open_items).items():
        lines.setdefault(key, [0, [0] * width, 0])[2] = unallocated
    rows: list[dict[str, Any]] = []
    totals: dict[str, list] = {}  # currency -> [current, buckets, unallocated]
    for (code, currency), (current, buckets, unallocated) in sorted(lines.items()):
        if current == 0 and not any(buckets) and unallocated == 0:
            continue
        assert len(buckets) == width
        rows.append({"customerCode": code, **_amounts(currency, current, buckets, unallocated)})
        total = totals.setdefault(currency, [0, [0] * width, 0])
        total[0] += current
        total_buckets = total[1]
        for index, amount in enumerate(buckets):
            if amount:
                total_buckets[index] += amount
        total[2] += unallocated
    return {
        "asOf": query.as_of.isoformat(),
        "knownAt": None if query.known_at is None else query.known_at.isoformat(),
        "basis": query.basis,
        "boundaries": list(query.boundaries),
        "rows": rows,
        "totals": [_amounts(currency, *totals[currency]) for currency in sorted(totals)],
    }
