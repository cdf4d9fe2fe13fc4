"""Finance report commands: `report kpis` (at a date, in total per currency and per customer), `report kpi-trend`,
`report forecast` (expected receipts by week) and `report forecast-backtest`."""

from __future__ import annotations

from datetime import date
from typing import Optional

import click
from rich.console import Console
from rich.table import Table

from arledger.cli.common import DateParam, database_url_option, format_option, print_json, read_caught_up
from arledger.cli.reports import report_group
from projections.forecast import backtest, forecast
from projections.kpis import kpi_report, kpi_trend

COLUMNS = (
    "dso",
    "bestPossibleDso",
    "averageDaysDelinquent",
    "cei",
    "turnover",
    "overdueRatio",
    "badDebtRatio",
    "recoveryRate",
    "receivables",
    "overdue",
)


def _table(title: str, rows: list[dict], first: str) -> Table:
    table = Table(title=title)
    for column in (first, "currency", *COLUMNS):
        table.add_column(column, justify="left" if column in (first, "currency") else "right")
    for row in rows:
        table.add_row(row[first], row["currency"], *("" if row[c] is None else row[c] for c in COLUMNS))
    return table


@report_group.command("kpis")
@click.option("--as-of", type=DateParam(), required=True)
@click.option("--customer", default=None, help="one customer only")
@click.option("--by-customer", is_flag=True, help="each customer's own KPIs too")
@format_option
@database_url_option
def kpis_command(as_of: date, customer: Optional[str], by_customer: bool, output_format: str, database_url) -> None:
    """DSO (count-back), best possible DSO, average days delinquent, CEI, AR turnover, overdue ratio, bad-debt
    ratio and recovery rate at a date, in total per currency (definitions: README, KPIs)."""
    report = read_caught_up(database_url, lambda ledger: kpi_report(ledger.database, as_of, customer, by_customer))
    if output_format == "json":
        print_json(report)
        return
    console = Console(width=180)
    console.print(_table(f"KPIs as of {as_of}", [{**row, "scope": "TOTAL"} for row in report["totals"]], "scope"))
    if "customers" in report:
        console.print(_table("Per customer", report["customers"], "customerCode"))


@report_group.command("kpi-trend")
@click.option("--as-of", type=DateParam(), required=True)
@click.option("--months", type=click.IntRange(1, 36), default=12, show_default=True)
@click.option("--customer", default=None)
@format_option
@database_url_option
def trend_command(as_of: date, months: int, customer: Optional[str], output_format: str, database_url) -> None:
    """The KPI totals at each month end up to the date (the date itself last)."""
    trend = read_caught_up(database_url, lambda ledger: kpi_trend(ledger.database, as_of, months, customer))
    if output_format == "json":
        print_json(trend)
        return
    rows = [{**row, "asOf": point["asOf"]} for point in trend for row in point["totals"]]
    Console(width=180).print(_table(f"KPI trend to {as_of}", rows, "asOf"))


@report_group.command("forecast")
@click.option("--as-of", type=DateParam(), required=True)
@click.option("--weeks", type=click.IntRange(1, 52), default=13, show_default=True)
@click.option("--customer", default=None)
@format_option
@database_url_option
def forecast_command(as_of: date, weeks: int, customer: Optional[str], output_format: str, database_url) -> None:
    """Expected receipts by week for the next weeks, from the open installments at the date, shifted by each
    customer's own days beyond terms and weighted by its credit grade (README, Cash forecast)."""
    result = read_caught_up(database_url, lambda ledger: forecast(ledger.database, as_of, weeks, customer))
    if output_format == "json":
        print_json(result)
        return
    table = Table(title=f"Expected receipts after {as_of}")
    table.add_column("week")
    for row in result["currencies"]:
        table.add_column(row["currency"], justify="right")
    for n in range(weeks):
        span = result["currencies"][0]["weeks"][n] if result["currencies"] else None
        label = f"{n + 1}: {span['from']} – {span['to']}" if span else str(n + 1)
        table.add_row(label, *(row["weeks"][n]["expected"] for row in result["currencies"]))
    table.add_row("later", *(row["later"] for row in result["currencies"]))
    table.add_row("open now", *(row["open"] for row in result["currencies"]))
    Console(width=160).print(table)


@report_group.command("forecast-backtest")
@click.option("--from", "first", type=DateParam(), required=True, help="the first forecast date")
@click.option("--to", "last", type=DateParam(), required=True, help="the last forecast date")
@click.option("--every-days", type=click.IntRange(1, 366), default=28, show_default=True)
@click.option("--weeks", type=click.IntRange(1, 52), default=13, show_default=True)
@database_url_option
def backtest_command(first: date, last: date, every_days: int, weeks: int, database_url) -> None:
    """Forecasts made at past dates beside what arrived, week by week; the weighted absolute percentage error,
    and the naive baseline's (everything paid in full on its due date), per currency (JSON)."""
    if last < first:
        raise click.UsageError("--to must not be before --from")
    origins = [date.fromordinal(day) for day in range(first.toordinal(), last.toordinal() + 1, every_days)]
    print_json(read_caught_up(database_url, lambda ledger: backtest(ledger.database, origins, weeks)))
