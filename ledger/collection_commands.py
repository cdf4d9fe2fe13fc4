"""Decisions on collection (guard, then trigger): a customer's dunning policy, issuing a dunning notice with its
deliveries and tasks, the outbox's claims and outcomes, and collectors' outcomes."""

from __future__ import annotations

from datetime import timedelta

from ledger.account_ceiling import check_within_ceiling
from ledger.collection_events import (
    CollectionOutcomeRecorded,
    CollectionTaskCreated,
    Delivered,
    DeliveryAttempted,
    DeliveryFailed,
    DeliveryRequested,
    DunningNoticeIssued,
    DunningPolicySet,
)
from ledger.commands import (
    ClaimDelivery,
    IssueDunningNotice,
    RecordCollectionOutcome,
    RecordDeliveryOutcome,
    SetDunningPolicy,
)
from ledger.context import CommandContext
from ledger.customer import CustomerAccount
from ledger.errors import InvalidState, NotFound, ValidationError
from ledger.invoice_commands import find_invoice
from ledger.money import check_amount, format_amount


def set_dunning_policy(account: CustomerAccount, command: SetDunningPolicy, context: CommandContext) -> None:
    """Raises ValidationError (no reason; a policy named while excluding). Policy names are checked against the
    configuration by the caller: the domain does not read it."""
    if not command.reason.strip():
        raise ValidationError("reason is required: say why the customer's dunning changes", ("reason",))
    if command.excluded and command.policy is not None:
        raise ValidationError(
            "an excluded customer has no dunning policy: give policy or excluded, not both", ("policy",)
        )
    account.trigger_event(
        DunningPolicySet,
        **context.event_meta(),
        policy=command.policy,
        excluded=command.excluded,
        reason=command.reason,
        operation_key=context.operation_key,
    )


