"""Read-side commands: report aging, report statement, rebuild, reconcile, project (the PostgreSQL worker)."""

from __future__ import annotations

import csv
import io
import signal
import sys
import time
from datetime import date

import click
from rich.console import Console
from rich.table import Table

from arledger.cli.common import (
    DateParam,
    InstantParam,
    database_url_option,
    formats,
    main,
    open_ledger_for,
    print_json,
    progress_bar,
    refuse_unindexed,
    settings_for,
)
from arledger.logs import configure_logging
from ledger.store.availability import StoppedWaiting, when_available
from projections.aging import DUE_DATE, ISSUE_DATE, AgingQuery, aging_report, bucket_labels
from projections.halt import ReadModelsHalted
from projections.reconcile import reconcile
from projections.runner import PROJECTION
from projections.statement import CustomerNotFound, statement
from services.halting import HaltWatch
from services.risk_watch import RiskWatcher


class BoundariesParam(click.ParamType):
    name = "DAYS,DAYS,…"

    def convert(self, value, param, ctx) -> tuple[int, ...]:
        try:
            bounds = tuple(int(part) for part in value.split(","))
        except ValueError:
            self.fail(f"{value!r} is not a list of whole days such as 30,60,90", param, ctx)
        if any(b <= 0 for b in bounds) or list(bounds) != sorted(set(bounds)) or len(bounds) > 20:
            self.fail(f"{value!r}: boundaries must be 1 to 20 positive days in increasing order", param, ctx)
        return bounds


