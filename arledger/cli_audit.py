"""Audit commands: verify (the hash chain), digest (a chain head to keep elsewhere)."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from arledger.cli import database_url_option, main, open_ledger_for, print_json
from arledger.cli_reports import InstantParam
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
