"""Invoice commands and their strict parsers: issue (lines, installments, an admin's override of the credit
limit), void, write off. Amount scale against a currency is checked by the decision, once the currency is known
(it may default to the customer's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from ledger import limits
from ledger.commands import Command
from ledger.errors import ValidationError
from ledger.fields import code, reason
from ledger.inputs import Reader
from ledger.money import decimal_places


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal


@dataclass(frozen=True)
class InstallmentPlan:
    due_date: date
    portion: Decimal


@dataclass(frozen=True)
class IssueInvoice(Command):
    op: ClassVar[str] = "issueInvoice"
    number: str
    customer_code: str
    issue_date: date
    due_date: date | None
    currency: str | None
    lines: tuple[InvoiceLine, ...]
    installments: tuple[InstallmentPlan, ...]
    credit_override_reason: str | None = None  # an admin's reason to issue above the credit limit

    def natural_key(self) -> tuple[str, str]:
        return ("invoice", self.number)


@dataclass(frozen=True)
class VoidInvoice(Command):
    op: ClassVar[str] = "voidInvoice"
    number: str
    voided_on: date
    reason: str


@dataclass(frozen=True)
class WriteOffInvoice(Command):
    op: ClassVar[str] = "writeOffInvoice"
    number: str
    written_off_on: date
    reason: str
    amount: Decimal | None  # None: all that is outstanding


def parse_issue_invoice(r: Reader) -> IssueInvoice:
    number, customer_code = code(r, "number"), code(r, "customerCode")
    issue_date, due_date, currency = (
        r.date("issueDate"),
        r.date("dueDate", required=False),
        r.currency("currency", required=False),
    )
    lines = [_line(item) for item in r.objects("lines", max_items=limits.MAX_LINES_PER_INVOICE, min_items=1) or ()]
    plans = []
    for item in r.objects("installments", required=False, max_items=limits.MAX_INSTALLMENTS_PER_INVOICE) or ():
        plans.append(
            InstallmentPlan(
                item.date("dueDate"), item.positive_decimal("portion", max_places=limits.MAX_PORTION_DECIMALS)
            )
        )
        item.done()
    override = r.text("creditOverrideReason", required=False, max_length=limits.MAX_TEXT_LENGTH, multiline=True)
    return IssueInvoice(number, customer_code, issue_date, due_date, currency, tuple(lines), tuple(plans), override)


def _line(item: Reader) -> InvoiceLine:
    tax_rate = item.decimal("taxRate", required=False)
    if tax_rate is None:
        tax_rate = Decimal(0)
    elif not Decimal(0) <= tax_rate <= Decimal(1):
        raise ValidationError(
            f'taxRate must be a fraction between 0 and 1 ("0.13"), got {tax_rate}', item.field("taxRate")
        )
    line = InvoiceLine(
        description=item.text("description", max_length=limits.MAX_TEXT_LENGTH, multiline=True),
        quantity=item.positive_decimal("quantity", max_places=limits.MAX_QUANTITY_DECIMALS),
        unit_price=item.positive_decimal("unitPrice"),
        tax_rate=_places(item, "taxRate", tax_rate, limits.MAX_TAX_RATE_DECIMALS),
    )
    item.done()
    return line


def _places(r: Reader, name: str, value: Decimal, max_places: int) -> Decimal:
    if decimal_places(value.normalize()) > max_places:
        raise ValidationError(f"{name} {value} has more than {max_places} decimal places", r.field(name))
    return value


def parse_void_invoice(r: Reader) -> VoidInvoice:
    return VoidInvoice(code(r, "number"), r.date("voidedOn"), reason(r))


def parse_write_off_invoice(r: Reader) -> WriteOffInvoice:
    return WriteOffInvoice(
        code(r, "number"), r.date("writtenOffOn"), reason(r), r.positive_decimal("amount", required=False)
    )
