"""Audit commands: replay (the books as known at an instant, from the log), verify (the hash chain), digest (a
chain head to keep elsewhere)."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click
from rich.console import Console
from rich.table import Table

from arledger.cli import DateParam, InstantParam, database_url_option, main, open_ledger_for, print_json, progress_bar
from arledger.cli_reports import BoundariesParam, aging_table
from projections.aging import DUE_DATE, ISSUE_DATE
from replay.books import replay
from ledger.instants import micros
from replay.verify import Digest, digest_at, verify


class DigestParam(click.ParamType):
    name = "POSITION:HASH"

    def convert(self, value, param, ctx) -> Digest:
        try:
            return Digest.parse(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


@main.command("verify")
@click.option("--digest", "digests", type=DigestParam(), multiple=True,
              help="a digest kept from `arledger digest`: prove the history up to it is unchanged (repeatable)")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@database_url_option
def verify_command(digests: tuple[Digest, ...], output: str, database_url: str | None) -> None:
    """Recompute the tamper-evident hash chain over the whole log; exit 1 naming the first broken position."""
    ledger = open_ledger_for(database_url)
    results = [verify(ledger.app.recorder)] + [verify(ledger.app.recorder, digest) for digest in digests]
    failed = next((result for result in results if not result.intact), None)
    if output == "json":
        print_json({**results[0].as_dict(), "digests": [
            {"digest": str(digest), **result.as_dict()} for digest, result in zip(digests, results[1:])],
            "intact": failed is None})
    elif failed is None:
        head = results[0].head
        click.echo(f"chain intact: {results[0].checked} positions, head {head or '(empty log)'}")
        for digest in digests:
            click.echo(f"digest {digest}: the history up to position {digest.position} is unchanged")
    else:
        click.echo(f"chain BROKEN at {failed.problem}", err=True)
        click.echo(f"verified before it: {failed.checked} positions", err=True)
    ledger.close()
    sys.exit(0 if failed is None else 1)


@main.command("digest")
@click.option("--position", type=click.IntRange(min=1), default=None, help="the chain's hash at this log position")
@click.option("--known-at", type=InstantParam(), default=None,
              help="the hash at the last position recorded at or before this instant")
@database_url_option
def digest_command(position: int | None, known_at: datetime | None, database_url: str | None) -> None:
    """Print the hash chain's head (POSITION:HASH) to keep elsewhere; `verify --digest` proves it later."""
    if position is not None and known_at is not None:
        raise click.UsageError("give --position or --known-at, not both")
    ledger = open_ledger_for(database_url)
    found = digest_at(ledger.app.recorder, position, micros(known_at) if known_at else None)
    ledger.close()
    if found is None:
        click.echo("no such position in the log" if position else "the log holds nothing at that instant", err=True)
        sys.exit(1)
    click.echo(str(found))


@main.command("replay")
@click.option("--known-at", type=InstantParam(), required=True, help="fold only the events recorded at or before this")
@click.option("--as-of", type=DateParam(), default=None, help="business date for the aging (default: the known-at date)")
@click.option("--basis", type=click.Choice(["due", "issue"]), default="due", show_default=True)
@click.option("--boundaries", type=BoundariesParam(), default="30,60,90", show_default=True)
@click.option("--customer", default=None, help="only this customer code")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@database_url_option
def replay_command(known_at: datetime, as_of: date | None, basis: str, boundaries: tuple[int, ...],
                   customer: str | None, output_format: str, database_url: str | None) -> None:
    """Audit replay from the event log itself (not the read models): balances and aging as known at an instant."""
    ledger = open_ledger_for(database_url)
    with progress_bar() as bar:
        task = bar.add_task("replaying the log", total=ledger.app.recorder.max_notification_id() or 0)
        books = replay(ledger.app, known_at, as_of, DUE_DATE if basis == "due" else ISSUE_DATE, boundaries, customer,
                       progress=lambda applied: bar.advance(task, applied))
    ledger.close()
    if output_format == "json":
        print_json(books)
        return
    table = Table(title=f"Balances as known at {books['knownAt']} (log folded through position {books['foldedThrough']})")
    columns = ["customerCode", "currency", "invoiced", "voided", "paid", "credited", "writtenOff", "reversed",
               "outstanding", "unallocatedCredit", "onCreditHold"]
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index < 2 else "right")
    for balance in books["balances"]:
        table.add_row(*[str(balance[column]) for column in columns])
    console = Console(width=200)
    console.print(table)
    console.print(aging_table(books["aging"]))
