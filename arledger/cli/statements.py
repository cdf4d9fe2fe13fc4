"""Statement commands: `statements send` (issue and e-mail each customer's statement through the outbox),
`statements render` (the PDF and CSV, nothing recorded), `statements status` (who confirmed, who disputed, who
did not answer) and `statements confirm` / `dispute` (a customer's answer, recorded on its behalf)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Optional

import click
from rich.console import Console
from rich.table import Table

from arledger.cli.common import (
    DateParam,
    cli_actor,
    database_url_option,
    decide_or_exit,
    format_option,
    main,
    open_ledger_for,
    parse_or_exit,
    perform_or_exit,
    print_json,
    read_caught_up,
)
from ledger.vocabulary import LOCALES, STATEMENT_STATUSES
from projections.statement import CustomerNotFound
from services.statements import documents, reconciliation, send, statement_id


@main.group("statements")
def statements_group() -> None:
    """E-statements of account and the customers' confirmations (对账)."""


@statements_group.command("send")
@click.option("--as-of", type=DateParam(), required=True, help="the statements' last day")
@click.option("--from", "period_from", type=DateParam(), default=None, help="first day (default: the 1st of the month)")
@click.option("--customer", default=None)
@format_option
@database_url_option
def send_command(
    as_of: date, period_from: Optional[date], customer: Optional[str], output_format: str, database_url
) -> None:
    """Issue each customer's statement (with a balance or a line in the period) and queue its e-mail, with the PDF
    and CSV attached, for the outbox worker. A second run for the date issues nothing."""
    report = decide_or_exit(
        open_ledger_for(database_url),
        lambda ledger: send(ledger, as_of, f"statements:{cli_actor()}", customer, period_from),
    )
    if output_format == "json":
        print_json(
            {
                "asOf": as_of.isoformat(),
                "issued": report.issued,
                "alreadyIssued": report.already_issued,
                "withoutEmail": report.without_email,
                "failed": report.failed,
            }
        )
    else:
        click.echo(
            f"{len(report.issued)} statement(s) issued as of {as_of}"
            + (f", {report.already_issued} already issued" if report.already_issued else "")
            + (f"; no e-mail address for {', '.join(report.without_email)}" if report.without_email else "")
        )
    for failure in report.failed:
        click.echo(f"not issued: {failure}", err=True)
    sys.exit(1 if report.failed else 0)


@statements_group.command("render")
@click.option("--customer", required=True)
@click.option("--as-of", type=DateParam(), required=True)
@click.option("--from", "period_from", type=DateParam(), default=None)
@click.option("--locale", type=click.Choice(LOCALES), default=None, help="default: the customer's")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, writable=True), default=None)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True), default=None)
@database_url_option
def render_command(
    customer: str,
    as_of: date,
    period_from: Optional[date],
    locale: Optional[str],
    pdf_path: Optional[str],
    csv_path: Optional[str],
    database_url,
) -> None:
    """Write a customer's statement as PDF and/or CSV, as the books stand now (nothing recorded)."""
    if not (pdf_path or csv_path):
        raise click.UsageError("give --pdf FILE and/or --csv FILE")
    ledger = open_ledger_for(database_url)
    ledger.runner.catch_up()
    account = ledger.app.account(customer)
    if account is None:
        raise click.UsageError(f"--customer {customer}: no such customer is registered")
    try:
        pdf, text = documents(
            ledger,
            customer,
            period_from or as_of.replace(day=1),
            as_of,
            None,
            locale or account.locale or "en",
            account.name,
            statement_id(customer, as_of),
        )
    except (CustomerNotFound, ValueError) as error:
        raise click.UsageError(str(error)) from None
    finally:
        ledger.close()
    for path, content in ((pdf_path, pdf), (csv_path, text)):
        if path:
            Path(path).write_bytes(content)
            click.echo(f"written {path}", err=True)


@statements_group.command("status")
@click.option("--as-of", type=DateParam(), default=None, help="statements of this run date only")
@click.option("--status", type=click.Choice(STATEMENT_STATUSES), default=None, help="SENT: no answer yet")
@format_option
@database_url_option
def status_command(as_of: Optional[date], status: Optional[str], output_format: str, database_url) -> None:
    """The reconciliation loop: who confirmed its balance, who disputed it (why, and its own figure), who did not
    answer."""
    rows = read_caught_up(database_url, lambda ledger: reconciliation(ledger, as_of, status))
    if output_format == "json":
        print_json(rows)
        return
    counts = {state: sum(1 for row in rows if row["status"] == state) for state in STATEMENT_STATUSES}
    table = Table(
        title=f"Statements: {counts['CONFIRMED']} confirmed, {counts['DISPUTED']} disputed, "
        f"{counts['SENT']} without an answer"
    )
    for column in ("statementId", "customer", "closingBalance", "status", "theirBalance", "note"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["statementId"],
            f"{row['customerCode']} {row['customerName']}",
            f"{row['closingBalance']} {row['currency']}",
            row["status"],
            row["theirBalance"] or "",
            row["note"] or "",
        )
    Console(width=160).print(table)


def _answer(op: str, data: dict, database_url) -> None:
    command = parse_or_exit(op, data)
    perform_or_exit(open_ledger_for(database_url), command)
    click.echo(f"{data['statementId']}: {'confirmed' if op == 'confirmStatement' else 'disputed'}")


@statements_group.command("confirm")
@click.option("--customer", required=True)
@click.option("--statement", "identifier", required=True)
@click.option("--note", default=None)
@database_url_option
def confirm_command(customer: str, identifier: str, note: Optional[str], database_url) -> None:
    """Record that the customer confirmed the statement's balance."""
    _answer(
        "confirmStatement",
        {"customerCode": customer, "statementId": identifier, **({"note": note} if note else {})},
        database_url,
    )


@statements_group.command("dispute")
@click.option("--customer", required=True)
@click.option("--statement", "identifier", required=True)
@click.option("--reason", required=True)
@click.option("--their-balance", default=None, help="the balance by the customer's books")
@database_url_option
def dispute_command(customer: str, identifier: str, reason: str, their_balance: Optional[str], database_url) -> None:
    """Record that the customer disputes the statement's balance, with its reason (and its own figure)."""
    _answer(
        "disputeStatement",
        {
            "customerCode": customer,
            "statementId": identifier,
            "reason": reason,
            **({"theirBalance": their_balance} if their_balance else {}),
        },
        database_url,
    )
