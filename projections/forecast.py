"""Cash forecast from the read models (`ledger.forecast` defines it): expected receipts by week for the next N
weeks from the open installments at D, and its backtest — forecasts made at past dates beside the payments that
actually arrived on those installments week by week, with the weighted absolute percentage error.

Sums across customers run in the wide decimal context (`ledger.money.WIDE`): exact however many there are."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal, localcontext
from typing import Any, Optional

from ledger.forecast import expect, week_span, weighted_absolute_percentage_error
from ledger.money import WIDE, format_amount, from_minor
from projections.behaviour import behaviour
from projections.database import Database
from projections.dunning import open_items


def _grades(database: Database, as_of: date, codes: list[str]) -> dict[str, str]:
    """Each customer's latest credit grade assessed by `as_of`."""
    grades: dict[str, str] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        for code, grade in database.execute(
            "SELECT customer_code, grade FROM {p}assessments WHERE assessed_day <= ? AND customer_code IN "
            f"({','.join('?' * len(chunk))}) ORDER BY position",
            [as_of.toordinal(), *chunk],
        ):
            grades[code] = grade
    return grades


def expected_receipts(
    database: Database, as_of: date, weeks: int, customer_code: Optional[str] = None
) -> dict[str, dict[str, Any]]:
    """currency -> {open, weeks: [expected per week], later, items: [(invoice, week or None, amount)], naive:
    [per week if every installment were paid in full on its due date — the baseline the backtest compares with]}.
    One read of the open items serves both."""
    items = open_items(database, as_of, [customer_code] if customer_code else None)
    codes = sorted(items)
    seen = behaviour(database, as_of, codes) if codes else {}
    grades = _grades(database, as_of, codes)
    found: dict[str, dict[str, Any]] = {}
    with localcontext(WIDE):
        for code in codes:
            delay = seen[code].average_days_beyond_terms if code in seen else None
            for item in items[code]:
                bucket = found.setdefault(
                    item.currency,
                    {
                        "open": Decimal(0),
                        "weeks": [Decimal(0)] * weeks,
                        "later": Decimal(0),
                        "items": [],
                        "naive": [Decimal(0)] * weeks,
                    },
                )
                for due, outstanding in item.parts():
                    expected = expect(as_of, due, outstanding, item.currency, delay, grades.get(code), weeks)
                    bucket["open"] += outstanding
                    if expected.week is None:
                        bucket["later"] += expected.amount
                    else:
                        bucket["weeks"][expected.week - 1] += expected.amount
                    bucket["items"].append((item.invoice_number, expected.week, expected.amount))
                    naive = expect(as_of, due, outstanding, item.currency, None, "CERTAIN", weeks)
                    if naive.week is not None:
                        bucket["naive"][naive.week - 1] += naive.amount
    return found


def forecast(database: Database, as_of: date, weeks: int = 13, customer_code: Optional[str] = None) -> dict[str, Any]:
    found = expected_receipts(database, as_of, weeks, customer_code)
    return {
        "asOf": as_of.isoformat(),
        "weeks": weeks,
        "currencies": [
            {
                "currency": currency,
                "open": format_amount(bucket["open"], currency),
                "weeks": [
                    {
                        "week": n + 1,
                        "from": week_span(as_of, n + 1)[0].isoformat(),
                        "to": week_span(as_of, n + 1)[1].isoformat(),
                        "expected": format_amount(amount, currency),
                    }
                    for n, amount in enumerate(bucket["weeks"])
                ],
                "later": format_amount(bucket["later"], currency),
            }
            for currency, bucket in sorted(found.items())
        ],
    }


def _arrived(database: Database, as_of: date, weeks: int, invoices: list[str], currency: str) -> list[Decimal]:
    """Payments and credit notes that settled these invoices in each week after `as_of` (and were not undone)."""
    last = week_span(as_of, weeks)[1].toordinal()
    arrived = [Decimal(0)] * weeks
    for start in range(0, len(invoices), 500):
        chunk = invoices[start : start + 500]
        for day, amount in database.execute(
            "SELECT effective_day, amount_minor FROM {p}settlements WHERE kind <> 'WRITE_OFF' AND invoice_number "
            f"IN ({','.join('?' * len(chunk))}) AND effective_day > ? AND effective_day <= ? AND NOT (undone_day IS NOT "
            "NULL AND undone_day <= ?)",
            [*chunk, as_of.toordinal(), last, last],
        ):
            arrived[(day - as_of.toordinal() - 1) // 7] += from_minor(amount, currency)
    return arrived


def backtest(database: Database, origins: list[date], weeks: int = 13) -> dict[str, Any]:
    """Forecasts made at each origin (as of it, known now) beside what arrived; WAPE per origin and overall, and
    the WAPE of the naive baseline (everything paid in full on its due date) for comparison."""
    with localcontext(WIDE):
        return _backtest(database, origins, weeks)


def _backtest(database: Database, origins: list[date], weeks: int) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    # currency -> (forecast, arrived) per week over every origin, for the forecast and for the naive baseline
    overall: defaultdict[str, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    baseline: defaultdict[str, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for origin in origins:
        found = expected_receipts(database, origin, weeks)
        for currency, bucket in sorted(found.items()):
            invoices = sorted({number for number, _week, _amount in bucket["items"]})
            arrived = _arrived(database, origin, weeks, invoices, currency)
            pairs = list(zip(bucket["weeks"], arrived))
            overall[currency] += pairs
            baseline[currency] += list(zip(bucket["naive"], arrived))
            error = weighted_absolute_percentage_error(pairs)
            results.append(
                {
                    "asOf": origin.isoformat(),
                    "currency": currency,
                    "forecast": format_amount(sum(bucket["weeks"], Decimal(0)), currency),
                    "arrived": format_amount(sum(arrived, Decimal(0)), currency),
                    "weeks": [
                        {"week": n + 1, "forecast": format_amount(f, currency), "arrived": format_amount(a, currency)}
                        for n, (f, a) in enumerate(pairs)
                    ],
                    "wape": None if error is None else f"{error:f}",
                }
            )

    def wape(by_currency: dict[str, list]) -> dict[str, Optional[str]]:
        errors = {currency: weighted_absolute_percentage_error(pairs) for currency, pairs in by_currency.items()}
        return {currency: None if error is None else f"{error:f}" for currency, error in sorted(errors.items())}

    return {"weeks": weeks, "origins": results, "wape": wape(overall), "naiveWape": wape(baseline)}
