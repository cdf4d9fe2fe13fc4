"""Cash forecast (pure): when each open installment is expected to be paid, and how much of it.

- Expected date = its due date + the customer's own average days beyond terms over the 12 months before the
  forecast date (0 when it has no settled history). An installment already later than that is expected in the
  first week.
- Expected amount = outstanding × the probability of collection of the customer's latest credit grade (A 0.99,
  B 0.97, C 0.93, D 0.85, E 0.70; never assessed 0.90), halved when the installment is more than 90 days overdue
  at the forecast date.
- Weeks: week k covers the days D + 7(k−1) + 1 … D + 7k; what is expected later than the last week is "later".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from ledger.money import round_to_currency

COLLECTION_PROBABILITY = {
    "A": Decimal("0.99"),
    "B": Decimal("0.97"),
    "C": Decimal("0.93"),
    "D": Decimal("0.85"),
    "E": Decimal("0.70"),
    "CERTAIN": Decimal(1),
}  # CERTAIN: the naive baseline
UNASSESSED_PROBABILITY = Decimal("0.90")
LONG_OVERDUE_DAYS = 90
LONG_OVERDUE_FACTOR = Decimal("0.5")


@dataclass(frozen=True)
class Expected:
    week: Optional[int]  # 1..weeks, or None: later
    on: date
    amount: Decimal


def expect(
    as_of: date,
    due: date,
    outstanding: Decimal,
    currency: str,
    delay_days: Optional[Decimal],
    grade: Optional[str],
    weeks: int,
) -> Expected:
    shift = int((delay_days or Decimal(0)).to_integral_value(rounding=ROUND_HALF_UP))
    on = max(due + timedelta(days=shift), as_of + timedelta(days=1))
    probability = COLLECTION_PROBABILITY.get(grade or "", UNASSESSED_PROBABILITY)
    if (as_of - due).days > LONG_OVERDUE_DAYS and grade != "CERTAIN":
        probability *= LONG_OVERDUE_FACTOR
    amount = round_to_currency(outstanding * probability, currency)
    week = (on - as_of).days // 7 + (1 if (on - as_of).days % 7 else 0)
    return Expected(week if week <= weeks else None, on, amount)


def week_span(as_of: date, week: int) -> tuple[date, date]:
    return as_of + timedelta(days=7 * (week - 1) + 1), as_of + timedelta(days=7 * week)


def weighted_absolute_percentage_error(pairs: list[tuple[Decimal, Decimal]]) -> Optional[Decimal]:
    """Σ|forecast − actual| ÷ Σ actual over (forecast, actual) pairs; None when nothing arrived."""
    actual = sum((a for _f, a in pairs), Decimal(0))
    if actual == 0:
        return None
    return (sum((abs(f - a) for f, a in pairs), Decimal(0)) / actual).quantize(Decimal("0.0001"))
