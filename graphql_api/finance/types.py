"""The finance views' GraphQL shapes: KPI rows and reports (totals per currency, and per customer), and the cash
forecast's weeks per currency."""

from __future__ import annotations

from typing import Optional

import strawberry


@strawberry.type
class KpiRow:
    currency: str
    customerCode: Optional[str]  # None on a total
    dso: Optional[str]
    bestPossibleDso: Optional[str]
    averageDaysDelinquent: Optional[str]
    cei: Optional[str]
    turnover: Optional[str]
    overdueRatio: Optional[str]
    badDebtRatio: Optional[str]
    recoveryRate: Optional[str]
    receivables: str
    overdue: str
    salesLast12Months: str
    writtenOffLast12Months: str
    handedOver: str
    recovered: str


@strawberry.type
class KpiReport:
    asOf: str
    totals: list[KpiRow]
    customers: Optional[list[KpiRow]]  # with byCustomer, or for one customer


def report_of(document: dict) -> KpiReport:
    rows = lambda items: [KpiRow(**{"customerCode": None, **item}) for item in items]  # noqa: E731
    return KpiReport(
        asOf=document["asOf"],
        totals=rows(document["totals"]),
        customers=rows(document["customers"]) if "customers" in document else None,
    )


@strawberry.type
class ForecastWeek:
    week: int
    start: str
    end: str
    expected: str


@strawberry.type
class CurrencyForecast:
    currency: str
    open: str
    weeks: list[ForecastWeek]
    later: str
