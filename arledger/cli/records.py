"""The ledger's write-side commands: import, seed, history."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date

import click
from rich.console import Console
from rich.table import Table

from arledger.cli.common import (
    DateParam,
    InstantParam,
    cli_actor,
    database_url_option,
    format_option,
    main,
    open_ledger_for,
    print_json,
    progress_bar,
)
from replay.history import DEFAULT_PAGE, MAX_PAGE, HistoryQuery, history_page
from services.importer import run_import
from services.seed import seed_history

_BOOKKEEPING_FIELDS = {"fingerprint", "operationKey"}  # shown in --format json, left out of the table


@main.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@database_url_option
def import_command(file, output_format: str, database_url: str | None) -> None:
    """Apply a JSON Lines FILE of operations (- reads standard input)."""
    app = open_ledger_for(database_url).app
    data = file.read()
    lines = data.splitlines()
    with progress_bar() as progress:
        task = progress.add_task("importing", total=len(lines))
        report = run_import(app, lines, cli_actor(), progress=lambda n: progress.advance(task, n))
    if output_format == "json":
        print_json(report.as_dict())
    else:
        for error in report.errors:
            click.echo(str(error), err=True)
        click.echo(
            f"{report.lines} lines: {report.applied} applied, {report.duplicates} duplicates, {report.failed} failed"
        )
    sys.exit(1 if report.failed else 0)


@main.command("seed")
@click.option("--customers", type=click.IntRange(1, 100_000), required=True, help="how many customers")
@click.option(
    "--seed", "random_seed", type=int, default=1, show_default=True, help="random seed (same seed, same history)"
)
@click.option("--end-date", type=DateParam(), default=None, help="last business date of the history (default today)")
@database_url_option
def seed_command(customers: int, random_seed: int, end_date: date | None, database_url: str | None) -> None:
    """Write a deterministic, realistic receivables history of 18+ months."""
    app = open_ledger_for(database_url).app
    with progress_bar() as progress:
        task = progress.add_task("seeding", total=None)

        def advance(count: int, total: int) -> None:
            progress.update(task, total=total, advance=count)

        report = seed_history(app, customers, random_seed, end_date or date.today(), progress=advance)
    click.echo(
        f"seeded {customers} customers: {report.applied} operations applied, "
        f"{report.duplicates} already present, {report.failed} failed",
        err=True,
    )
    for error in report.errors[:20]:
        click.echo(str(error), err=True)
    sys.exit(1 if report.failed else 0)


@main.command("history")
@click.argument("number_or_code", required=False)
@click.option("--customer", default=None, help="only this customer's events")
@click.option(
    "--actor", default=None, help="only this actor: role:name as recorded (accountant:alice, cli:root), or a name"
)
@click.option("--from", "recorded_from", type=InstantParam(), default=None, help="recorded at or after this instant")
@click.option("--to", "recorded_to", type=InstantParam(), default=None, help="recorded at or before this instant")
@click.option(
    "--first",
    type=click.IntRange(1, MAX_PAGE),
    default=None,
    help=f"page size (default: everything of NUMBER_OR_CODE, else {DEFAULT_PAGE})",
)
@click.option("--after", type=click.IntRange(min=0), default=0, help="start after this log position")
@format_option
@database_url_option
def history_command(
    number_or_code: str | None,
    customer: str | None,
    actor: str | None,
    recorded_from,
    recorded_to,
    first: int | None,
    after: int,
    output_format: str,
    database_url: str | None,
) -> None:
    """Events with provenance: of one document (invoice, payment, credit note) or customer, or of the whole log,
    filtered by customer, actor and recorded time."""
    app = open_ledger_for(database_url).app
    everything = number_or_code is not None and first is None
    query = HistoryQuery(
        number_or_code,
        customer,
        actor,
        recorded_from,
        recorded_to,
        after,
        MAX_PAGE if everything else first or DEFAULT_PAGE,
    )
    rows, page = [], history_page(app, query)
    if not page.found:
        click.echo(f"no customer, invoice, payment or credit note is named {number_or_code!r}", err=True)
        sys.exit(1)
    rows += page.rows
    while everything and page.has_next:
        assert page.end_cursor is not None  # a page with a next one has an end
        page = history_page(app, replace(query, after=page.end_cursor))
        rows += page.rows
    if page.has_next:
        click.echo(f"more events follow: add --after {page.end_cursor}", err=True)
    if output_format == "json":
        print_json(rows)
        return
    table = Table(title=f"history of {number_or_code or 'the ledger'}")
    for column in ("position", "recorded at", "actor", "type", "reason", "data", "correlation id"):
        table.add_column(column, overflow="fold")
    for row in rows:
        data = ", ".join(
            f"{key}={value}"
            for key, value in row["data"].items()
            if value not in (None, [], "") and key not in _BOOKKEEPING_FIELDS and key != "reason"
        )
        table.add_row(
            str(row["position"]),
            row["recordedAt"],
            row["actor"],
            row["type"],
            row["reason"] or "",
            data,
            row["correlationId"][:8],
        )
    Console(width=220).print(table)
