"""Periodic statements of account (对账) on the customer account: a statement is issued (and e-mailed through the
outbox as a `DeliveryRequested` whose source is the statement), then the customer confirms its balance or
disputes it. A statement with neither is "no answer". Guards live in `ledger/statements/decisions.py`."""

from __future__ import annotations

from datetime import date

from ledger.account import CustomerAccount, register_events

Event = CustomerAccount.Event


class StatementIssued(Event):
    """The statement for [period_from, period_to] as the books stood when it was issued: opening and closing
    balance (the documents themselves are rendered from the log as known at this event's instant)."""

    TOPIC = "arledger:StatementIssued"
    statement_id: str
    as_of: date
    period_from: date
    period_to: date
    currency: str
    opening_balance: str
    closing_balance: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.statements[self.statement_id] = "SENT"
        account.remember(self.operation_key)


class StatementBalanceConfirmed(Event):
    TOPIC = "arledger:StatementBalanceConfirmed"
    statement_id: str
    note: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.statements[self.statement_id] = "CONFIRMED"


class StatementBalanceDisputed(Event):
    """The customer disputes the balance: why, and the balance by its own books if it gave one."""

    TOPIC = "arledger:StatementBalanceDisputed"
    statement_id: str
    reason: str
    their_balance: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.statements[self.statement_id] = "DISPUTED"


register_events(StatementIssued, StatementBalanceConfirmed, StatementBalanceDisputed)
