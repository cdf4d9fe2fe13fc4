"""Audit commands: replay (the books as known at an instant, from the log or an export), verify (the hash chain),
digest (a chain head to keep elsewhere), export (the log up to an instant, for an auditor), show (one customer or
document now or as known at an instant)."""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import Any

import click
import orjson
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
from arledger.cli.reports import BoundariesParam, aging_table
from ledger.instants import micros
from projections.aging import DUE_DATE, ISSUE_DATE
from projections.runner import EventSource
from replay.books import replay
from replay.log_file import LogFile, LogFileError, export_log, read_log_file
from replay.verify import DIGEST, Digest, Verification, digest_at, verify


class DigestParam(click.ParamType):
    name = "POSITION:HASH"

    def convert(self, value, param, ctx) -> Digest:
        try:
            return Digest.parse(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


@main.command("verify")
@click.option(
    "--digest",
    "digests",
    type=DigestParam(),
    multiple=True,
    help="a digest kept from `arledger digest`: prove the history up to it is unchanged (repeatable)",
)
@click.option("--from-file", type=click.File("rb"), default=None, help="verify an `arledger export` file instead")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@database_url_option
def verify_command(digests: tuple[Digest, ...], from_file: Any, output: str, database_url: str | None) -> None:
    """Recompute the tamper-evident hash chain over the whole log; exit 1 naming the first broken position."""
    ledger = None if from_file is not None else open_ledger_for(database_url)
    recorder = _log_file(from_file) if ledger is None else ledger.app.recorder
    results = [verify(recorder)] + [verify(recorder, digest) for digest in digests]
    failed = next((result for result in results if not result.intact), None)
    if output == "json":
        print_json(
            {
                **results[0].as_dict(),
                "digests": [
                    {"digest": str(digest), **result.as_dict()} for digest, result in zip(digests, results[1:])
                ],
                "intact": failed is None,
            }
        )
    elif failed is None:
        head = results[0].head
        click.echo(f"chain intact: {results[0].checked} positions, head {head or '(empty log)'}")
        for digest in digests:
            click.echo(f"digest {digest}: the history up to position {digest.position} is unchanged")
    else:
        _report_broken(failed, results, digests)
    if ledger is not None:
        ledger.close()
    sys.exit(0 if failed is None else 1)


def _report_broken(failed: Verification, results: list[Verification], digests: tuple[Digest, ...]) -> None:
    """The first problem, then every problem of the whole-log walk and of each digest, each with its position."""
    click.echo(f"chain BROKEN at {failed.problem}", err=True)
    click.echo(f"verified before it: {failed.checked} positions", err=True)
    log = results[0]
    if not log.intact:
        click.echo(f"the log: {len(log.findings) + log.more_findings} problem(s)", err=True)
        for finding in log.findings:
            click.echo(f"  {finding.kind}: {finding.message}", err=True)
        if log.more_findings:
            click.echo(f"  … and {log.more_findings} more", err=True)
    for digest, result in zip(digests, results[1:]):  # the walk's own problems are listed above
        for finding in result.findings:
            if finding.kind == DIGEST:
                click.echo(f"digest {digest}: {finding.message}", err=True)


@main.command("digest")
@click.option("--position", type=click.IntRange(min=1), default=None, help="the chain's hash at this log position")
@click.option(
    "--known-at",
    type=InstantParam(),
    default=None,
    help="the hash at the last position recorded at or before this instant",
)
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
@click.option(
    "--known-at",
    type=InstantParam(),
    default=None,
    help="fold only the events recorded at or before this (required without --from-file; default: the file's)",
)
@click.option(
    "--from-file",
    type=click.File("rb"),
    default=None,
    help="replay an `arledger export` file instead of the database (its chain is checked first)",
)
@click.option(
    "--as-of", type=DateParam(), default=None, help="business date for the aging (default: the known-at date)"
)
@click.option("--basis", type=click.Choice(["due", "issue"]), default="due", show_default=True)
@click.option("--boundaries", type=BoundariesParam(), default="30,60,90", show_default=True)
@click.option("--customer", default=None, help="only this customer code")
@format_option
@database_url_option
def replay_command(
    known_at: datetime | None,
    from_file: Any,
    as_of: date | None,
    basis: str,
    boundaries: tuple[int, ...],
    customer: str | None,
    output_format: str,
    database_url: str | None,
) -> None:
    """Audit replay from the event log itself (not the read models): balances and aging as known at an instant."""
    ledger = None
    source: EventSource
    if from_file is not None:
        log_file = _log_file(from_file)
        if known_at is not None and known_at > log_file.known_at:
            raise click.UsageError(
                f"the file holds the log as known at {log_file.known_at.isoformat()}; "
                f"--known-at {known_at.isoformat()} is later"
            )
        known_at = known_at or log_file.known_at
        source = log_file
    elif known_at is None:
        raise click.UsageError("give --known-at (or --from-file)")
    else:
        ledger = open_ledger_for(database_url)
        source = ledger.app
    with progress_bar() as bar:
        task = bar.add_task("replaying the log", total=source.recorder.max_notification_id() or 0)
        books = replay(
            source,
            known_at,
            as_of,
            DUE_DATE if basis == "due" else ISSUE_DATE,
            boundaries,
            customer,
            progress=lambda applied: bar.advance(task, applied),
        )
    if ledger is not None:
        ledger.close()
    if output_format == "json":
        print_json(books)
        return
    table = Table(
        title=f"Balances as known at {books['knownAt']} (last event folded: position {books['foldedThrough']})"
    )
    columns = [
        "customerCode",
        "currency",
        "invoiced",
        "voided",
        "paid",
        "credited",
        "writtenOff",
        "reversed",
        "outstanding",
        "unallocatedCredit",
        "onCreditHold",
    ]
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index < 2 else "right")
    for balance in books["balances"]:
        table.add_row(*[str(balance[column]) for column in columns])
    console = Console(width=200)
    console.print(table)
    console.print(aging_table(books["aging"]))


