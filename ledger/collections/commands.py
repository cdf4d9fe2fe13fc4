"""Collection commands a person gives, and their strict parsers: dunning actions, promises to pay, disputes, a
customer's dunning policy and the outcome of a collector's task. (What a dunning run and the outbox record is in
`notice_commands.py`.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from ledger import limits
from ledger.commands import Command
from ledger.fields import code, identifier, note, reason
from ledger.inputs import Reader
from ledger.vocabulary import COLLECTION_OUTCOMES, DUNNING_CHANNELS


@dataclass(frozen=True)
class RecordDunningAction(Command):
    op: ClassVar[str] = "recordDunningAction"
    invoice_number: str
    level: int
    channel: str
    acted_on: date
    note: str | None


@dataclass(frozen=True)
class RecordPromiseToPay(Command):
    op: ClassVar[str] = "recordPromiseToPay"
    invoice_number: str
    promised_on: date
    amount: Decimal


@dataclass(frozen=True)
class OpenDispute(Command):
    op: ClassVar[str] = "openDispute"
    invoice_number: str
    reason: str


@dataclass(frozen=True)
class ResolveDispute(Command):
    op: ClassVar[str] = "resolveDispute"
    invoice_number: str
    reason: str


@dataclass(frozen=True)
class SetDunningPolicy(Command):
    """Assign a dunning policy (None: the default) or exclude the customer from dunning, with a reason."""

    op: ClassVar[str] = "setDunningPolicy"
    customer_code: str
    policy: str | None
    excluded: bool
    reason: str


@dataclass(frozen=True)
class RecordCollectionOutcome(Command):
    """A collector's outcome for a task: PROMISED needs the promised date (a promise to pay for each invoice of
    the task, pausing their dunning), DISPUTED opens a dispute on each (the note is its reason)."""

    op: ClassVar[str] = "recordCollectionOutcome"
    customer_code: str
    task_id: str
    outcome: str
    note: str
    promised_on: date | None


def parse_record_dunning_action(r: Reader) -> RecordDunningAction:
    return RecordDunningAction(
        invoice_number=code(r, "invoiceNumber"),
        level=r.integer("level", minimum=0, maximum=limits.MAX_DUNNING_LEVEL),
        channel=r.choice("channel", DUNNING_CHANNELS),
        acted_on=r.date("actedOn"),
        note=note(r),
    )


def parse_record_promise_to_pay(r: Reader) -> RecordPromiseToPay:
    return RecordPromiseToPay(code(r, "invoiceNumber"), r.date("promisedOn"), r.positive_decimal("amount"))


def parse_open_dispute(r: Reader) -> OpenDispute:
    return OpenDispute(code(r, "invoiceNumber"), reason(r))


def parse_resolve_dispute(r: Reader) -> ResolveDispute:
    return ResolveDispute(code(r, "invoiceNumber"), reason(r))


def parse_set_dunning_policy(r: Reader) -> SetDunningPolicy:
    return SetDunningPolicy(
        code(r, "customerCode"),
        code(r, "policy", required=False),
        r.boolean("excluded", required=False) or False,
        reason(r),
    )


def parse_record_collection_outcome(r: Reader) -> RecordCollectionOutcome:
    return RecordCollectionOutcome(
        code(r, "customerCode"),
        identifier(r, "taskId"),
        r.choice("outcome", COLLECTION_OUTCOMES),
        note(r, required=True),
        r.date("promisedOn", required=False),
    )
