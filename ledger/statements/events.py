"""Periodic statements of account (对账) on the customer account: a statement is issued (and e-mailed through the
outbox as a Delivery whose source is the statement: ledger/collections/delivery.py), then the customer confirms its balance or
disputes it. A statement with neither is "no answer". Guards live in `ledger/statements/decisions.py`."""

from __future__ import annotations

from datetime import date

from ledger.account import CustomerAccount, register_events

Event = CustomerAccount.Event


class StatementIssued(Event):
    """The statement for [period_from, period_to] as the books stood when it was issued: opening and closing
    balance (the documents themselves are rendered from the log as known at this event's instant), and the
    delivery that e-mails it (none when the customer has no address on file)."""

    TOPIC = "arledger:StatementIssued"
    class_version = 2
    statement_id: str
    as_of: date
    period_from: date
    period_to: date
    currency: str
    opening_balance: str
    closing_balance: str
    operation_key: str | None
    delivery_ids: list  # its Delivery aggregates (version 1 recorded its delivery as an account event)

    @staticmethod
    def upcast_v1_v2(state: dict) -> None:
        state["delivery_ids"] = []

    def apply(self, account: CustomerAccount) -> None:
        account.statements[self.statement_id] = "SENT"
        account.deliveries.update(dict.fromkeys(self.delivery_ids))
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
