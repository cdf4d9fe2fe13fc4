"""Dunning commands: `dunning run` (decide, record, leave sending to the outbox), `dunning preview` (render a level
for a customer, nothing recorded), `dunning assign` (a customer's policy or exclusion), `dunning notices`,
`dunning worklist` (collectors' tasks by priority) and `dunning outcome` (what came of a task)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Optional

import click
from rich.console import Console
from rich.table import Table

from adapters.letters import letter_pdf
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
from ledger.context import CommandContext
from ledger.vocabulary import COLLECTION_OUTCOMES, DUNNING_CHANNELS, LOCALES, TASK_CHANNELS, TASK_STATUSES, language
from projections.dunning import notices, worklist
from services.books import Ledger
from services.dunning_policies import assign_policy
from services.dunning_run import PreviewError, preview, run


@main.group("dunning")
def dunning_group() -> None:
    """Dunning runs, previews, policies per customer, notices and collectors' worklist."""


@dunning_group.command("run")
@click.option("--as-of", type=DateParam(), required=True, help="business date of the run")
@click.option("--dry-run", is_flag=True, help="decide and render only: record nothing")
@click.option("--customer", default=None, help="only this customer")
@format_option
@database_url_option
def run_command(as_of: date, dry_run: bool, customer: Optional[str], output_format: str, database_url) -> None:
    """Issue the notices due on a date: one per customer and level, each invoice one level up at most. Running it
    twice for a date issues nothing the second time. The outbox worker (`outbox run`) sends the messages."""
    report = decide_or_exit(
        open_ledger_for(database_url), lambda ledger: run(ledger, as_of, f"dunning:{cli_actor()}", dry_run, customer)
    )
    if output_format == "json":
        print_json(
            {
                "asOf": as_of.isoformat(),
                "dryRun": report.dry_run,
                "issued": report.issued,
                "alreadyIssued": report.already_issued,
                "notices": report.notices,
                "excluded": report.excluded,
                "failed": report.failed,
            }
        )
    else:
        verb = "would issue" if dry_run else "issued"
        table = Table(title=f"Dunning run as of {as_of}: {verb} {len(report.notices)} notice(s)")
        for column in ("customerCode", "level", "invoices", "channels", "outstanding", "interest", "fee", "totalDue"):
            table.add_column(column, overflow="fold")
        for n in report.notices:
            table.add_row(
                n["customerCode"],
                f"{n['level']} {n['levelName']}",
                ", ".join(n["invoices"]),
                ", ".join(n["channels"]),
                n["outstanding"],
                n["interest"],
                n["fee"],
                f"{n['totalDue']} {n['currency']}",
            )
        Console(width=160).print(table)
        if report.already_issued:
            click.echo(f"{report.already_issued} notice(s) were already issued for this date: nothing sent twice")
    for failure in report.failed:
        click.echo(f"not issued: {failure}", err=True)
    sys.exit(1 if report.failed else 0)


@dunning_group.command("preview")
@click.option("--customer", required=True)
@click.option("--level", type=int, required=True, help="the level to render (from the customer's policy)")
@click.option("--as-of", type=DateParam(), default=None, help="business date (default: today)")
@click.option("--channel", type=click.Choice(DUNNING_CHANNELS), default=None, help="one channel (default: the level's)")
@click.option("--locale", type=click.Choice(LOCALES), default=None, help="default: the customer's")
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="also write the letter as this PDF file",
)
@database_url_option
def preview_command(
    customer: str,
    level: int,
    as_of: Optional[date],
    channel: Optional[str],
    locale: Optional[str],
    pdf_path: Optional[str],
    database_url,
) -> None:
    """Render what a level would send this customer for its open invoices, without recording anything."""
    ledger = open_ledger_for(database_url)
    as_of = as_of or date.today()
    try:
        rendered = preview(ledger, customer, level, as_of, channel, locale)
        if pdf_path:  # the letter rendered already, or rendered for the PDF
            letter = dict(rendered).get("LETTER") or preview(ledger, customer, level, as_of, "LETTER", locale)[0][1]
            account = ledger.app.account(customer)
            assert account is not None, "preview refuses a customer that is not registered"
            letter_pdf(
                Path(pdf_path),
                ledger.dunning.company,
                language(locale or account.locale),
                account.name,
                as_of.isoformat(),
                letter.subject,
                letter.body,
            )
    except PreviewError as error:
        raise click.UsageError(str(error)) from None
    finally:
        ledger.close()
    for each, message in rendered:
        click.echo(f"===== {each} — {message.subject}")
        click.echo(message.body)
    if pdf_path:
        click.echo(f"letter written to {pdf_path}", err=True)


