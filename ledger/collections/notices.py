"""Issuing a dunning notice (guard, then trigger): the notice, a dunning action per invoice, its deliveries (each
an aggregate of its own) and collectors' tasks, all in one transaction."""

from __future__ import annotations

from ledger.account import CustomerAccount
from ledger.account_ceiling import check_within_ceiling
from ledger.collections.action_events import DunningActionRecorded
from ledger.collections.deliveries import new_delivery
from ledger.collections.delivery import Delivery
from ledger.collections.events import CollectionTaskCreated, DunningNoticeIssued
from ledger.collections.notice_commands import IssueDunningNotice
from ledger.context import CommandContext
from ledger.errors import InvalidState, ValidationError
from ledger.invoicing.decisions import find_invoice
from ledger.money import check_amount, format_amount


def issue_dunning_notice(
    account: CustomerAccount, command: IssueDunningNotice, context: CommandContext
) -> list[Delivery]:
    """Raises InvalidState (already issued; the customer excluded; an invoice void, settled, disputed or dunned to
    this level or higher since the run read it), NotFound (an invoice), ValidationError (no lines or channels,
    repeated delivery or task ids; a fee beyond the largest amount), AccountLimitExceeded (interest or the total due
    above the per-customer ceiling: interest at up to 100% a year for centuries can get there). Records the notice,
    a `DunningActionRecorded` per invoice and a `CollectionTaskCreated` per task, and returns a new Delivery per
    message, which the handler saves with them in one transaction."""
    if command.notice_id in account.notices:
        raise InvalidState(f"dunning notice {command.notice_id} was already issued", ("noticeId",))
    if account.dunning_excluded:
        raise InvalidState(f"customer {account.code} is excluded from dunning", ("customerCode",))
    if not command.lines or not command.channels:
        raise ValidationError(
            f"dunning notice {command.notice_id} has no {'lines' if not command.lines else 'channels'}",
            ("lines" if not command.lines else "channels",),
        )
    ids = [delivery.delivery_id for delivery in command.deliveries] + [task.task_id for task in command.tasks]
    if (
        len(set(ids)) != len(ids)
        or any(delivery_id in account.deliveries for delivery_id in ids)
        or any(task_id in account.tasks for task_id in ids)
    ):
        raise ValidationError(f"dunning notice {command.notice_id} repeats a delivery or task id", ("channels",))
    for number, *_rest in command.lines:
        invoice = find_invoice(account, number, "invoiceNumber")
        if invoice.voided_on is not None or invoice.outstanding <= 0 or invoice.dispute_open:
            state = "void" if invoice.voided_on is not None else "settled" if invoice.outstanding <= 0 else "disputed"
            raise InvalidState(f"invoice {number} is {state} now: run the dunning again", ("invoiceNumber",))
        reached = account.dunning_levels.get(number, 0)
        if command.level <= reached:  # a back-dated run, or one racing a run for another day
            raise InvalidState(f"invoice {number} already reached dunning level {reached}", ("invoiceNumber",))
    money = lambda amount: format_amount(amount, command.currency)  # noqa: E731
    outstanding = sum(line[3] for line in command.lines)
    interest = sum(line[4] for line in command.lines)
    check_amount(command.fee, command.currency, ("fee",), what="dunning fee")
    for index, (number, _due, _days, _amount, charge) in enumerate(command.lines):
        check_within_ceiling(charge, command.currency, ("lines", index), f"interest on invoice {number}")
    check_within_ceiling(
        outstanding + interest + command.fee,
        command.currency,
        ("totalDue",),
        f"dunning notice {command.notice_id}'s total due",
    )
    meta = context.event_meta()
    account.trigger_event(
        DunningNoticeIssued,
        **meta,
        notice_id=command.notice_id,
        as_of=command.as_of,
        policy=command.policy,
        level=command.level,
        level_name=command.level_name,
        currency=command.currency,
        lines=[
            {
                "invoiceNumber": number,
                "dueOn": due.isoformat(),
                "daysOverdue": days,
                "outstanding": money(amount),
                "interest": money(charge),
            }
            for number, due, days, amount, charge in command.lines
        ],
        outstanding=money(outstanding),
        interest=money(interest),
        fee=money(command.fee),
        total_due=money(outstanding + interest + command.fee),
        annual_interest_rate=f"{command.annual_interest_rate:f}",
        channels=list(command.channels),
        operation_key=context.operation_key,
        delivery_ids=[delivery.delivery_id for delivery in command.deliveries],
    )
    hand_over = [channel for channel in command.channels if channel in ("LEGAL", "AGENCY")]
    for number, *_rest in command.lines:  # a hand-over level is recorded as the hand-over it is
        account.trigger_event(
            DunningActionRecorded,
            **meta,
            invoice_number=number,
            level=command.level,
            channel=(hand_over or list(command.channels))[0],
            acted_on=command.as_of,
            note=f"{command.level_name}: notice {command.notice_id}",
            operation_key=None,
        )
    days = max(line[2] for line in command.lines)
    for task in command.tasks:
        account.trigger_event(
            CollectionTaskCreated,
            **meta,
            task_id=task.task_id,
            notice_id=command.notice_id,
            kind=task.kind,
            instructions=task.instructions,
            invoices=[line[0] for line in command.lines],
            amount=money(outstanding + interest + command.fee),
            days_overdue=days,
        )
    return [new_delivery(account.code, command.notice_id, delivery, context) for delivery in command.deliveries]
