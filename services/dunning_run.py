"""The dunning run: from the read models as of a date, the notices each customer's policy calls for (one per
customer and level, `ledger.collections.dunning.decide`), rendered for every channel of the level, and recorded — each notice
with its per-invoice `DunningActionRecorded`, its outbox deliveries and its collectors' tasks — in one
transaction per batch of customers. Nothing is sent here: the outbox worker sends what was recorded.

Idempotent: a notice's operation key is its id (customer, date, level), so running twice for a date records
nothing the second time, even when two runs race; and the invoices it covered have just been dunned, so the
spacing between levels keeps them out of the second run's decision anyway. `dry_run` decides and renders only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Optional

from adapters.message_templates import Contact, Rendered
from ledger.collections.dunning import Notice, decide, line
from ledger.collections.notice_commands import DeliveryRequest, IssueDunningNotice, TaskRequest
from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.handlers import APPLIED
from ledger.money import at_scale, format_amount
from ledger.vocabulary import DUNNING_CHANNELS, MESSAGE_CHANNELS, language
from projections.dunning import contacts, open_items
from services.books import Ledger
from services.checks import require_customer

BATCH_NOTICES = 200


@dataclass
class RunReport:
    as_of: date
    dry_run: bool
    notices: list[dict[str, Any]] = field(default_factory=list)  # what was (or would be) issued
    issued: int = 0
    already_issued: int = 0
    excluded: list[str] = field(default_factory=list)  # customers with open items left alone by their setting
    failed: list[str] = field(default_factory=list)


def notice_command(ledger: Ledger, notice: Notice, contact: Contact) -> IssueDunningNotice:
    """The notice rendered for each channel of its level: messages for the outbox, tasks for collectors."""
    level = notice.level
    deliveries, tasks = [], []
    locale = language(contact.locale)
    for channel in level.channels:
        rendered = ledger.renderer.render(notice, contact, channel)
        if channel in MESSAGE_CHANNELS:
            recipient = {"EMAIL": contact.email, "SMS": contact.phone, "LETTER": contact.name}[channel]
            deliveries.append(
                DeliveryRequest(
                    f"{notice.notice_id}:{channel}", channel, recipient, rendered.subject, rendered.body, locale
                )
            )
        else:
            tasks.append(TaskRequest(f"{notice.notice_id}:{channel}", channel, rendered.body))
    name = (
        ledger.dunning.level_names_zh.get((notice.policy, level.level), level.name) if locale == "zh-CN" else level.name
    )
    return IssueDunningNotice(
        notice.customer_code,
        notice.notice_id,
        notice.as_of,
        notice.policy,
        level.level,
        name,
        notice.currency,
        tuple(
            (line.invoice_number, line.due_on, line.days_overdue, line.outstanding, line.interest)
            for line in notice.lines
        ),
        notice.fee,
        level.annual_interest_rate,
        level.channels,
        tuple(deliveries),
        tuple(tasks),
    )


def summary(notice: Notice) -> dict[str, Any]:
    money = lambda amount: format_amount(amount, notice.currency)
    return {
        "noticeId": notice.notice_id,
        "customerCode": notice.customer_code,
        "level": notice.level.level,
        "levelName": notice.level.name,
        "channels": list(notice.level.channels),
        "invoices": [line.invoice_number for line in notice.lines],
        "currency": notice.currency,
        "outstanding": money(notice.outstanding),
        "interest": money(notice.interest),
        "fee": money(notice.fee),
        "totalDue": money(notice.total_due),
    }


def plan(
    ledger: Ledger, as_of: date, customer_code: Optional[str] = None
) -> tuple[list[IssueDunningNotice], RunReport]:
    """Decide and render (no writes): the commands a run would execute, and the report of what they say."""
    ledger.runner.catch_up()
    report = RunReport(as_of, dry_run=True)
    items = open_items(ledger.database, as_of, [customer_code] if customer_code else None)
    known = contacts(ledger.database, sorted(items))
    commands = []
    for code in sorted(items):
        name, email, phone, locale, policy_name, excluded = known[code]
        if excluded:
            report.excluded.append(code)
            continue
        if policy_name is not None and policy_name not in ledger.dunning.policies:
            report.failed.append(f"{code}: dunning policy {policy_name!r} is not in {ledger.dunning.source}")
            continue
        contact = Contact(code, name, email, phone, locale)
        for notice in decide(ledger.dunning.policy(policy_name), items[code], as_of):
            try:
                commands.append(notice_command(ledger, notice, contact))
            except LedgerError as error:
                report.failed.append(f"{code}: {error.message}")
                continue
            except ValueError as error:  # a template that does not render: named, the run goes on
                report.failed.append(f"{code}: {error}")
                continue
            report.notices.append(summary(notice))
    return commands, report


def run(
    ledger: Ledger, as_of: date, actor: str, dry_run: bool = False, customer_code: Optional[str] = None
) -> RunReport:
    """Issue (or with `dry_run` only decide) the notices due on `as_of`, for every customer or one. Raises NotFound
    for a customer that is not registered."""
    if customer_code:
        require_customer(ledger, customer_code)
    commands, report = plan(ledger, as_of, customer_code)
    if dry_run:
        return report
    report.dry_run = False
    issued = set()
    for start in range(0, len(commands), BATCH_NOTICES):
        batch = commands[start : start + BATCH_NOTICES]
        operations = [
            (command, CommandContext(actor=actor, operation_key=f"dunning:{command.notice_id}")) for command in batch
        ]
        for command, result in zip(batch, ledger.app.perform_many(operations)):
            if isinstance(result, LedgerError):
                report.failed.append(f"{command.customer_code}: {result.code} {result.message}")
            elif result.status == APPLIED:
                report.issued += 1
                issued.add(command.notice_id)
            else:
                report.already_issued += 1
    report.notices = [notice for notice in report.notices if notice["noticeId"] in issued]
    ledger.runner.catch_up()
    return report


class PreviewError(ValueError):
    """The preview cannot be made (unknown customer or level, nothing open): the message says which."""


def preview(
    ledger: Ledger,
    customer_code: str,
    level: int,
    as_of: date,
    channel: Optional[str] = None,
    locale: Optional[str] = None,
) -> list[tuple[str, Rendered]]:
    """What `level` would send the customer for all its open invoices as of `as_of` (whether or not they are due
    for it), channel by channel, in the customer's locale or `locale`. Nothing is recorded."""
    ledger.runner.catch_up()
    known = contacts(ledger.database, [customer_code])
    if customer_code not in known:
        raise PreviewError(f"customer {customer_code} is not registered")
    name, email, phone, customer_locale, policy_name, _excluded = known[customer_code]
    policy = ledger.dunning.policy(policy_name if policy_name in ledger.dunning.policies else None)
    chosen = [candidate for candidate in policy.levels if candidate.level == level]
    if not chosen:
        raise PreviewError(
            f"level {level}: policy {policy.name} has levels "
            f"{', '.join(str(candidate.level) for candidate in policy.levels)}"
        )
    if channel is not None and channel not in DUNNING_CHANNELS:
        raise PreviewError(f"channel {channel!r}: use one of {', '.join(DUNNING_CHANNELS)}")
    items = open_items(ledger.database, as_of, [customer_code]).get(customer_code, [])
    if not items:
        raise PreviewError(f"customer {customer_code} has nothing open as of {as_of}: a notice would have no lines")
    target, currency = chosen[0], items[0].currency
    lines = tuple(line(item, target, as_of) for item in sorted(items, key=lambda i: (i.due_on, i.invoice_number)))
    notice = Notice(
        customer_code,
        currency,
        policy.name,
        target,
        as_of,
        lines,
        at_scale(target.fees.get(currency, Decimal(0)), currency),
    )
    contact = Contact(customer_code, name, email, phone, locale or customer_locale)
    return [
        (each, ledger.renderer.render(notice, contact, each)) for each in ([channel] if channel else target.channels)
    ]
