"""Receivables KPIs (pure): each a function of figures the read models gather for a date. Definitions (README,
"KPIs"), with D the date and "receivables" the outstanding amount of invoices as of D:

- DSO, count-back: walk back from D period by period (the month to date, then whole calendar months), taking
  each period's credit sales off the receivables and counting its days, until the receivables left are less
  than a period's sales: that period counts the fraction left ÷ its sales of its days. DSO is the days counted.
- Best possible DSO: the same count-back over the receivables not yet due. Average days delinquent (ADD) =
  DSO − best possible DSO.
- Collection effectiveness index (CEI), for the month to D: (receivables at the previous month end + sales in the
  month − receivables at D) ÷ (receivables at the previous month end + sales in the month − current receivables
  at D) × 100.
- AR turnover: credit sales in the 12 months to D ÷ the average of the receivables 12 months before D and at D.
- Overdue ratio: receivables past due at D ÷ receivables at D.
- Bad-debt ratio: write-offs in the 12 months to D ÷ credit sales in the same 12 months.
- Recovery rate: of what was handed to a collection agency or to legal action (the notice's amounts), the share
  paid or credited after the hand-over, up to D.

A ratio whose denominator is zero is None (not defined), never a made-up 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

DAYS_STEP = Decimal("0.1")
RATIO_STEP = Decimal("0.0001")
PERCENT_STEP = Decimal("0.1")


@dataclass(frozen=True)
class Period:
    days: int
    sales: Decimal


def count_back_days(receivables: Decimal, periods: list[Period]) -> Decimal:
    """Days of sales the receivables represent, newest period first (see the module docstring). Receivables older
    than every period given count all their periods' days."""
    left, days = receivables, Decimal(0)
    for period in periods:
        if left <= 0:
            break
        if period.sales > 0 and left < period.sales:
            days += left / period.sales * period.days
            left = Decimal(0)
            break
        left -= max(period.sales, Decimal(0))
        days += period.days
    return days.quantize(DAYS_STEP)


def ratio(numerator: Decimal, denominator: Decimal, step: Decimal = RATIO_STEP) -> Optional[Decimal]:
    return None if denominator == 0 else (numerator / denominator).quantize(step)


@dataclass(frozen=True)
class Figures:
    """What the read models know for one customer (or all customers in one currency) at D."""

    receivables: Decimal
    current: Decimal  # not yet due at D
    periods: list[Period]  # the month to D, then whole months back, newest first
    month_start_receivables: Decimal  # at the end of the month before D's
    month_sales: Decimal  # credit sales in D's month up to D
    year_start_receivables: Decimal  # 12 months before D
    year_sales: Decimal  # credit sales in the 12 months to D
    year_written_off: Decimal
    handed_over: Decimal
    recovered: Decimal


@dataclass(frozen=True)
class Kpis:
    dso: Decimal
    best_possible_dso: Decimal
    average_days_delinquent: Decimal
    cei: Optional[Decimal]
    turnover: Optional[Decimal]
    overdue_ratio: Optional[Decimal]
    bad_debt_ratio: Optional[Decimal]
    recovery_rate: Optional[Decimal]


def kpis(f: Figures) -> Kpis:
    dso = count_back_days(f.receivables, f.periods)
    best = count_back_days(f.current, f.periods)
    collectible = f.month_start_receivables + f.month_sales
    cei = ratio((collectible - f.receivables) * 100, collectible - f.current, PERCENT_STEP)
    average = (f.year_start_receivables + f.receivables) / 2
    return Kpis(
        dso,
        best,
        dso - best,
        cei,
        ratio(f.year_sales, average, Decimal("0.01")),
        ratio(f.receivables - f.current, f.receivables),
        ratio(f.year_written_off, f.year_sales),
        ratio(f.recovered, f.handed_over),
    )
