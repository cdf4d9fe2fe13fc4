"""Finance views in GraphQL, thin over `projections.kpis`: `kpis(asOf, customerCode, byCustomer)` and
`kpiTrend(asOf, months, customerCode)`, `cashForecast(asOf, weeks, customerCode)`, for staff. Definitions: README, KPIs."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from graphql_api.arguments import parse_date
from graphql_api.context import caller
from graphql_api.errors import bad_input
from graphql_api.finance.types import CurrencyForecast, ForecastWeek, KpiReport, report_of
from projections.forecast import forecast
from projections.kpis import kpi_report, kpi_trend

MAX_TREND_MONTHS = 36
MAX_FORECAST_WEEKS = 52


@strawberry.type
class FinanceQuery:
    @strawberry.field(
        description="Receivables KPIs at a business date: totals per currency and, with byCustomer "
        "(or for one customer), each customer's own. Definitions: README, KPIs."
    )
    def kpis(self, info: Info, asOf: str, customerCode: Optional[str] = None, byCustomer: bool = False) -> KpiReport:
        caller(info)
        ledger = info.context.ledger
        return report_of(kpi_report(ledger.database, parse_date(asOf, "asOf"), customerCode, byCustomer))

    @strawberry.field(description="The KPI totals at each of the last `months` month ends up to asOf (asOf last).")
    def kpiTrend(self, info: Info, asOf: str, months: int = 12, customerCode: Optional[str] = None) -> list[KpiReport]:
        caller(info)
        if not 1 <= months <= MAX_TREND_MONTHS:
            raise bad_input(f"months must be between 1 and {MAX_TREND_MONTHS}, got {months}")
        ledger = info.context.ledger
        return [
            report_of(point) for point in kpi_trend(ledger.database, parse_date(asOf, "asOf"), months, customerCode)
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
            raise bad_input(f"weeks must be between 1 and {MAX_FORECAST_WEEKS}, got {weeks}")
        ledger = info.context.ledger
        result = forecast(ledger.database, parse_date(asOf, "asOf"), weeks, customerCode)
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
