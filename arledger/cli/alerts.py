"""Risk alert commands: `risk alerts` (filtered list), `risk watchlist` (customers sliding into risk, the riskiest
first), `risk acknowledge` and `risk resolve` (a person's decision on one alert, with a reason)."""

from __future__ import annotations

import click
import orjson
from rich.console import Console
from rich.table import Table

from arledger.cli.common import (
    database_url_option,
    format_option,
    open_ledger_for,
    parse_or_exit,
    perform_or_exit,
    print_json,
    read_caught_up,
)
from arledger.cli.risk import risk_group
from ledger.vocabulary import ALERT_STATUSES
from projections.alerts import alerts, watchlist


@risk_group.command("alerts")
@click.option("--status", type=click.Choice(ALERT_STATUSES), default=None)
@click.option("--customer", default=None, help="customer code")
@click.option("--rule", default=None, help="rule name, e.g. overdue_days")
@click.option("--first", type=click.IntRange(1, 10_000), default=100, show_default=True)
@format_option
@database_url_option
def alerts_command(status, customer, rule, first, output_format, database_url) -> None:
    """Risk alerts, newest first, with their evidence and who last changed them."""
    found = read_caught_up(database_url, lambda ledger: alerts(ledger.database, status, customer, rule, first))
    if output_format == "json":
        print_json(found)
        return
    table = Table(title=f"Risk alerts ({len(found)})")
    for column in ("customerCode", "alertId", "raisedOn", "status", "evidence", "changedBy"):
        table.add_column(column, overflow="fold")
    for row in found:
        table.add_row(
            row["customerCode"],
            row["alertId"],
            row["raisedOn"],
            row["status"],
            orjson.dumps(row["evidence"]).decode(),
            row["changedBy"],
        )
    Console(width=160).print(table)


@risk_group.command("watchlist")
@click.option("--first", type=click.IntRange(1, 10_000), default=50, show_default=True)
@format_option
@database_url_option
def watchlist_command(first, output_format, database_url) -> None:
    """Customers with live risk alerts, the riskiest first: most rules hit, then most alerts, then utilisation."""
    found = read_caught_up(database_url, lambda ledger: watchlist(ledger.database, first))
    if output_format == "json":
        print_json(found)
        return
    table = Table(title=f"Risk watchlist ({len(found)} customer(s) with live alerts)")
    for column in (
        "customerCode",
        "name",
        "rules (alerts)",
        "exposure",
        "limit",
        "utilisation",
        "hold",
        "grade",
        "since",
    ):
        table.add_column(column, overflow="fold")
    for row in found:
        rules = ", ".join(f"{hits['rule']} ({hits['alerts']})" for hits in row["rules"])
        table.add_row(
            row["customerCode"],
            row["name"],
            rules,
            f"{row['exposure']} {row['currency']}",
            row["creditLimit"] or "",
            row["utilisation"] or "",
            "yes" if row["onCreditHold"] else "",
            row["grade"] or "",
            row["since"],
        )
    Console(width=160).print(table)


def _decision(verb: str, op: str, done: str, help_text: str) -> None:
    @risk_group.command(verb, help=help_text)
    @click.option("--customer", required=True, help="customer code")
    @click.option("--alert", "alert_id", required=True, help="alert id, e.g. overdue_days:INV-7:1")
    @click.option("--reason", required=True, help="why (recorded with the decision)")
    @database_url_option
    def command(customer, alert_id, reason, database_url) -> None:
        command = parse_or_exit(op, {"customerCode": customer, "alertId": alert_id, "reason": reason})
        perform_or_exit(open_ledger_for(database_url), command)
        click.echo(f"{alert_id} of {customer}: {done}")


_decision(
    "acknowledge",
    "acknowledgeRiskAlert",
    "acknowledged",
    "Acknowledge an open risk alert, with a reason (it stays live).",
)
_decision(
    "resolve",
    "resolveRiskAlert",
    "resolved",
    "Resolve a risk alert, with a reason: the same condition raises no new alert until it has stopped holding once.",
)
