"""Outbox commands: `outbox run` (the worker that sends e-mails, SMS and letters and records each outcome) and
`outbox list` (deliveries and their state)."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Optional

import click
from rich.console import Console
from rich.table import Table

from adapters.senders import SmtpSettings, email_sender, letter_writer, sms_sender
from arledger.cli.common import (
    database_url_option,
    format_option,
    main,
    open_ledger_for,
    print_json,
    read_caught_up,
    settings_for,
)
from arledger.logs import configure_logging
from ledger.collections.dunning import MESSAGE_CHANNELS
from ledger.store.availability import StoppedWaiting, when_available
from projections.dunning import DELIVERY_STATUSES, deliveries
from projections.halt import ReadModelsHalted
from services.books import Ledger
from services.halting import HaltWatch
from services.outbox import Outbox, OutboxSettings
from services.statements import attachments_for


def build_outbox(ledger: Ledger, settings: dict) -> Outbox:
    """The worker with a sender for each channel that is configured (the others wait)."""
    company = ledger.dunning.company
    senders = {"LETTER": letter_writer(Path(str(settings["letter_dir"])), company)}
    if settings["smtp_host"]:
        senders["EMAIL"] = email_sender(
            SmtpSettings(
                str(settings["smtp_host"]),
                int(settings["smtp_port"]),
                str(settings["smtp_from"]),
                settings["smtp_user"],
                settings["smtp_password"],
                bool(settings["smtp_starttls"]),
            ),
            company,
            lambda item: attachments_for(ledger, item.source_id),
        )
    if settings["sms_url"]:
        senders["SMS"] = sms_sender(str(settings["sms_url"]), settings["sms_token"])
    return Outbox(
        ledger,
        senders,
        OutboxSettings(int(settings["lease_s"]), int(settings["max_attempts"]), int(settings["backoff_s"])),
    )


@main.group("outbox")
def outbox_group() -> None:
    """Deliveries of dunning messages: the worker and the list."""


@outbox_group.command("run")
@click.option("--once", is_flag=True, help="send what is due now, then exit")
@click.option("--poll-interval", type=click.FloatRange(0.05, 60), default=1.0, show_default=True)
@database_url_option
def run_command(once: bool, poll_interval: float, database_url) -> None:
    """Send e-mails (ARLEDGER_SMTP_HOST), SMS (ARLEDGER_SMS_URL) and letters (PDF in ARLEDGER_LETTER_DIR) as they
    become due; record each outcome; retry with backoff. Stops cleanly on SIGTERM."""
    everything = settings_for(database_url)
    configure_logging(everything.log_format, everything.log_level)
    settings = everything.outbox
    ledger = open_ledger_for(database_url, waiting=True)
    outbox = build_outbox(ledger, settings)
    waiting = sorted({"EMAIL", "SMS", "LETTER"} - set(outbox.senders))
    click.echo(
        f"outbox worker {outbox.worker}: sending {', '.join(sorted(outbox.senders))}"
        + (f"; {', '.join(waiting)} not configured: left waiting" if waiting else ""),
        err=True,
    )
    stopping: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    total = 0
    halts = HaltWatch(f"outbox worker {outbox.worker}")
    while not stopping:
        try:
            report = when_available(
                outbox.step, f"outbox worker {outbox.worker}", lambda: bool(stopping), recover=ledger.recover
            )
            halts.running()
        except StoppedWaiting:
            break
        except ReadModelsHalted as error:  # its deliveries are read models: wait for the fix, as for an outage
            if once:
                raise
            halts.halted(error)
            time.sleep(poll_interval)
            continue
        total += report.delivered
        if once and not (report.delivered or report.failed):
            break
        if not (report.delivered or report.failed or report.skipped):
            time.sleep(poll_interval)
    click.echo(f"outbox worker {outbox.worker}: {total} delivered", err=True)
    ledger.close()


@outbox_group.command("list")
@click.option("--status", type=click.Choice(DELIVERY_STATUSES), default=None)
@click.option("--channel", type=click.Choice(MESSAGE_CHANNELS), default=None)
@click.option("--customer", default=None)
@click.option("--first", type=click.IntRange(1, 10_000), default=100, show_default=True)
@format_option
@database_url_option
def list_command(
    status: Optional[str], channel: Optional[str], customer: Optional[str], first: int, output_format: str, database_url
) -> None:
    """Deliveries, newest first, with their state, attempts and last error."""
    found = read_caught_up(database_url, lambda ledger: deliveries(ledger.database, status, channel, customer, first))
    if output_format == "json":
        print_json(found)
        return
    table = Table(title=f"Deliveries ({len(found)})")
    for column in ("deliveryId", "channel", "recipient", "status", "attempts", "detail / error"):
        table.add_column(column, overflow="fold")
    for d in found:
        table.add_row(
            d["deliveryId"],
            d["channel"],
            d["recipient"] or "",
            d["status"],
            str(d["attempts"]),
            d["lastError"] if d["status"] in ("RETRY", "FAILED") else d["detail"] or "",
        )
    Console(width=160).print(table)