def _csv(rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    sys.stdout.write(buffer.getvalue())


@main.group("report")
def report_group() -> None:
    """Reports from the read models: aging, statement of account, KPIs and their trend, the cash forecast and its
    backtest."""


@report_group.command("aging")
@click.option("--as-of", type=DateParam(), required=True, help="business date")
@click.option("--known-at", type=InstantParam(), default=None, help="as recorded at this instant (default: now)")
@click.option("--basis", type=click.Choice(["due", "issue"]), default="due", show_default=True)
@click.option("--boundaries", type=BoundariesParam(), default="30,60,90", show_default=True)
@click.option("--customer", default=None, help="only this customer code")
@formats("table", "json", "csv")
@database_url_option
def aging_command(as_of: date, known_at, basis, boundaries, customer, output_format, database_url) -> None:
    """The aging report as of a date (docs/contract.md section 5)."""
    ledger = open_ledger_for(database_url)
    ledger.runner.catch_up()
    query = AgingQuery(as_of, known_at, DUE_DATE if basis == "due" else ISSUE_DATE, boundaries, customer)
    report = aging_report(ledger.database, query)
    if output_format == "json":
        print_json(report)
        return
    header, body, totals = aging_rows(report)
    if output_format == "csv":
        _csv([header, *body, *totals])
        return
    Console(width=200).print(aging_table(report))


def aging_rows(report: dict) -> tuple[list[str], list[list[str]], list[list[str]]]:
    header = [
        "customerCode",
        "currency",
        "outstanding",
        "current",
        *bucket_labels(report["basis"], report["boundaries"]),
        "unallocatedCredit",
    ]
    body = [
        [r["customerCode"], r["currency"], r["outstanding"], r["current"], *r["buckets"], r["unallocatedCredit"]]
        for r in report["rows"]
    ]
    totals = [
        ["TOTAL", t["currency"], t["outstanding"], t["current"], *t["buckets"], t["unallocatedCredit"]]
        for t in report["totals"]
    ]
    return header, body, totals


def aging_table(report: dict) -> Table:
    header, body, totals = aging_rows(report)
    known = f", known at {report['knownAt']}" if report["knownAt"] else ""
    table = Table(title=f"Aging as of {report['asOf']}{known} ({report['basis'].lower().replace('_', ' ')} basis)")
    for index, column in enumerate(header):
        table.add_column(column, justify="left" if index < 2 else "right")
    for row in body:
        table.add_row(*row)
    for row in totals:
        table.add_row(*row, style="bold")
    return table


@report_group.command("statement")
@click.option("--customer", required=True, help="customer code")
@click.option("--from", "start", type=DateParam(), required=True)
@click.option("--to", "end", type=DateParam(), required=True)
@click.option("--known-at", type=InstantParam(), default=None)
@formats("table", "json", "csv")
@database_url_option
def statement_command(customer, start, end, known_at, output_format, database_url) -> None:
    """Statement of account for a customer and period (docs/contract.md section 6)."""
    if end < start:
        raise click.BadParameter(f"--to {end} is before --from {start}")
    ledger = open_ledger_for(database_url)
    ledger.runner.catch_up()
    try:
        document = statement(ledger.database, customer, start, end, known_at)
    except CustomerNotFound as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    if output_format == "json":
        print_json(document)
        return
    rows = [
        [line["date"], line["kind"], line["number"], line["debit"], line["credit"], line["balance"]]
        for line in document["lines"]
    ]
    if output_format == "csv":
        _csv(
            [
                ["date", "kind", "number", "debit", "credit", "balance"],
                [document["from"], "OPENING_BALANCE", "", "", "", document["openingBalance"]],
                *rows,
                [document["to"], "CLOSING_BALANCE", "", "", "", document["closingBalance"]],
            ]
        )
        return
    table = Table(
        title=f"Statement of account {customer} ({document['currency']}) {document['from']} to {document['to']}"
    )
    for index, column in enumerate(["date", "kind", "number", "debit", "credit", "balance"]):
        table.add_column(column, justify="left" if index < 3 else "right")
    table.add_row(document["from"], "opening balance", "", "", "", document["openingBalance"], style="bold")
    for row in rows:
        table.add_row(*row)
    table.add_row(document["to"], "closing balance", "", "", "", document["closingBalance"], style="bold")
    Console(width=200).print(table)


@main.command("rebuild")
@click.option("--projection", type=click.Choice([PROJECTION]), default=PROJECTION, show_default=True)
@database_url_option
def rebuild_command(projection: str, database_url) -> None:
    """Rebuild the read models from the event log, in batches, with a progress bar."""
    ledger = open_ledger_for(database_url)
    total = ledger.app.recorder.max_notification_id() or 0
    started = time.perf_counter()
    with progress_bar() as progress:
        task = progress.add_task(f"rebuilding {projection}", total=total)
        position = ledger.runner.rebuild(progress=lambda n: progress.advance(task, n))
    elapsed = time.perf_counter() - started
    click.echo(f"rebuilt {projection}: {total} events to position {position} in {elapsed:.1f} s")


@main.command("reconcile")
@database_url_option
def reconcile_command(database_url) -> None:
    """Rebuild into scratch tables and compare with the live read models; exit 1 with a diff if they differ."""
    ledger = open_ledger_for(database_url)
    with progress_bar() as progress:
        task = progress.add_task("rebuilding into scratch tables", total=ledger.app.recorder.max_notification_id() or 0)
        result = reconcile(ledger.runner, progress=lambda n: progress.advance(task, n))
    for line in result.lines():
        click.echo(line)
    sys.exit(0 if result.equal else 1)


@main.command("project")
@click.option(
    "--poll-interval",
    type=click.FloatRange(0.01, 60),
    default=0.5,
    show_default=True,
    help="seconds between looks at the log when nothing woke the worker",
)
@click.option("--once", is_flag=True, help="catch up once and exit")
@database_url_option
def project_command(poll_interval: float, once: bool, database_url) -> None:
    """Follow the event log and keep the read models current (the worker for PostgreSQL deployments); with
    ARLEDGER_RISK_WATCH=on, also evaluate the early-warning rules for each customer whose account changed."""
    settings = settings_for(database_url)
    configure_logging(settings.log_format, settings.log_level)
    ledger = open_ledger_for(database_url, waiting=True)
    refuse_unindexed(ledger, "project")
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    watcher = RiskWatcher(ledger) if ledger.risk_watch else None
    click.echo(
        f"projection worker at position {ledger.runner.position()}"
        f"{', evaluating risk rules as events arrive' if watcher else ''}",
        err=True,
    )
    halts = HaltWatch("projection worker")
    # A database outage is waited out (logged, with backoff), and so are read models halted at an event they
    # cannot fold (the runner retries it with backoff; a fixed deployment or `rebuild` clears it): the worker
    # carries on by itself, polling cheaply meanwhile.
    while not stopping:
        try:
            position = when_available(
                ledger.runner.catch_up, "projection worker", lambda: bool(stopping), recover=ledger.recover
            )
            if watcher:
                when_available(watcher.step, "risk watch", lambda: bool(stopping), recover=ledger.recover)
            halts.running()
        except StoppedWaiting:
            break
        except ReadModelsHalted as error:
            if once:
                raise
            halts.halted(error)
            time.sleep(poll_interval)
            continue
        if once:
            click.echo(f"caught up to position {position}", err=True)
            return
        time.sleep(poll_interval)
