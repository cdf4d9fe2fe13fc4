"""Credit commands: `risk assess` (score and record an assessment), `risk profile`, `risk due`, `risk scan`."""

from __future__ import annotations

import sys
from datetime import date

import click
from rich.console import Console
from rich.table import Table

from arledger.cli.common import (
    DateParam,
    cli_actor,
    database_url_option,
    format_option,
    main,
    open_ledger_for,
    print_json,
    read_caught_up,
)
from ledger.context import CommandContext
from ledger.credit.assessment import recommended_limit_text
from ledger.credit.request import ANALYST_INPUTS, parse_assessment_request
from ledger.errors import LedgerError, ValidationError
from projections.credit import assessments_due, credit_profile
from services.credit import assess_customer
from services.risk_scan import scan


@main.group("risk")
def risk_group() -> None:
    """Credit assessments, the customers due for one, and early-warning risk alerts."""


@risk_group.command("assess")
@click.option("--customer", required=True, help="customer code")
@click.option("--on", "assessed_on", type=DateParam(), required=True, help="assessment date")
@click.option(
    "--set",
    "values",
    multiple=True,
    metavar="NAME=VALUE",
    help=f"an analyst input, repeatable: {', '.join(ANALYST_INPUTS)} (ratings 1-5)",
)
@click.option("--note", default=None)
@click.option("--apply", "apply_recommendation", is_flag=True, help="also adopt the recommended credit limit")
@format_option
@database_url_option
def assess_command(
    customer: str,
    assessed_on: date,
    values: tuple[str, ...],
    note: str | None,
    apply_recommendation: bool,
    output_format: str,
    database_url: str | None,
) -> None:
    """Score a customer's credit (the analyst's inputs + its payment behaviour) and record the assessment."""
    data: dict[str, object] = {
        "customerCode": customer,
        "assessedOn": assessed_on.isoformat(),
        "applyRecommendation": apply_recommendation,
    }
    for item in values:
        name, _, value = item.partition("=")
        if not value:
            raise click.UsageError(f"--set {item!r}: write NAME=VALUE, such as managementQuality=4")
        data[name] = value
    if note:
        data["note"] = note
    ledger = open_ledger_for(database_url)
    try:
        done = assess_customer(
            ledger, ledger.credit_policy, parse_assessment_request(data), CommandContext(actor=cli_actor())
        )
    except LedgerError as refusal:
        click.echo(f"{refusal.code}: {refusal.message}", err=True)
        sys.exit(1)
    finally:
        ledger.close()
    result = done.result
    if output_format == "json":
        print_json(
            {
                "customerCode": customer,
                "score": str(result.score),
                "grade": result.grade,
                "recommendedLimit": recommended_limit_text(result.recommended_limit, done.behaviour.currency),
                "recommendedTermsDays": result.recommended_terms_days,
                "applied": apply_recommendation,
                "factors": [
                    {
                        "name": f.name,
                        "value": None if f.value is None else str(f.value),
                        "points": f.points,
                        "weight": f.weight,
                        "contribution": str(f.contribution),
                    }
                    for f in result.factors
                ],
            }
        )
        return
    table = Table(
        title=f"{customer}: grade {result.grade}, score {result.score} — recommended limit "
        f"{recommended_limit_text(result.recommended_limit, done.behaviour.currency)} "
        f"{done.behaviour.currency}, terms {result.recommended_terms_days} days"
    )
    for column in ("factor", "value", "points", "weight", "contribution"):
        table.add_column(column, justify="left" if column == "factor" else "right")
    for f in result.factors:
        table.add_row(
            f.name, "(missing)" if f.value is None else str(f.value), str(f.points), str(f.weight), str(f.contribution)
        )
    Console(width=160).print(table)


@risk_group.command("profile")
@click.option("--customer", required=True)
@click.option(
    "--expected-orders",
    default=None,
    metavar="AMOUNT",
    help="orders expected but not yet invoiced, counted in exposure (in the customer's currency)",
)
@database_url_option
def profile_command(customer: str, expected_orders: str | None, database_url: str | None) -> None:
    """The customer's limit, exposure (outstanding invoices plus expected orders), utilisation, headroom and
    latest assessment (one JSON document)."""
    ledger = open_ledger_for(database_url)
    ledger.runner.catch_up()
    try:
        found = credit_profile(ledger.database, customer, expected_orders)
    except ValidationError as error:
        raise click.UsageError(f"--expected-orders: {error.message}") from None
    finally:
        ledger.close()
    if found is None:
        click.echo(f"no customer {customer}", err=True)
        sys.exit(1)
    print_json(found)


@risk_group.command("due")
@click.option("--as-of", type=DateParam(), required=True)
@format_option
@database_url_option
def due_command(as_of: date, output_format: str, database_url: str | None) -> None:
    """Customers due for a credit assessment: never assessed (NEW) or past the policy's renewal period."""
    due = read_caught_up(
        database_url, lambda ledger: assessments_due(ledger.database, as_of, ledger.credit_policy.renew_after_days)
    )
    if output_format == "json":
        print_json(due)
        return
    table = Table(title=f"Credit assessments due at {as_of} ({len(due)})")
    for column in ("customerCode", "reason", "lastAssessedOn", "invoiced"):
        table.add_column(column)
    for row in due:
        table.add_row(
            row["customerCode"], row["reason"], row["lastAssessedOn"] or "", "yes" if row["invoiced"] else "no"
        )
    Console(width=120).print(table)


@risk_group.command("scan")
@click.option("--as-of", type=DateParam(), required=True, help="business date to evaluate the rules at")
@click.option("--customer", default=None, help="only this customer")
@database_url_option
def scan_command(as_of: date, customer: str | None, database_url: str | None) -> None:
    """Evaluate the early-warning rules for every customer (or one): raise alerts for conditions that began,
    clear those that ended, place holds where a rule says so. Running it twice for a date records nothing new."""
    ledger = open_ledger_for(database_url)
    if customer and ledger.app.account(customer) is None:
        raise click.UsageError(f"--customer {customer}: no such customer is registered")
    report = scan(
        ledger, ledger.credit_policy, as_of, [customer] if customer else None, actor=f"risk-scan:{cli_actor()}"
    )
    ledger.close()
    click.echo(
        f"scanned {report.customers} customer(s) as of {as_of}: {report.raised} alert(s) raised, "
        f"{report.cleared} cleared"
    )
    for failure in report.failed:
        click.echo(f"not recorded: {failure}", err=True)
    sys.exit(1 if report.failed else 0)
