"""A bank credit as the ledger knows it: one aggregate per line of a bank statement (its id derives from the bank
account and the bank's own reference, so importing the same file twice records nothing new), and what was decided
about it — proposed matches, matched to a customer as a payment, or set aside with a reason. Every decision is an
event; guards live in `ledger/bank/decisions.py`."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate

from ledger.account import NAMESPACE


def split_line_label(label: str) -> tuple[str, str] | None:
    """(account, bank reference) from the label `ACCOUNT:BANK_REFERENCE` that lists show, or None when it has no
    such parts. Split at the first colon: the bank's reference is free text and may hold colons itself."""
    account, _, reference = label.partition(":")
    return (account, reference) if account and reference else None


def bank_line_id(account: str, bank_reference: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"bank_line:{account}:{bank_reference}")


class BankLine(Aggregate):
    TOPIC = "arledger:BankLine"

    if TYPE_CHECKING:
        # Set by BankLineImported.apply, declared for the type checker only: class-level annotations at run time
        # would make the library generate an __init__ (see ledger/account.py).
        account: str
        bank_reference: str
        value_on: date
        amount: str  # a decimal string, as the event stores it
        currency: str
        fingerprint: str
        status: str  # UNMATCHED, PROPOSED, MATCHED or IGNORED
        payment_reference: str | None  # the payment it was matched as

    class Event(Aggregate.Event):
        TOPIC = "arledger:BankLine.Event"
        actor: str
        correlation_id: str

    class BankLineImported(Event, Aggregate.Created):
        TOPIC = "arledger:BankLineImported"
        account: str
        bank_reference: str
        booked_on: date
        value_on: date
        amount: str
        currency: str
        counterparty: str | None
        remittance: str | None
        reference: str | None
        fingerprint: str

        def apply(self, line: BankLine) -> None:
            line.account, line.bank_reference = self.account, self.bank_reference
            line.value_on, line.amount, line.currency = self.value_on, self.amount, self.currency
            line.fingerprint, line.status, line.payment_reference = self.fingerprint, "UNMATCHED", None

    Created = BankLineImported

    class BankLineProposed(Event):
        """What the matcher found without enough confidence to apply it: candidates for a person to choose from."""

        TOPIC = "arledger:BankLineProposed"
        proposals: list  # [{customerCode, allocations: [{invoiceNumber, amount}], rule, confidence}]

        def apply(self, line: BankLine) -> None:
            line.status = "PROPOSED"

    class BankLineMatched(Event):
        """Applied as a payment of a customer (by the matcher above its threshold, or by a person)."""

        TOPIC = "arledger:BankLineMatched"
        customer_code: str
        payment_reference: str
        allocations: list
        rule: str  # EXACT_REFERENCE, INVOICE_IN_REMITTANCE, AMOUNT_COMBINATION, MANUAL
        confidence: str

        def apply(self, line: BankLine) -> None:
            line.status, line.payment_reference = "MATCHED", self.payment_reference

    class BankLineIgnored(Event):
        """Not a customer payment (a refund, a transfer between own accounts, …), with the reason."""

        TOPIC = "arledger:BankLineIgnored"
        reason: str

        def apply(self, line: BankLine) -> None:
            line.status = "IGNORED"
