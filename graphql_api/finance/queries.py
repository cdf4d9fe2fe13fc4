"""Finance views in GraphQL, thin over `projections.kpis`: `kpis(asOf, customerCode, byCustomer)` and
`kpiTrend(asOf, months, customerCode)`, `cashForecast(asOf, weeks, customerCode)`, for staff. Definitions: README, KPIs."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from graphql_api.context import caller
from graphql_api.reports import plain as reports
from projections.forecast import forecast
from projections.kpis import kpi_report, kpi_trend

MAX_TREND_MONTHS = 36
MAX_FORECAST_WEEKS = 52


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


def _report(document: dict) -> KpiReport:
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


@strawberry.type
class FinanceQuery:
    @strawberry.field(
        description="Receivables KPIs at a business date: totals per currency and, with byCustomer "
        "(or for one customer), each customer's own. Definitions: README, KPIs."
    )
    def kpis(self, info: Info, asOf: str, customerCode: Optional[str] = None, byCustomer: bool = False) -> KpiReport:
        caller(info)
        ledger = info.context.ledger
        return _report(kpi_report(ledger.database, reports.parse_date(asOf, "asOf"), customerCode, byCustomer))

    @strawberry.field(description="The KPI totals at each of the last `months` month ends up to asOf (asOf last).")
    def kpiTrend(self, info: Info, asOf: str, months: int = 12, customerCode: Optional[str] = None) -> list[KpiReport]:
        caller(info)
        if not 1 <= months <= MAX_TREND_MONTHS:
            raise reports.bad_input(f"months must be between 1 and {MAX_TREND_MONTHS}, got {months}")
        ledger = info.context.ledger
        return [
            _report(point)
            for point in kpi_trend(ledger.database, reports.parse_date(asOf, "asOf"), months, customerCode)
        ]

    @strawberry.field(
        description="Expected receipts by week for the next `weeks` weeks (1-52) after asOf, per "
        "currency: open installments shifted by each customer's own days beyond terms and "
        "weighted by its credit grade (README, Cash forecast)."
    )
    def cashForecast(
        self, info: Info, asOf: str, weeks: int = 13, customerCode: Optional[str] = None
    ) -> list[CurrencyForecast]:
        caller(info)
        if not 1 <= weeks <= MAX_FORECAST_WEEKS:
            raise reports.bad_input(f"weeks must be between 1 and {MAX_FORECAST_WEEKS}, got {weeks}")
        ledger = info.context.ledger
        result = forecast(ledger.database, reports.parse_date(asOf, "asOf"), weeks, customerCode)
        return [
            CurrencyForecast(
                currency=row["currency"],
                open=row["open"],
                later=row["later"],
                weeks=[
                    ForecastWeek(week=w["week"], start=w["from"], end=w["to"], expected=w["expected"])
                    for w in row["weeks"]
                ],
            )
            for row in result["currencies"]
        ]
