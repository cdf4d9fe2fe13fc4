"""A customer's payment behaviour as of a business date, from the read models: the ledger's half of a credit
assessment, and the evidence early-warning rules look at.

Over the window of BEHAVIOUR_DAYS before the date (D - 365, D]:
- monthly invoicing: invoices issued in the window (and not voided by D), divided by 12;
- an invoice is settled on the day its payments, credit notes and write-offs (effective by D, not undone by D)
  first reach its total; for the invoices settled in the window: average days beyond terms (amount-weighted
  max(0, settled day - due day)) and the share settled by the due date; consecutive late settlements (the
  trailing run, in settlement order);
- largest overdue: the largest amount still outstanding at D on an invoice due before D (invoice level), and
  its ratio to monthly invoicing;
- broken promises: promises made in the window and due before D whose invoice was not paid, between the promise
  and its date, the promised amount (or all that was outstanding when promised, if less);
- disputes opened in the window.
Metrics without data (no settled invoice yet) are None: the scorecard scores them as missing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

from ledger.money import at_scale, format_minor, from_minor
from projections.database import Database

BEHAVIOUR_DAYS = 365
DSO_MONTHS = 7  # month ends in the DSO series (six month-on-month changes)
DSO_DAYS = 91  # DSO = outstanding at a month end / invoiced in the DSO_DAYS before it x DSO_DAYS
RATIO_CAP = Decimal(99)  # overdue with no invoicing in the window: as bad as a ratio gets


@dataclass
class Behaviour:
    customer_code: str
    currency: str
    monthly_invoicing: Decimal
    average_days_beyond_terms: Optional[Decimal]
    on_time_share: Optional[Decimal]
    consecutive_late: int
    largest_overdue: Decimal
    largest_overdue_ratio: Decimal
    largest_overdue_days: int
    overdue_total: Decimal
    broken_promises: int
    disputes: int
    broken_promise_invoices: list[str] = field(default_factory=list)
    broken_promise_evidence: dict[str, dict] = field(default_factory=dict)  # invoice -> its latest broken promise
    late_run: list[str] = field(default_factory=list)  # the trailing late settlements, oldest first
    exposure: Decimal = Decimal(0)  # outstanding at D on invoices issued by D
    overdue_days: dict[str, int] = field(default_factory=dict)  # invoice -> days past due at D (outstanding > 0)
    dso: list[Decimal] = field(default_factory=list)  # at the last DSO_MONTHS month ends up to D, oldest first
    dso_rises: int = 0  # consecutive month-on-month rises at the end of that series

    def scorecard_values(self) -> dict[str, Optional[Decimal]]:
        return {
            "average_days_beyond_terms": self.average_days_beyond_terms,
            "on_time_share": self.on_time_share,
            "largest_overdue_ratio": self.largest_overdue_ratio,
            "broken_promises": Decimal(self.broken_promises),
            "disputes": Decimal(self.disputes),
        }


@dataclass
class _Invoice:
    number: str
    total: int
    issue_day: int
    due_day: int
    void_day: Optional[int]
    settlements: list[tuple[int, int]] = field(default_factory=list)  # (effective day, amount), effective by D

    def paid_between(self, first_day: int, last_day: int) -> int:
        return sum(amount for day, amount in self.settlements if first_day <= day <= last_day)

    def settled_day(self) -> Optional[int]:
        running = 0
        for day, amount in sorted(self.settlements):
            running += amount
            if running >= self.total:
                return day
        return None


def _placeholders(codes: list[str]) -> str:
    return ",".join("?" * len(codes))


def behaviour(database: Database, as_of: date, customer_codes: list[str]) -> dict[str, Behaviour]:
    """Behaviour as of `as_of` for the given customers (a few queries for all of them)."""
    found: dict[str, Behaviour] = {}
    for start in range(0, len(customer_codes), 500):
        found.update(_behaviour(database, as_of.toordinal(), customer_codes[start : start + 500]))
    return found


def _behaviour(database: Database, d: int, codes: list[str]) -> dict[str, Behaviour]:
    marks = _placeholders(codes)
    currencies = dict(
        database.execute(f"SELECT customer_code, currency FROM {{p}}customers WHERE customer_code IN ({marks})", codes)
    )
    invoices: dict[str, dict[str, _Invoice]] = defaultdict(dict)
    for code, number, total, issued, due, void in database.execute(
        "SELECT customer_code, invoice_number, total_minor, issue_day, due_day, void_day FROM {p}invoices "
        f"WHERE customer_code IN ({marks}) AND issue_day <= ?",
        [*codes, d],
    ):
        if void is None or void > d:
            invoices[code][number] = _Invoice(number, total, issued, due, void)
    for code, number, amount, effective in database.execute(
        "SELECT customer_code, invoice_number, amount_minor, effective_day FROM {p}settlements WHERE customer_code "
        f"IN ({marks}) AND effective_day <= ? AND (undone_day IS NULL OR undone_day > ?)",
        [*codes, d, d],
    ):
        invoice = invoices[code].get(number)
        if invoice is not None:
            invoice.settlements.append((effective, amount))
    log: dict[str, list[tuple]] = defaultdict(list)
    for row in database.execute(
        "SELECT customer_code, invoice_number, kind, day, amount_minor, made_day FROM "
        f"{{p}}collection_log WHERE customer_code IN ({marks}) AND made_day <= ? "
        "ORDER BY position",
        [*codes, d],
    ):
        log[row[0]].append(row[1:])
    return {code: _one(code, currency, d, invoices[code], log[code]) for code, currency in currencies.items()}


def _one(code: str, currency: str, d: int, invoices: dict[str, _Invoice], log: list[tuple]) -> Behaviour:
    window_start = d - BEHAVIOUR_DAYS  # exclusive
    invoiced = sum(i.total for i in invoices.values() if i.issue_day > window_start)
    monthly = from_minor(invoiced, currency) / 12
    settled = sorted(
        ((day, i) for i in invoices.values() if (day := i.settled_day()) is not None and window_start < day <= d),
        key=lambda pair: (pair[0], pair[1].due_day, pair[1].number),
    )
    weighted = sum(i.total * max(0, day - i.due_day) for day, i in settled)
    weight = sum(i.total for _day, i in settled)
    average = (Decimal(weighted) / weight).quantize(Decimal("0.1")) if weight else None
    on_time = (
        (Decimal(sum(1 for day, i in settled if day <= i.due_day)) / len(settled)).quantize(Decimal("0.001"))
        if settled
        else None
    )
    consecutive = 0
    run: list[str] = []  # numbers of the latest invoices settled late, oldest first
    for day, settled_invoice in reversed(settled):
        if day <= settled_invoice.due_day:
            break
        consecutive += 1
        run.insert(0, settled_invoice.number)
    overdue = [(i.total - i.paid_between(0, d), d - i.due_day) for i in invoices.values() if i.due_day < d]
    overdue = [(left, days) for left, days in overdue if left > 0]
    largest, largest_days = max(overdue, default=(0, 0))
    largest_amount = from_minor(largest, currency)
    ratio = (largest_amount / monthly).quantize(Decimal("0.001")) if monthly else (RATIO_CAP if largest else Decimal(0))
    broken, promises = [], {}
    for number, kind, promised_day, amount, made_day in log:
        invoice = invoices.get(number)
        if kind != "PROMISE" or invoice is None or made_day <= window_start or promised_day >= d:
            continue
        owed_then = invoice.total - invoice.paid_between(0, made_day - 1)
        paid = invoice.paid_between(made_day, promised_day)
        if paid < min(amount, owed_then):
            broken.append(number)
            promises[number] = {
                "promisedOn": date.fromordinal(promised_day).isoformat(),
                "madeOn": date.fromordinal(made_day).isoformat(),
                "promised": format_minor(amount, currency),
                "paidByThen": format_minor(paid, currency),
            }
    disputes = sum(
        1 for _n, kind, _day, _amount, made_day in log if kind == "DISPUTE_OPENED" and made_day > window_start
    )
    series = _dso_series(invoices, d)
    rises = 0
    for earlier, later in reversed(list(zip(series, series[1:]))):
        if later <= earlier:
            break
        rises += 1
    return Behaviour(
        code,
        currency,
        at_scale(monthly, currency),
        average,
        on_time,
        consecutive,
        largest_amount,
        min(ratio, RATIO_CAP),
        largest_days,
        from_minor(sum(left for left, _days in overdue), currency),
        len(broken),
        disputes,
        broken_promise_invoices=broken,
        broken_promise_evidence=promises,
        late_run=run,
        exposure=from_minor(sum(i.total - i.paid_between(0, d) for i in invoices.values()), currency),
        overdue_days={
            i.number: d - i.due_day for i in invoices.values() if i.due_day < d and i.total > i.paid_between(0, d)
        },
        dso=series,
        dso_rises=rises,
    )


def _month_ends(d: int, count: int) -> list[int]:
    """The last `count` month ends on or before day ordinal `d`, oldest first."""
    current = date.fromordinal(d)
    ends = []
    end = current.replace(day=1).toordinal() - 1  # the end of the month before
    if (current + timedelta(days=1)).day == 1:
        end = d  # d itself ends a month
    for _ in range(count):
        ends.append(end)
        end = date.fromordinal(end).replace(day=1).toordinal() - 1
    return list(reversed(ends))


def _dso_series(invoices: dict[str, _Invoice], d: int) -> list[Decimal]:
    series = []
    for end in _month_ends(d, DSO_MONTHS):
        live = [i for i in invoices.values() if i.issue_day <= end and (i.void_day is None or i.void_day > end)]
        outstanding = sum(i.total - i.paid_between(0, end) for i in live)
        sales = sum(i.total for i in live if i.issue_day > end - DSO_DAYS)
        series.append((Decimal(outstanding) / sales * DSO_DAYS).quantize(Decimal("0.1")) if sales else Decimal(0))
    return series