@dunning_group.command("assign")
@click.option("--customer", required=True)
@click.option("--policy", default=None, help="a policy of the dunning configuration")
@click.option("--exclude", is_flag=True, help="exclude the customer from dunning")
@click.option("--default", "use_default", is_flag=True, help="back to the default policy")
@click.option("--reason", required=True)
@database_url_option
def assign_command(
    customer: str, policy: Optional[str], exclude: bool, use_default: bool, reason: str, database_url
) -> None:
    """Put a customer on a dunning policy, back on the default, or out of dunning (with a reason)."""
    if sum((policy is not None, exclude, use_default)) != 1:
        raise click.UsageError("give exactly one of --policy P, --exclude, --default")
    data = {"customerCode": customer, "reason": reason, "excluded": exclude, **({"policy": policy} if policy else {})}
    command = parse_or_exit("setDunningPolicy", data)

    def assign(ledger: Ledger) -> str:
        assign_policy(ledger, command, CommandContext(actor=cli_actor()))
        return "excluded from dunning" if exclude else f"dunning policy {policy or ledger.dunning.default_policy}"

    click.echo(f"{customer}: {decide_or_exit(open_ledger_for(database_url), assign)}")


@dunning_group.command("notices")
@click.option("--customer", default=None)
@click.option("--as-of", type=DateParam(), default=None)
@click.option("--first", type=click.IntRange(1, 10_000), default=100, show_default=True)
@database_url_option
def notices_command(customer: Optional[str], as_of: Optional[date], first: int, database_url) -> None:
    """Notices issued, newest first (JSON)."""
    ledger = open_ledger_for(database_url)
    ledger.runner.catch_up()
    print_json(notices(ledger.database, customer, as_of, first))
    ledger.close()


@dunning_group.command("worklist")
@click.option("--status", type=click.Choice(TASK_STATUSES), default="OPEN", show_default=True)
@click.option("--kind", type=click.Choice(TASK_CHANNELS), default=None)
@click.option("--first", type=click.IntRange(1, 10_000), default=50, show_default=True)
@format_option
@database_url_option
def worklist_command(status: str, kind: Optional[str], first: int, output_format: str, database_url) -> None:
    """Collectors' tasks, highest priority first: amount × days overdue × the customer's risk weight."""
    tasks = read_caught_up(database_url, lambda ledger: worklist(ledger.database, status, kind, first))
    if output_format == "json":
        print_json(tasks)
        return
    table = Table(title=f"Collectors' worklist ({len(tasks)} {status.lower()} task(s))")
    for column in ("priority", "taskId", "kind", "customer", "amount", "days", "grade", "instructions"):
        table.add_column(column, overflow="fold")
    for t in tasks:
        table.add_row(
            t["priority"],
            t["taskId"],
            t["kind"],
            f"{t['customerCode']} {t['customerName']}",
            f"{t['amount']} {t['currency']}",
            str(t["daysOverdue"]),
            t["grade"] or "",
            t["instructions"],
        )
    Console(width=180).print(table)


@dunning_group.command("outcome")
@click.option("--customer", required=True)
@click.option("--task", "task_id", required=True)
@click.option("--outcome", type=click.Choice(COLLECTION_OUTCOMES), required=True)
@click.option("--note", required=True)
@click.option("--promised-on", type=DateParam(), default=None, help="with PROMISED: the promised payment date")
@database_url_option
def outcome_command(
    customer: str, task_id: str, outcome: str, note: str, promised_on: Optional[date], database_url
) -> None:
    """Record what came of a collector's task (PROMISED records promises that pause dunning; DISPUTED opens
    disputes; NO_ANSWER keeps the task open)."""
    data = {
        "customerCode": customer,
        "taskId": task_id,
        "outcome": outcome,
        "note": note,
        **({"promisedOn": promised_on.isoformat()} if promised_on else {}),
    }
    command = parse_or_exit("recordCollectionOutcome", data)
    perform_or_exit(open_ledger_for(database_url), command)
    click.echo(f"{task_id}: {outcome}")
