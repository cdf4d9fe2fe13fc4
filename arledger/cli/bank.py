"""Bank commands: `bank import` (a CSV or CAMT.053 file: record, match, apply the sure ones), `bank exceptions`
(the lines a person must decide), `bank apply` and `bank ignore` (that person's decision)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Optional

import click
from rich.console import Console
from rich.table import Table

from adapters.bank_files import BankFileError, read_camt053, read_csv
from arledger.cli.common import (
    cli_actor,
    database_url_option,
    format_option,
    main,
    open_ledger_for,
    parse_or_exit,
    perform_or_exit,
    print_json,
    read_caught_up,
)
from services.bank_import import DEFAULT_THRESHOLD, bank_lines, reconcile_file


@main.group("bank")
def bank_group() -> None:
    """Bank reconciliation: statements in, payments matched, exceptions decided by a person."""


@bank_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--account", default=None, help="the bank account (default: the file's IBAN, or BANK for CSV)")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=float(DEFAULT_THRESHOLD),
    show_default=True,
    help="apply automatically only proposals this sure (and only when there is one)",
)
@format_option
@database_url_option
def import_command(path: str, account: Optional[str], threshold: float, output_format: str, database_url) -> None:
    """Record each credit of a bank file once (CSV layout in the README, or CAMT.053 .xml), match it, apply the
    sure matches as payments and leave the rest in the exception queue. A malformed file records nothing."""
    content = Path(path).read_bytes()
    try:
        if path.lower().endswith(".xml") or content.lstrip().startswith(b"<"):
            lines, debits = read_camt053(content, account)
        else:
            lines, debits = read_csv(content.decode("utf-8"), account or "BANK")
    except (BankFileError, UnicodeDecodeError) as error:
        click.echo(f"{path}: {error}", err=True)
        sys.exit(1)
    ledger = open_ledger_for(database_url)
    try:
        report = reconcile_file(ledger, lines, debits, f"bank:{cli_actor()}", Decimal(str(threshold)))
    except BankFileError as error:
        click.echo(f"{path}: {error}", err=True)
        sys.exit(1)
    finally:
        ledger.close()
    if output_format == "json":
        print_json(
            {
                "lines": report.lines,
                "imported": report.imported,
                "alreadyImported": report.already_imported,
                "debitsSkipped": report.debits_skipped,
                "applied": report.applied,
                "exceptions": report.exceptions,
            }
        )
        return
    click.echo(
        f"{report.lines} line(s): {report.imported} imported, {report.already_imported} already imported, "
        f"{report.debits_skipped} debit(s) skipped; {len(report.applied)} applied as payments, "
        f"{len(report.exceptions)} left for a person (arledger bank exceptions)"
    )


@bank_group.command("exceptions")
@click.option("--all", "everything", is_flag=True, help="every line, decided or not")
@click.option("--first", type=click.IntRange(1, 10_000), default=200, show_default=True, help="at most this many lines")
@format_option
@database_url_option
def exceptions_command(everything: bool, first: int, output_format: str, database_url) -> None:
    """The bank lines waiting for a person (oldest first), with the matcher's proposals."""
    rows = read_caught_up(database_url, lambda ledger: bank_lines(ledger, open_only=not everything, first=first + 1))
    if len(rows) > first:
        rows = rows[:first]
        click.echo(f"more lines follow: showing the first {first} (--first)", err=True)
    if output_format == "json":
        print_json(rows)
        return
    table = Table(title=f"Bank lines ({len(rows)})")
    for column in ("line", "valueOn", "amount", "counterparty", "remittance", "status", "proposals / decision"):
        table.add_column(column, overflow="fold")
    for r in rows:
        proposals = "; ".join(
            f"{p['customerCode']} {','.join(a['invoiceNumber'] for a in p['allocations'])} "
            f"({p['rule']} {p['confidence']})"
            for p in r["proposals"]
        )
        decision = r["customerCode"] and f"{r['customerCode']} {r['paymentReference']}" or r["reason"] or proposals
        table.add_row(
            r["line"],
            r["valueOn"],
            f"{r['amount']} {r['currency']}",
            r["counterparty"] or "",
            r["remittance"] or "",
            r["status"],
            decision or "",
        )
    Console(width=170).print(table)


@bank_group.command("apply")
@click.option("--line", "label", required=True, help="ACCOUNT:BANK_REFERENCE")
@click.option("--customer", required=True)
@click.option("--allocate", multiple=True, metavar="INVOICE=AMOUNT", help="repeatable; none: oldest due first")
@database_url_option
def apply_command(label: str, customer: str, allocate: tuple[str, ...], database_url) -> None:
    """Apply a bank line as a payment of the customer (a person's decision, rule MANUAL)."""
    allocations = []
    for item in allocate:
        number, equals, amount = item.partition("=")
        if not number or not equals:
            raise click.UsageError(f"--allocate {item!r}: give INVOICE=AMOUNT")
        allocations.append({"invoiceNumber": number, "amount": amount})  # the parser refuses the rest by name
    data = {"line": label, "customerCode": customer, **({"allocations": allocations} if allocations else {})}
    command = parse_or_exit("applyBankLine", data)
    outcome = perform_or_exit(open_ledger_for(database_url), command)
    click.echo(f"{label}: applied as payment {outcome.subject_id} of {customer}")


@bank_group.command("ignore")
@click.option("--line", "label", required=True, help="ACCOUNT:BANK_REFERENCE")
@click.option("--reason", required=True)
@database_url_option
def ignore_command(label: str, reason: str, database_url) -> None:
    """Set a bank line aside as not a customer payment, with the reason."""
    command = parse_or_exit("ignoreBankLine", {"line": label, "reason": reason})
    perform_or_exit(open_ledger_for(database_url), command)
    click.echo(f"{label}: ignored")