def _log_file(stream: Any) -> LogFile:
    try:
        return read_log_file(stream)
    except LogFileError as error:
        click.echo(f"{stream.name}: {error}", err=True)
        sys.exit(1)


@main.command("export")
@click.option("--known-at", type=InstantParam(), required=True, help="the log as known at this instant")
@click.option("--output", type=click.File("wb"), default="-", show_default=True, help="file to write (- = stdout)")
@database_url_option
def export_command(known_at: datetime, output: Any, database_url: str | None) -> None:
    """Write the event log up to an instant as JSON Lines with its hash chain, for an auditor to keep and replay."""
    ledger = open_ledger_for(database_url)
    try:
        head = export_log(ledger.app, known_at, output)
    except RuntimeError as error:  # an event outside the hash chain: the file could not vouch for it
        click.echo(f"export stopped: {error}", err=True)
        sys.exit(1)
    finally:
        ledger.close()
    click.echo(f"exported through {head or '(nothing recorded by then)'}", err=True)


SHOW_QUERIES = {
    "customer": """query($name: String!, $at: String) { customer(code: $name, knownAt: $at) { code name currency
        creditLimit onCreditHold paymentTermsDays outstanding unallocatedCredit
        invoices(first: 500) { number issueDate dueDate total outstanding status disputeOpen } } }""",
    "invoice": """query($name: String!, $at: String) { invoice(number: $name, knownAt: $at) { number customerCode
        currency issueDate dueDate total outstanding status disputeOpen installments { dueDate amount outstanding } } }""",
    "payment": """query($name: String!, $at: String) { payment(reference: $name, knownAt: $at) { reference customerCode
        currency amount receivedOn reversedOn unallocated allocations { invoiceNumber amount } } }""",
    "credit_note": """query($name: String!, $at: String) { creditNote(number: $name, knownAt: $at) { number customerCode
        currency amount issueDate unallocated allocations { invoiceNumber amount } } }""",
}


@main.command("show")
@click.argument("number_or_code")
@click.option("--known-at", type=InstantParam(), default=None, help="as known at this instant (default: now)")
@format_option
@database_url_option
def show_command(number_or_code: str, known_at: datetime | None, output_format: str, database_url: str | None) -> None:
    """A customer, invoice, payment or credit note now, or as it was known at an instant (the same answer as
    GraphQL's `customer(code, knownAt)` and friends)."""
    from graphql_api.context import Context
    from graphql_api.schema import build_schema
    from graphql_api.tokens import Principal, TokenStore

    ledger = open_ledger_for(database_url)
    kinds = (["customer"] if ledger.app.account(number_or_code) else []) + [
        kind for kind in ("invoice", "payment", "credit_note") if ledger.app.document_owner(kind, number_or_code)
    ]
    if not kinds:
        click.echo(f"no customer, invoice, payment or credit note is named {number_or_code!r}", err=True)
        sys.exit(1)
    ledger.runner.catch_up()
    user = cli_actor().partition(":")[2]
    context = Context(ledger, TokenStore(ledger.database), Principal(user, "auditor", None))
    schema, found = build_schema(), {}
    for kind in kinds:
        result = schema.execute_sync(
            SHOW_QUERIES[kind],
            context_value=context,
            variable_values={"name": number_or_code, "at": known_at.isoformat() if known_at else None},
        )
        if result.errors:
            raise click.ClickException(result.errors[0].message)
        assert result.data is not None  # a query without errors has data
        found.update({key: value for key, value in result.data.items() if value is not None})
    ledger.close()
    if output_format == "json":
        print_json({"knownAt": known_at.isoformat() if known_at else None, **found})
        return
    if not found:
        assert known_at is not None  # it exists now (kinds above): only an earlier instant can miss it
        click.echo(f"{number_or_code} was not known yet at {known_at.isoformat()}", err=True)
        sys.exit(1)
    console = Console(width=200)
    for kind, document in found.items():
        table = Table(title=f"{kind} {number_or_code}" + (f" as known at {known_at.isoformat()}" if known_at else ""))
        table.add_column("field")
        table.add_column("value", overflow="fold")
        for key, value in document.items():
            table.add_row(key, value if isinstance(value, str) else orjson.dumps(value).decode())
        console.print(table)
