"""GraphQL input types, field for field the contract's operation inputs (docs/contract.md section 3).

Amounts and dates are strings here and are checked by the same parser as import lines, so a bad amount or date
comes back as a `VALIDATION` user error naming the field, exactly as an import line would report it. The generic
mutations (`mutations`) find each operation's `<Op>Input` here by name.
"""

from __future__ import annotations

from typing import Optional

import strawberry

from graphql_api.arguments import UNSET, AllocationInput


@strawberry.input
class InvoiceLineInput:
    description: str
    quantity: str
    unitPrice: str
    taxRate: Optional[str] = UNSET


@strawberry.input
class InstallmentInput:
    dueDate: str
    portion: str


@strawberry.input
class RegisterCustomerInput:
    code: str
    name: str
    currency: str
    creditLimit: Optional[str] = UNSET
    paymentTermsDays: Optional[int] = UNSET
    email: Optional[str] = UNSET
    phone: Optional[str] = UNSET
    locale: Optional[str] = UNSET


@strawberry.input
class ChangeCreditLimitInput:
    customerCode: str
    creditLimit: str
    reason: str


@strawberry.input
class PlaceCreditHoldInput:
    customerCode: str
    reason: str


@strawberry.input
class ReleaseCreditHoldInput:
    customerCode: str
    reason: str


@strawberry.input
class IssueInvoiceInput:
    number: str
    customerCode: str
    issueDate: str
    lines: list[InvoiceLineInput]
    dueDate: Optional[str] = UNSET
    currency: Optional[str] = UNSET
    installments: Optional[list[InstallmentInput]] = UNSET
    creditOverrideReason: Optional[str] = strawberry.field(
        default=UNSET,
        description=(
            "admin only: issue above the customer's credit limit for this reason (recorded as CreditLimitOverridden)"
        ),
    )


@strawberry.input
class VoidInvoiceInput:
    number: str
    voidedOn: str
    reason: str


@strawberry.input
class RecordPaymentInput:
    reference: str
    customerCode: str
    amount: str
    receivedOn: str
    method: str
    currency: Optional[str] = UNSET
    allocations: Optional[list[AllocationInput]] = UNSET


@strawberry.input
class AllocatePaymentInput:
    reference: str
    allocations: list[AllocationInput]


@strawberry.input
class ReversePaymentInput:
    reference: str
    reversedOn: str
    reason: str


@strawberry.input
class IssueCreditNoteInput:
    number: str
    customerCode: str
    amount: str
    issueDate: str
    reason: str
    invoiceNumber: Optional[str] = UNSET


@strawberry.input
class AllocateCreditNoteInput:
    number: str
    allocations: list[AllocationInput]


@strawberry.input
class WriteOffInvoiceInput:
    number: str
    writtenOffOn: str
    reason: str
    amount: Optional[str] = UNSET


@strawberry.input
class RecordDunningActionInput:
    invoiceNumber: str
    level: int
    channel: str
    actedOn: str
    note: Optional[str] = UNSET


@strawberry.input
class RecordPromiseToPayInput:
    invoiceNumber: str
    promisedOn: str
    amount: str


@strawberry.input
class OpenDisputeInput:
    invoiceNumber: str
    reason: str


@strawberry.input
class ResolveDisputeInput:
    invoiceNumber: str
    reason: str
