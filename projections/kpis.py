"""KPIs at any date, per customer and in total per currency (amounts in different currencies are never added),
and their monthly trend: the read models gather the figures `ledger.kpis` defines the KPIs on. Everything is as
of the business date D, as known now: receivables are the installments' outstanding at D, as in aging.

Per-customer figures are summed in SQL (within the per-customer ceiling, so within BIGINT) or in Python integers;
totals across customers and the KPI arithmetic run in the wide decimal context (`ledger.money.WIDE`), so neither
rounds nor raises however many customers there are."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Any, Optional

from ledger.kpis import Figures, Kpis, Period, kpis
from ledger.money import WIDE, format_amount, from_minor
from projections.aging import installments_outstanding, installments_params
from projections.database import Database

COUNT_BACK_MONTHS = 24
Key = tuple[str, str]  # (customer code, currency)

_BALANCES = (
    "SELECT n.customer_code, n.currency, SUM(n.outstanding), SUM(CASE WHEN n.due_day >= ? THEN n.outstanding "
    "ELSE 0 END) FROM ("
    + installments_outstanding("n.customer_code, n.currency, n.due_day", "{where}")
    + ") AS n GROUP BY n.customer_code, n.currency"
)


def _where(customer_code: Optional[str], column: str) -> tuple[str, list[Any]]:
    return (f" AND {column} = ?", [customer_code]) if customer_code else ("", [])


def balances(database: Database, day: date, customer_code: Optional[str] = None) -> dict[Key, tuple[int, int]]:
    """(receivables, of which not yet due) in minor units at `day`, per customer and currency."""
    d = day.toordinal()
    where, params = _where(customer_code, "n.customer_code")
    rows = database.execute(_BALANCES.replace("{where}", where), [d, *installments_params(d), *params])
    return {(code, currency): (int(total), int(current)) for code, currency, total, current in rows}


def _sales(database: Database, first: date, last: date, customer_code: Optional[str]) -> list[tuple]:
    """(customer, currency, issue day, total) of invoices issued in [first, last] and not void by `last`."""
    where, params = _where(customer_code, "customer_code")
    return database.execute(
        "SELECT customer_code, currency, issue_day, total_minor FROM {p}invoices WHERE issue_day >= ? AND issue_day "
        f"<= ? AND NOT (void_day IS NOT NULL AND void_day <= ?){where}",
        [first.toordinal(), last.toordinal(), last.toordinal(), *params],
    )


def _written_off(database: Database, after: date, last: date, customer_code: Optional[str]) -> dict[Key, int]:
    where, params = _where(customer_code, "s.customer_code")
    rows = database.execute(
        "SELECT s.customer_code, i.currency, SUM(s.amount_minor) FROM {p}settlements s JOIN {p}invoices i ON "
        "i.invoice_number = s.invoice_number WHERE s.kind = 'WRITE_OFF' AND s.effective_day > ? AND s.effective_day "
        f"<= ? AND NOT (s.undone_day IS NOT NULL AND s.undone_day <= ?){where} GROUP BY s.customer_code, i.currency",
        [after.toordinal(), last.toordinal(), last.toordinal(), *params],
    )
    return {(code, currency): int(total) for code, currency, total in rows}


def _hand_overs(database: Database, last: date, customer_code: Optional[str]) -> dict[Key, tuple[int, int]]:
    """(handed over, recovered since) per customer and currency: each invoice's first AGENCY or LEGAL dunning step
    by `last` (a run's notice or one recorded by hand) hands over what the invoice owed that day; payments and
    credit notes on it after that day, up to `last`, recover it (at most what was handed over)."""
    where, params = _where(customer_code, "l.customer_code")
    first: dict[str, tuple[str, str, int, int]] = {}  # invoice -> (customer, currency, day, total)
    for number, code, currency, day, total in database.execute(
        "SELECT l.invoice_number, l.customer_code, i.currency, l.day, i.total_minor FROM {p}collection_log l "
        "JOIN {p}invoices i ON i.invoice_number = l.invoice_number WHERE l.kind = 'DUNNING' AND l.channel IN "
        f"('AGENCY', 'LEGAL') AND l.day <= ?{where} ORDER BY l.day, l.position",
        [last.toordinal(), *params],
    ):
        first.setdefault(number, (code, currency, day, total))
    settled: dict[str, list[tuple]] = defaultdict(list)
    numbers = sorted(first)
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        for row in database.execute(
            "SELECT invoice_number, kind, effective_day, amount_minor, undone_day FROM {p}settlements WHERE "
            f"invoice_number IN ({','.join('?' * len(chunk))}) AND effective_day <= ?",
            [*chunk, last.toordinal()],
        ):
            settled[row[0]].append(row[1:])
    result: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for number, (code, currency, day, total) in first.items():
        alive = lambda on, undone: undone is None or undone > on  # noqa: E731
        owed = total - sum(
            amount for _kind, effective, amount, undone in settled[number] if effective <= day and alive(day, undone)
        )
        paid = sum(
            amount
            for kind, effective, amount, undone in settled[number]
            if kind != "WRITE_OFF" and effective > day and alive(last.toordinal(), undone)
        )
        result[(code, currency)][0] += max(owed, 0)
        result[(code, currency)][1] += min(max(owed, 0), paid)
    return {key: (handed, recovered) for key, (handed, recovered) in result.items()}


def _periods_back(as_of: date, months: int) -> list[tuple[date, date]]:
    """[first, last] of the month to D, then of each whole month before, newest first."""
    spans = [(as_of.replace(day=1), as_of)]
    while len(spans) < months:
        end = spans[-1][0] - timedelta(days=1)
        spans.append((end.replace(day=1), end))
    return spans


def figures(database: Database, as_of: date, customer_code: Optional[str] = None) -> dict[Key, Figures]:
    """The figures of every customer (or one) with anything in the 24 months to D."""
    spans = _periods_back(as_of, COUNT_BACK_MONTHS)
    year_before = date(as_of.year - 1, as_of.month, min(as_of.day, calendar.monthrange(as_of.year - 1, as_of.month)[1]))
    month_start = spans[0][0] - timedelta(days=1)
    now, at_month_start, at_year_start = (
        balances(database, day, customer_code) for day in (as_of, month_start, year_before)
    )
    sales: dict[Key, list[int]] = defaultdict(lambda: [0] * len(spans))
    year_sales: dict[Key, int] = defaultdict(int)
    for code, currency, issued, total in _sales(database, spans[-1][0], as_of, customer_code):
        index = next(i for i, (first, _last) in enumerate(spans) if first.toordinal() <= issued)
        sales[(code, currency)][index] += total
        if issued > year_before.toordinal():
            year_sales[(code, currency)] += total
    written_off = _written_off(database, year_before, as_of, customer_code)
    hand_overs = _hand_overs(database, as_of, customer_code)
    keys = set(now) | set(at_month_start) | set(at_year_start) | set(sales) | set(written_off) | set(hand_overs)
    found = {}
    for key in keys:
        money = lambda minor, currency=key[1]: from_minor(minor, currency)
        total, current = now.get(key, (0, 0))
        by_period = sales.get(key, [0] * len(spans))
        found[key] = Figures(
            money(total),
            money(current),
            [Period((last - first).days + 1, money(amount)) for (first, last), amount in zip(spans, by_period)],
            money(at_month_start.get(key, (0, 0))[0]),
            money(by_period[0]),
            money(at_year_start.get(key, (0, 0))[0]),
            money(year_sales.get(key, 0)),
            money(written_off.get(key, 0)),
            money(hand_overs.get(key, (0, 0))[0]),
            money(hand_overs.get(key, (0, 0))[1]),
        )
    return found


def _add(a: Figures, b: Figures) -> Figures:
    return replace(
        a,
        receivables=a.receivables + b.receivables,
        current=a.current + b.current,
        periods=[Period(p.days, p.sales + q.sales) for p, q in zip(a.periods, b.periods)],
        month_start_receivables=a.month_start_receivables + b.month_start_receivables,
        month_sales=a.month_sales + b.month_sales,
        year_start_receivables=a.year_start_receivables + b.year_start_receivables,
        year_sales=a.year_sales + b.year_sales,
        year_written_off=a.year_written_off + b.year_written_off,
        handed_over=a.handed_over + b.handed_over,
        recovered=a.recovered + b.recovered,
    )


def _row(f: Figures, k: Kpis, currency: str) -> dict[str, Any]:
    def text(value: Optional[Decimal]) -> Optional[str]:
        return None if value is None else f"{value:f}"

    def money(value: Decimal) -> str:
        return format_amount(value, currency)

    return {
        "currency": currency,
        "dso": text(k.dso),
        "bestPossibleDso": text(k.best_possible_dso),
        "averageDaysDelinquent": text(k.average_days_delinquent),
        "cei": text(k.cei),
        "turnover": text(k.turnover),
        "overdueRatio": text(k.overdue_ratio),
        "badDebtRatio": text(k.bad_debt_ratio),
        "recoveryRate": text(k.recovery_rate),
        "receivables": money(f.receivables),
        "overdue": money(f.receivables - f.current),
        "salesLast12Months": money(f.year_sales),
        "writtenOffLast12Months": money(f.year_written_off),
        "handedOver": money(f.handed_over),
        "recovered": money(f.recovered),
    }


def kpi_report(
    database: Database, as_of: date, customer_code: Optional[str] = None, by_customer: bool = False
) -> dict[str, Any]:
    """Totals per currency, and (by_customer, or for one customer) each customer's own."""
    with localcontext(WIDE):
        found = figures(database, as_of, customer_code)
        totals: dict[str, Figures] = {}
        for (_code, currency), f in sorted(found.items()):
            totals[currency] = _add(totals[currency], f) if currency in totals else f
        report: dict[str, Any] = {
            "asOf": as_of.isoformat(),
            "totals": [_row(f, kpis(f), currency) for currency, f in sorted(totals.items())],
        }
        if by_customer or customer_code:
            report["customers"] = [
                {"customerCode": code, **_row(f, kpis(f), currency)} for (code, currency), f in sorted(found.items())
            ]
    return report


def kpi_trend(
    database: Database, as_of: date, months: int = 12, customer_code: Optional[str] = None
) -> list[dict[str, Any]]:
    """The totals at the last `months` month ends up to D (D itself last, when it is not a month end)."""
    ends = [last for _first, last in _periods_back(as_of, months)][::-1]
    return [kpi_report(database, day, customer_code) for day in ends]
