"""GraphQL objects from a customer account as it was known at an instant (time travel: `customer(code, knownAt)`,
`invoice(number, knownAt)`, …). The current state comes from the read models (`types.py`); a past state is the
account aggregate folded up to the version recorded then, mapped here to the same types, so a client reads the
past with the same fields. Nested fields of a past object stay in that past (`_known_at`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from graphql_api.types import Allocation, CreditNote, Customer, Installment, Invoice, Payment
from ledger.account import CustomerAccount
from ledger.currencies import minor_unit_exponent
from ledger.invoicing.invoice import InvoiceState
from ledger.payments.payment import CreditNoteState, PaymentState


def money(amount: Decimal, currency: str) -> str:
    return f"{amount.quantize(Decimal(1).scaleb(-minor_unit_exponent(currency))):f}"


def customer_from_account(account: CustomerAccount, known_at: datetime) -> Customer:
    currency = account.currency
    return Customer(
        code=account.code,
        name=account.name,
        currency=currency,
        creditLimit=None if account.credit_limit is None else money(account.credit_limit, currency),
        onCreditHold=account.on_credit_hold,
        paymentTermsDays=account.payment_terms_days,
        outstanding=money(account.exposure, currency),
        unallocatedCredit=money(account.unallocated_credit, currency),
        _known_at=known_at,
    )


def invoice_from_state(code: str, invoice: InvoiceState, known_at: datetime) -> Invoice:
    currency = invoice.currency
    return Invoice(
        number=invoice.number,
        customerCode=code,
        currency=currency,
        issueDate=invoice.issue_date.isoformat(),
        dueDate=invoice.due_date.isoformat(),
        total=money(invoice.total, currency),
        outstanding=money(invoice.outstanding, currency),
        status=invoice.status,
        disputeOpen=invoice.dispute_open,
        installments=[
            Installment(dueDate=due.isoformat(), amount=money(amount, currency), outstanding=money(left, currency))
            for due, amount, left in invoice.installment_outstandings()
        ],
        _known_at=known_at,
    )


def _allocations(allocations: dict[str, Decimal], currency: str, known_at: datetime) -> list[Allocation]:
    return [
        Allocation(invoiceNumber=number, amount=money(amount, currency), _known_at=known_at)
        for number, amount in allocations.items()
    ]


def payment_from_state(code: str, payment: PaymentState, known_at: datetime) -> Payment:
    currency = payment.currency
    return Payment(
        reference=payment.reference,
        customerCode=code,
        currency=currency,
        amount=money(payment.amount, currency),
        receivedOn=payment.received_on.isoformat(),
        reversedOn=None if payment.reversed_on is None else payment.reversed_on.isoformat(),
        unallocated=money(payment.unallocated, currency),
        allocations=_allocations(payment.allocations, currency, known_at),
        _known_at=known_at,
    )


def credit_note_from_state(code: str, note: CreditNoteState, known_at: datetime) -> CreditNote:
    currency = note.currency
    return CreditNote(
        number=note.number,
        customerCode=code,
        currency=currency,
        amount=money(note.amount, currency),
        issueDate=note.issue_date.isoformat(),
        unallocated=money(note.unallocated, currency),
        allocations=_allocations(note.allocations, currency, known_at),
        _known_at=known_at,
    )
