"""Collection decisions on a customer (guard, then trigger): its dunning policy, and the outcome of a collector's
task (promises to pay or disputes on the task's invoices)."""

from __future__ import annotations

from ledger.account import CustomerAccount
from ledger.collections.action_events import DisputeOpened, PromiseToPayRecorded
from ledger.collections.commands import RecordCollectionOutcome, SetDunningPolicy
from ledger.collections.events import CollectionOutcomeRecorded, DunningPolicySet
from ledger.context import CommandContext
from ledger.errors import InvalidState, NotFound, ValidationError
from ledger.money import format_amount


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
        if command.promised_on is not None and command.promised_on < invoice.issue_date:  # given only when PROMISED
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
                PromiseToPayRecorded,
                **meta,
                invoice_number=invoice.number,
                promised_on=command.promised_on,
                amount=format_amount(invoice.outstanding, invoice.currency),
                operation_key=None,
            )
        elif command.outcome == "DISPUTED" and not invoice.dispute_open:
            account.trigger_event(
                DisputeOpened,
                **meta,
                invoice_number=invoice.number,
                reason=command.note,
                operation_key=None,
            )
