"""Issuing an invoice: priced per line, split into installments, within the credit limit unless an admin
overrides it (the override is recorded right after the invoice)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ledger.account import CustomerAccount
from ledger.account_ceiling import check_lifetime_total
from ledger.context import CommandContext
from ledger.credit.events import CreditLimitOverridden
from ledger.errors import CreditHold, CreditLimitExceeded, CurrencyMismatch, ValidationError
from ledger.invoicing.commands import IssueInvoice
from ledger.invoicing.events import InvoiceIssued
from ledger.invoicing.invoice import price_lines, split_installments
from ledger.money import Money, check_amount, format_amount


def issue_invoice(account: CustomerAccount, command: IssueInvoice, context: CommandContext) -> None:
    """Raises ValidationError (also a line net, line tax or total beyond the largest amount), CurrencyMismatch,
    CreditHold, CreditLimitExceeded, AccountLimitExceeded (the customer's invoiced total above the ceiling)."""
    currency = command.currency or account.currency
    if currency != account.currency:
        raise CurrencyMismatch(
            f"invoice currency {currency} differs from customer {account.code}'s currency {account.currency}",
            ("currency",),
        )
    for index, line in enumerate(command.lines):
        Money.of(line.unit_price, currency, ("lines", index, "unitPrice"), what="unitPrice")
    for index, plan in enumerate(command.installments):
        if plan.due_date < command.issue_date:
            raise ValidationError(
                f"installment due date {plan.due_date} is before the issue date {command.issue_date}",
                ("installments", index, "dueDate"),
            )
    due_date = command.due_date
    if due_date is None:
        due_date = (
            max(plan.due_date for plan in command.installments)
            if command.installments
            else command.issue_date + timedelta(days=account.payment_terms_days)
        )
    elif due_date < command.issue_date:
        raise ValidationError(f"dueDate {due_date} is before issueDate {command.issue_date}", ("dueDate",))
    lines = price_lines(command.lines, currency)
    net_total = sum((line.net for line in lines), Decimal(0))
    tax_total = sum((line.tax for line in lines), Decimal(0))
    total = net_total + tax_total
    for what, amount in (("invoice net total", net_total), ("invoice tax total", tax_total), ("invoice total", total)):
        check_amount(amount, currency, ("lines",), what=what)
    if total <= 0:
        raise ValidationError(
            f"invoice total rounds to {format_amount(total, currency)} {currency}; it must be positive", ("lines",)
        )
    check_lifetime_total(account, "invoiced_lifetime", total, ("lines",))
    installments = split_installments(total, command.installments, due_date, currency)
    exposure_before = account.exposure
    overridden = _check_credit(account, total, command.credit_override_reason)
    account.trigger_event(
        InvoiceIssued,
        **context.event_meta(),
        number=command.number,
        currency=currency,
        issue_date=command.issue_date,
        due_date=due_date,
        lines=[
            {
                "description": line.description,
                "quantity": _text(line.quantity),
                "unitPrice": format_amount(line.unit_price, currency),
                "taxRate": _text(line.tax_rate),
                "net": format_amount(line.net, currency),
                "tax": format_amount(line.tax, currency),
            }
            for line in lines
        ],
        installments=[{"dueDate": due, "amount": format_amount(amount, currency)} for due, amount in installments],
        net_total=format_amount(net_total, currency),
        tax_total=format_amount(tax_total, currency),
        total=format_amount(total, currency),
        fingerprint=command.fingerprint(),
    )
    if overridden:
        assert account.credit_limit is not None, "only a limit can be overridden"
        account.trigger_event(
            CreditLimitOverridden,
            **context.event_meta(),
            invoice_number=command.number,
            credit_limit=format_amount(account.credit_limit, currency),
            exposure_before=format_amount(exposure_before, currency),
            exposure_after=format_amount(exposure_before + total, currency),
            reason=command.credit_override_reason,
        )


def _check_credit(account: CustomerAccount, total: Decimal, override_reason: str | None = None) -> bool:
    """True when the invoice goes above the limit on an override; raises CreditHold / CreditLimitExceeded."""
    if account.on_credit_hold:
        raise CreditHold(f"customer {account.code} is on credit hold", ("customerCode",))
    if account.credit_limit is None:
        return False
    exposure = account.exposure
    if exposure + total > account.credit_limit:
        if override_reason:
            return True
        currency = account.currency
        raise CreditLimitExceeded(
            f"invoice of {format_amount(total, currency)} {currency} would take customer {account.code}'s open exposure "
            f"from {format_amount(exposure, currency)} to {format_amount(exposure + total, currency)}, above its credit limit "
            f"{format_amount(account.credit_limit, currency)}",
            ("customerCode",),
        )
    return False


def _text(value: Decimal) -> str:
    normalized = value.normalize()
    return f"{normalized:f}"
