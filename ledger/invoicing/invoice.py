"""Invoice arithmetic and the invoice's state inside a customer account.

Rounding rules (documented in the README):
- a line's net amount is quantity x unit price, rounded half-up to the currency's minor unit;
- a line's tax is its rounded net amount x tax rate, rounded half-up (tax is computed per line, then summed);
- the invoice total is the sum of line nets plus the sum of line taxes;
- installments, sorted by due date, each get total x portion rounded half-up, and the last takes the remainder,
  so the installment amounts always sum exactly to the total.
Products are computed exactly in the wide decimal context (a 15-digit quantity times a 15-digit price has 30
integer digits: Python's default 28 digits would round it, and quantizing it would raise), and a line's net and
tax are refused, naming the line, when they are beyond the largest amount (`money.largest_amount`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from ledger.errors import ValidationError
from ledger.invoicing.commands import InstallmentPlan, InvoiceLine
from ledger.money import WIDE, check_amount, round_to_currency

STATUS_OPEN = "OPEN"
STATUS_PARTIALLY_PAID = "PARTIALLY_PAID"
STATUS_PAID = "PAID"
STATUS_WRITTEN_OFF = "WRITTEN_OFF"
STATUS_VOID = "VOID"


def status_of(total: Any, settled: Any, written_off: Any, voided: bool) -> str:
    """The invoice status rule, shared by the aggregate and the read models (any numeric type).

    VOID once voided; with nothing outstanding WRITTEN_OFF if anything was written off, else PAID; OPEN while
    nothing is settled; PARTIALLY_PAID otherwise.
    """
    if voided:
        return STATUS_VOID
    outstanding = total - settled
    if outstanding == 0:
        return STATUS_WRITTEN_OFF if written_off > 0 else STATUS_PAID
    return STATUS_OPEN if outstanding == total else STATUS_PARTIALLY_PAID


@dataclass(frozen=True)
class PricedLine:
    """One invoice line with its computed net and tax amounts."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    net: Decimal
    tax: Decimal


def price_lines(lines: tuple[InvoiceLine, ...], currency: str) -> list[PricedLine]:
    """Net and tax for each line, rounded per line as the module docstring says; raises ValidationError naming the
    line (`lines.3`) whose net or tax is beyond the largest amount."""
    priced = []
    for index, line in enumerate(lines):
        with localcontext(WIDE):
            net = round_to_currency(line.quantity * line.unit_price, currency)
            check_amount(net, currency, ("lines", index), what=f"net of lines.{index} (quantity x unitPrice)")
            tax = round_to_currency(net * line.tax_rate, currency)
            check_amount(tax, currency, ("lines", index), what=f"tax of lines.{index}")
        priced.append(PricedLine(line.description, line.quantity, line.unit_price, line.tax_rate, net, tax))
    return priced


def split_installments(
    total: Decimal, plans: tuple[InstallmentPlan, ...], due_date: date, currency: str
) -> list[tuple[date, Decimal]]:
    """Installment (due date, amount) pairs in due-date order, summing exactly to the total.

    Without a plan the invoice is one installment due on its due date.
    """
    if not plans:
        return [(due_date, total)]
    portions = sum((plan.portion for plan in plans), Decimal(0))
    if portions != 1:
        raise ValidationError(f"installment portions must sum to 1, they sum to {portions}", ("installments",))
    ordered = sorted(plans, key=lambda plan: plan.due_date)
    with localcontext(WIDE):  # total x portion has up to 30 digits: exact, then rounded once
        amounts = [round_to_currency(total * plan.portion, currency) for plan in ordered[:-1]]
        amounts.append(total - sum(amounts, Decimal(0)))
    for index, amount in enumerate(amounts):
        if amount <= 0:
            raise ValidationError(
                f"installment due {ordered[index].due_date} would be {amount} {currency}: "
                "each installment must be a positive amount",
                ("installments", index, "portion"),
            )
    return [(plan.due_date, amount) for plan, amount in zip(ordered, amounts)]


@dataclass
class InvoiceState:
    """What the account must know of one invoice to decide on later operations."""

    number: str
    currency: str
    issue_date: date
    due_date: date
    total: Decimal
    installments: list[tuple[date, Decimal]]
    fingerprint: str
    allocations: dict[str, Decimal] = field(default_factory=dict)  # "payment:REF" / "credit_note:NUM" -> amount
    written_off: Decimal = Decimal(0)
    voided_on: date | None = None
    dispute_open: bool = False

    @property
    def allocated(self) -> Decimal:
        return sum(self.allocations.values(), Decimal(0))

    @property
    def outstanding(self) -> Decimal:
        if self.voided_on is not None:
            return Decimal(0)
        return self.total - self.allocated - self.written_off

    @property
    def status(self) -> str:
        return status_of(self.total, self.allocated + self.written_off, self.written_off, self.voided_on is not None)

    def installment_outstandings(self) -> list[tuple[date, Decimal, Decimal]]:
        """(due date, amount, outstanding) per installment: settlements fill installments in due-date order."""
        settled = self.total - self.outstanding
        rows = []
        for due_date, amount in self.installments:
            taken = min(amount, settled)
            settled -= taken
            rows.append((due_date, amount, amount - taken))
        return rows
