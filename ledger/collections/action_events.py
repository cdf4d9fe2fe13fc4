"""Collection actions on an invoice, recorded on its customer's account: dunning actions (by a person or a
dunning notice), promises to pay, and disputes. Guards live in `ledger/collections/invoice_actions.py`."""

from __future__ import annotations

from datetime import date

from ledger.account import CustomerAccount, register_events

Event = CustomerAccount.Event


class DunningActionRecorded(Event):
    TOPIC = "arledger:DunningActionRecorded"
    invoice_number: str
    level: int
    channel: str
    acted_on: date
    note: str | None
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        reached = account.dunning_levels.get(self.invoice_number, 0)
        account.dunning_levels[self.invoice_number] = max(reached, self.level)
        account.remember(self.operation_key)


class PromiseToPayRecorded(Event):
    TOPIC = "arledger:PromiseToPayRecorded"
    invoice_number: str
    promised_on: date
    amount: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.remember(self.operation_key)


class DisputeOpened(Event):
    TOPIC = "arledger:DisputeOpened"
    invoice_number: str
    reason: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.invoices[self.invoice_number].dispute_open = True
        account.remember(self.operation_key)


class DisputeResolved(Event):
    TOPIC = "arledger:DisputeResolved"
    invoice_number: str
    reason: str
    operation_key: str | None

    def apply(self, account: CustomerAccount) -> None:
        account.invoices[self.invoice_number].dispute_open = False
        account.remember(self.operation_key)


register_events(DunningActionRecorded, PromiseToPayRecorded, DisputeOpened, DisputeResolved)
