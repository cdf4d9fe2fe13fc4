"""Decisions on statements of account: issue one (with its e-mail), and the customer's confirmation or dispute."""

from __future__ import annotations

from ledger.account import CustomerAccount
from ledger.collections.deliveries import new_delivery
from ledger.collections.delivery import Delivery
from ledger.context import CommandContext
from ledger.errors import InvalidState, NotFound, ValidationError
from ledger.money import Money, format_amount
from ledger.statements.commands import IssueStatement, RespondToStatement
from ledger.statements.events import StatementBalanceConfirmed, StatementBalanceDisputed, StatementIssued


def issue_statement(account: CustomerAccount, command: IssueStatement, context: CommandContext) -> list[Delivery]:
    """Raises InvalidState (already issued), ValidationError (a period that ends before it starts). Returns the
    Delivery that e-mails it (if any), which the handler saves with the statement in one transaction."""
    if command.statement_id in account.statements:
        raise InvalidState(f"statement {command.statement_id} was already issued", ("statementId",))
    if command.period_to < command.period_from:
        raise ValidationError(
            f"the period ends ({command.period_to}) before it starts ({command.period_from})", ("from",)
        )
    meta = context.event_meta()
    account.trigger_event(
        StatementIssued,
        **meta,
        statement_id=command.statement_id,
        as_of=command.as_of,
        period_from=command.period_from,
        period_to=command.period_to,
        currency=command.currency,
        opening_balance=format_amount(command.opening_balance, command.currency),
        closing_balance=format_amount(command.closing_balance, command.currency),
        operation_key=context.operation_key,
        delivery_ids=[] if command.delivery is None else [command.delivery.delivery_id],
    )
    if command.delivery is None:
        return []
    return [new_delivery(account.code, command.statement_id, command.delivery, context)]


def respond_to_statement(account: CustomerAccount, command: RespondToStatement, context: CommandContext) -> None:
    """Raises NotFound (no such statement for this customer), InvalidState (already confirmed or disputed),
    ValidationError (their balance in more decimals than the currency has)."""
    status = account.statements.get(command.statement_id)
    if status is None:
        raise NotFound(f"customer {account.code} has no statement {command.statement_id}", ("statementId",))
    if status != "SENT":
        raise InvalidState(f"statement {command.statement_id} is already {status.lower()}", ("statementId",))
    if command.confirmed:
        account.trigger_event(
            StatementBalanceConfirmed, **context.event_meta(), statement_id=command.statement_id, note=command.note
        )
        return
    their = (
        None
        if command.their_balance is None
        else str(Money.of(command.their_balance, account.currency, ("theirBalance",), what="theirBalance"))
    )
    account.trigger_event(
        StatementBalanceDisputed,
        **context.event_meta(),
        statement_id=command.statement_id,
        reason=command.note or "",
        their_balance=their,
    )
