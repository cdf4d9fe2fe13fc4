"""What every `arledger` command shares: the root group, options and parameter types, opening the ledger, reporting.

The command line. Exit codes: 0 success, 1 a reported business/validation failure, 2 usage error.

`--format json` prints exactly one JSON document on stdout and nothing else there; messages go to stderr.
"""

from __future__ import annotations

import getpass
import sqlite3
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click
import orjson
import psycopg
from eventsourcing.persistence import PersistenceError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from arledger.config import ConfigError, Settings, load_settings
from arledger.wiring import open_ledger
from ledger.errors import ValidationError
from ledger.inputs import parse_date
from ledger.instants import parse_instant
from ledger.store.availability import is_unavailable, reason, when_available
from ledger.store.chain_index import unindexed_problem
from ledger.store.urls import redacted
from policies.credit import PolicyError
from policies.dunning import DunningPolicyError
from services.books import Ledger

T = TypeVar("T")


class InstantParam(click.ParamType):
    name = "INSTANT"

    def convert(self, value, param, ctx) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(value, (), "the instant")  # as GraphQL's knownAt and every other instant
        except ValidationError as error:
            self.fail(error.message, param, ctx)


def formats(*choices: str) -> Callable[..., Any]:
    """The --format option; the first choice is the default (json: exactly one document on stdout)."""
    return click.option("--format", "output_format", type=click.Choice(choices), default=choices[0], show_default=True)


format_option = formats("table", "json")


def database_url_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--database-url",
        default=None,
        metavar="URL",
        help="sqlite:///path.db or postgresql://user:pass@host:port/db (wins over ARLEDGER_DATABASE_URL)",
    )(command)


def settings_for(database_url: str | None) -> Settings:
    """The configuration; a malformed variable is a usage error naming it."""
    try:
        return load_settings(database_url)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None


def open_ledger_for(database_url: str | None, waiting: bool = False) -> Ledger:
    """The application with its read models (folded after each save on SQLite).

    A database that cannot be opened is a clear message and exit 1, not a traceback. The long-running commands
    (`serve`, `project`, `outbox run`, `migrate`) pass `waiting`: a database not answering yet — starting beside
    them, or restarting — is waited for, with backoff, up to ARLEDGER_STARTUP_WAIT_S seconds (60)."""
    settings = settings_for(database_url)
    try:
        ledger = when_available(
            lambda: open_ledger(
                settings.database_url,
                settings.credit_policy,
                settings.risk_watch,
                settings.dunning_policy,
                settings.template_dir,
            ),
            "starting",
            deadline_s=settings.startup_wait_s if waiting else 0,
        )
        if settings.credit_policy:
            ledger.credit_policy  # noqa: B018  (a broken policy file is a usage error now, not at first use)
        if settings.dunning_policy:
            ledger.dunning  # noqa: B018
        return ledger
    except (ConfigError, PolicyError, DunningPolicyError) as error:
        raise click.UsageError(str(error)) from None
    except (sqlite3.Error, psycopg.Error, PersistenceError) as error:
        waited = f" (waited {settings.startup_wait_s} s)" if waiting and is_unavailable(error) else ""
        click.echo(f"cannot open the database {redacted(settings.database_url)}{waited}: {reason(error)}", err=True)
        sys.exit(1)


def refuse_unindexed(ledger: Ledger, what: str) -> None:
    """A serving or projecting process does not start on a log holding events outside the hash chain: it would
    build on events nobody vouches for. Exit 1 naming them and what to run (`verify`, then `migrate`)."""
    problem = unindexed_problem(ledger.app)
    if problem is not None:
        click.echo(f"{what}: not starting: {problem}", err=True)
        ledger.close()
        sys.exit(1)


def read_caught_up(database_url: str | None, read: Callable[[Ledger], T]) -> T:
    """For a report command: open the ledger, bring the read models up to the end of the log, read, close."""
    ledger = open_ledger_for(database_url)
    try:
        ledger.runner.catch_up()
        return read(ledger)
    finally:
        ledger.close()


def parse_or_exit(op: str, data: dict[str, Any]) -> Any:
    """The command for an operation, through its strict parser (as an import line's or a GraphQL input's); a
    malformed value is reported by name and exits 1."""
    from ledger.errors import LedgerError
    from ledger.operations import parse_command

    try:
        return parse_command(op, data)
    except LedgerError as refusal:
        report_refusal(refusal)
        sys.exit(1)


def decide_or_exit(ledger: Ledger, decide: Callable[[Ledger], T]) -> T:
    """Run a write (one operation, or a use case of services/) on the ledger, closing it; a refusal is printed and
    exits 1."""
    from ledger.errors import LedgerError

    try:
        return decide(ledger)
    except LedgerError as refusal:
        report_refusal(refusal)
        sys.exit(1)
    finally:
        ledger.close()


def perform_or_exit(ledger: Ledger, command: Any) -> Any:
    """Apply one command as the CLI's user, closing the ledger; a refusal is printed and exits 1."""
    from ledger.context import CommandContext

    return decide_or_exit(ledger, lambda books: books.app.perform(command, CommandContext(actor=cli_actor())))


def report_refusal(refusal: Any) -> None:
    """A ledger refusal on stderr: its code, its message and the input field it names, if any."""
    where = f" ({'.'.join(refusal.field)})" if refusal.field else ""
    click.echo(f"{refusal.code}: {refusal.message}{where}", err=True)


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli:unknown"


def progress_bar() -> Progress:
    """A progress bar on stderr, shown only on a terminal (stdout stays clean for --format json)."""
    stderr = Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    )


def print_json(document: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


class DateParam(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: Any, ctx: Any) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(value, (), "date")  # within the ledger's years, as every operation's dates
        except ValidationError as error:
            self.fail(error.message, param, ctx)


class LedgerCommands(click.Group):
    """The command group: read models halted at an event they cannot fold are a reported failure (exit 1, with
    what to do), whichever command needed them."""

    def invoke(self, ctx: click.Context) -> Any:
        from projections.halt import ReadModelsHalted
        from services.halting import operator_message

        try:
            return super().invoke(ctx)
        except ReadModelsHalted as error:
            click.echo(operator_message(error), err=True)
            ctx.exit(1)


@click.group(cls=LedgerCommands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """arledger: an accounts-receivable ledger with an append-only, auditable event log."""