def issue_dunning_notice(account: CustomerAccount, command: IssueDunningNotice, context: CommandContext) -> None:
    """Raises InvalidState (already issued; the customer excluded; an invoice void, settled, disputed or dunned to
    this level or higher since the run read it), NotFound (an invoice), ValidationError (no lines or channels,
    repeated delivery or task ids; a fee beyond the largest amount), AccountLimitExceeded (interest or the total due
    above the per-customer ceiling: interest at up to 100% a year for centuries can get there). Records the notice,
    a `DunningActionRecorded` per invoice, a `DeliveryRequested` per message and a `CollectionTaskCreated` per task,
    in one transaction."""
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
    )
    hand_over = [channel for channel in command.channels if channel in ("LEGAL", "AGENCY")]
    for number, *_rest in command.lines:  # a hand-over level is recorded as the hand-over it is
        account.trigger_event(
            CustomerAccount.DunningActionRecorded,
            **meta,
            invoice_number=number,
            level=command.level,
            channel=(hand_over or list(command.channels))[0],
            acted_on=command.as_of,
            note=f"{command.level_name}: notice {command.notice_id}",
            operation_key=None,
        )
    for delivery in command.deliveries:
        account.trigger_event(
            DeliveryRequested,
            **meta,
            delivery_id=delivery.delivery_id,
            notice_id=command.notice_id,
            channel=delivery.channel,
            recipient=delivery.recipient,
            subject=delivery.subject,
            body=delivery.body,
            locale=delivery.locale,
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


def _delivery(account: CustomerAccount, delivery_id: str) -> dict:
    delivery = account.deliveries.get(delivery_id)
    if delivery is None:
        raise NotFound(f"customer {account.code} has no delivery {delivery_id}", ("deliveryId",))
    return delivery


def claim_delivery(account: CustomerAccount, command: ClaimDelivery, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (delivered, given up, waiting for its retry time, held by a live lease, or
    claimed since the worker read it)."""
    delivery = _delivery(account, command.delivery_id)
    status = delivery["status"]
    if status in ("DELIVERED", "FAILED"):
        raise InvalidState(f"delivery {command.delivery_id} is {status.lower()}", ("deliveryId",))
    if status == "RETRY" and delivery["retry_at"] > command.now:
        raise InvalidState(
            f"delivery {command.delivery_id} waits until {delivery['retry_at'].isoformat()}", ("deliveryId",)
        )
    if status == "SENDING" and delivery["lease_until"] > command.now:
        raise InvalidState(f"delivery {command.delivery_id} is being sent", ("deliveryId",))
    if command.attempt != delivery["attempts"] + 1:
        raise InvalidState(
            f"delivery {command.delivery_id} has had {delivery['attempts']} attempt(s): attempt "
            f"{command.attempt} is out of date",
            ("attempt",),
        )
    account.trigger_event(
        DeliveryAttempted,
        **context.event_meta(),
        delivery_id=command.delivery_id,
        attempt=command.attempt,
        worker=command.worker,
        lease_until=command.now + timedelta(seconds=command.lease_s),
    )


def record_delivery_outcome(account: CustomerAccount, command: RecordDeliveryOutcome, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (already delivered; a failure reported for an attempt that is not the latest).

    A success is recorded whichever attempt reports it (the message did go out); a failure only for the latest
    attempt, so a worker whose lease was taken over cannot undo the newer attempt."""
    delivery = _delivery(account, command.delivery_id)
    if delivery["status"] == "DELIVERED":
        raise InvalidState(f"delivery {command.delivery_id} is already delivered", ("deliveryId",))
    if command.attempt < 1 or command.attempt > delivery["attempts"]:
        raise InvalidState(f"delivery {command.delivery_id} has no attempt {command.attempt}", ("attempt",))
    if command.delivered:
        account.trigger_event(
            Delivered,
            **context.event_meta(),
            delivery_id=command.delivery_id,
            attempt=command.attempt,
            detail=command.detail,
        )
        return
    if command.attempt != delivery["attempts"] or delivery["status"] != "SENDING":
        raise InvalidState(
            f"delivery {command.delivery_id} attempt {command.attempt} is not the one in progress", ("attempt",)
        )
    account.trigger_event(
        DeliveryFailed,
        **context.event_meta(),
        delivery_id=command.delivery_id,
        attempt=command.attempt,
        reason=command.detail,
        retry_at=command.retry_at,
    )


def record_collection_outcome(
    account: CustomerAccount, command: RecordCollectionOutcome, context: CommandContext
) -> None:
    """Raises NotFound (task), InvalidState (task done), ValidationError (no note; PROMISED without a date, or with
    one before an invoice's issue date; a date with another outcome). PROMISED records a promise to pay on each open invoice of the task, DISPUTED
    opens a dispute on each that has none."""
    task = account.tasks.get(command.task_id)
    if task is None:
        raise NotFound(f"customer {account.code} has no collection task {command.task_id}", ("taskId",))
    if task["status"] == "DONE":
        raise InvalidState(f"collection task {command.task_id} is already done", ("taskId",))
    if not command.note.strip():
        raise ValidationError("note is required: say what happened", ("note",))
    if command.outcome == "PROMISED" and command.promised_on is None:
        raise ValidationError("promisedOn is required when the customer promised to pay", ("promisedOn",))
    if command.outcome != "PROMISED" and command.promised_on is not None:
        raise ValidationError("promisedOn goes only with the outcome PROMISED", ("promisedOn",))
    open_invoices = [
        account.invoices[number]
        for number in task["invoices"]
        if account.invoices[number].voided_on is None and account.invoices[number].outstanding > 0
    ]
    for invoice in open_invoices:
        if command.outcome == "PROMISED" and command.promised_on < invoice.issue_date:
            raise ValidationError(
                f"promisedOn {command.promised_on} is before invoice {invoice.number}'s issue date", ("promisedOn",)
            )
    meta = context.event_meta()
    account.trigger_event(
        CollectionOutcomeRecorded,
        **meta,
        task_id=command.task_id,
        outcome=command.outcome,
        note=command.note,
        operation_key=context.operation_key,
    )
    for invoice in open_invoices:
        if command.outcome == "PROMISED":
            account.trigger_event(
                CustomerAccount.PromiseToPayRecorded,
                **meta,
                invoice_number=invoice.number,
                promised_on=command.promised_on,
                amount=format_amount(invoice.outstanding, invoice.currency),
                operation_key=None,
            )
        elif command.outcome == "DISPUTED" and not invoice.dispute_open:
            account.trigger_event(
                CustomerAccount.DisputeOpened,
                **meta,
                invoice_number=invoice.number,
                reason=command.note,
                operation_key=None,
            )
