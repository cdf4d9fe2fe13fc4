"""Payment and credit-note commands and their strict parsers; allocations are read alike by every operation that
carries them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from ledger import limits
from ledger.commands import Command
from ledger.fields import code, reason
from ledger.inputs import Reader
from ledger.vocabulary import PAYMENT_METHODS


@dataclass(frozen=True)
class Allocation:
    invoice_number: str
    amount: Decimal


@dataclass(frozen=True)
class RecordPayment(Command):
    op: ClassVar[str] = "recordPayment"
    reference: str
    customer_code: str
    amount: Decimal
    currency: str | None
    received_on: date
    method: str
    allocations: tuple[Allocation, ...] | None  # None: allocate oldest due date first

    def natural_key(self) -> tuple[str, str]:
        return ("payment", self.reference)


@dataclass(frozen=True)
class AllocatePayment(Command):
    op: ClassVar[str] = "allocatePayment"
    reference: str
    allocations: tuple[Allocation, ...]


@dataclass(frozen=True)
class ReversePayment(Command):
    op: ClassVar[str] = "reversePayment"
    reference: str
    reversed_on: date
    reason: str


@dataclass(frozen=True)
class IssueCreditNote(Command):
    op: ClassVar[str] = "issueCreditNote"
    number: str
    customer_code: str
    amount: Decimal
    issue_date: date
    reason: str
    invoice_number: str | None

    def natural_key(self) -> tuple[str, str]:
        return ("credit_note", self.number)


@dataclass(frozen=True)
class AllocateCreditNote(Command):
    """Extension: allocate a credit note's unallocated credit to invoices (like allocatePayment)."""

    op: ClassVar[str] = "allocateCreditNote"
    number: str
    allocations: tuple[Allocation, ...]


def read_allocations(r: Reader, required: bool) -> tuple[Allocation, ...] | None:
    """The `allocations` list: invoice numbers and positive amounts, each refusal naming its entry's field."""
    readers = r.objects(
        "allocations", required=required, max_items=limits.MAX_ALLOCATIONS_PER_OPERATION, min_items=1 if required else 0
    )
    if not readers:
        return None
    allocations = []
    for item in readers:
        amount = item.positive_decimal("amount", what="allocation amount")
        allocations.append(Allocation(code(item, "invoiceNumber"), amount))
        item.done()
    return tuple(allocations)


def parse_record_payment(r: Reader) -> RecordPayment:
    return RecordPayment(
        reference=code(r, "reference"),
        customer_code=code(r, "customerCode"),
        amount=r.positive_decimal("amount"),
        currency=r.currency("currency", required=False),
        received_on=r.date("receivedOn"),
        method=r.choice("method", PAYMENT_METHODS),
        allocations=read_allocations(r, required=False),
    )


def parse_allocate_payment(r: Reader) -> AllocatePayment:
    return AllocatePayment(code(r, "reference"), read_allocations(r, required=True))  # type: ignore[arg-type]


def parse_reverse_payment(r: Reader) -> ReversePayment:
    return ReversePayment(code(r, "reference"), r.date("reversedOn"), reason(r))


def parse_issue_credit_note(r: Reader) -> IssueCreditNote:
    return IssueCreditNote(
        number=code(r, "number"),
        customer_code=code(r, "customerCode"),
        amount=r.positive_decimal("amount"),
        issue_date=r.date("issueDate"),
        reason=reason(r),
        invoice_number=code(r, "invoiceNumber", required=False),
    )


def parse_allocate_credit_note(r: Reader) -> AllocateCreditNote:
    return AllocateCreditNote(code(r, "number"), read_allocations(r, required=True))  # type: ignore[arg-type]
