"""Decisions on invoices: issue (with credit checks), void, write off, dunning actions, promises, disputes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ledger.account_ceiling import check_lifetime_total
from ledger.commands import (
    IssueInvoice,
    OpenDispute,
    RecordDunningAction,
    RecordPromiseToPay,
    ResolveDispute,
    VoidInvoice,
    WriteOffInvoice,
)
from ledger.context import CommandContext
from ledger.customer import CustomerAccount
from ledger.errors import (
    CreditHold,
    CreditLimitExceeded,
    CurrencyMismatch,
    InvalidState,
    NotFound,
    OverAllocation,
    ValidationError,
)
from ledger.invoice import InvoiceState, price_lines, split_installments
from ledger.money import Money, check_amount, format_amount


def find_invoice(account: CustomerAccount, number: str, field: str = "number") -> InvoiceState:
    invoice = account.invoices.get(number)
    if invoice is None:
        raise NotFound(f"invoice {number} not found for customer {account.code}", (field,))
    return invoice


def _not_void(invoice: InvoiceState, field: str, action: str) -> None:
    if invoice.voided_on is not None:
        raise InvalidState(f"invoice {invoice.number} is void: cannot {action}", (field,))


def _not_before_issue(invoice: InvoiceState, on: object, field: str) -> None:
    if on < invoice.issue_date:  # type: ignore[operator]
        raise ValidationError(
            f"{field} {on} is before invoice {invoice.number}'s issue date {invoice.issue_date}", (field,)
        )


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
        CustomerAccount.InvoiceIssued,
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
        account.trigger_event(
            CustomerAccount.CreditLimitOverridden,
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


def void_invoice(account: CustomerAccount, command: VoidInvoice, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (already void, or something allocated or written off), ValidationError."""
    invoice = find_invoice(account, command.number)
    _not_void(invoice, "number", "void it again")
    if invoice.allocations or invoice.written_off:
        raise InvalidState(
            f"invoice {invoice.number} has payments, credit notes or write-offs allocated to it; "
            "it can only be voided while nothing is allocated",
            ("number",),
        )
    _not_before_issue(invoice, command.voided_on, "voidedOn")
    account.trigger_event(
        CustomerAccount.InvoiceVoided,
        **context.event_meta(),
        number=invoice.number,
        voided_on=command.voided_on,
        reason=command.reason,
        operation_key=context.operation_key,
    )


def write_off_invoice(account: CustomerAccount, command: WriteOffInvoice, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (void or nothing outstanding), OverAllocation, ValidationError."""
    invoice = find_invoice(account, command.number)
    _not_void(invoice, "number", "write it off")
    outstanding = invoice.outstanding
    if outstanding <= 0:
        raise InvalidState(f"invoice {invoice.number} has nothing outstanding to write off", ("number",))
    amount = outstanding
    if command.amount is not None:
        amount = Money.of(command.amount, invoice.currency, ("amount",)).amount
        if amount > outstanding:
            raise OverAllocation(
                f"write-off {format_amount(amount, invoice.currency)} exceeds invoice {invoice.number}'s "
                f"outstanding {format_amount(outstanding, invoice.currency)}",
                ("amount",),
            )
    _not_before_issue(invoice, command.written_off_on, "writtenOffOn")
    account.trigger_event(
        CustomerAccount.InvoiceWrittenOff,
        **context.event_meta(),
        number=invoice.number,
        written_off_on=command.written_off_on,
        amount=format_amount(amount, invoice.currency),
        reason=command.reason,
        operation_key=context.operation_key,
    )


def record_dunning_action(account: CustomerAccount, command: RecordDunningAction, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (void), ValidationError (acted before issue)."""
    invoice = find_invoice(account, command.invoice_number, "invoiceNumber")
    _not_void(invoice, "invoiceNumber", "dun it")
    _not_before_issue(invoice, command.acted_on, "actedOn")
    account.trigger_event(
        CustomerAccount.DunningActionRecorded,
        **context.event_meta(),
        invoice_number=invoice.number,
        level=command.level,
        channel=command.channel,
        acted_on=command.acted_on,
        note=command.note,
        operation_key=context.operation_key,
    )


def record_promise_to_pay(account: CustomerAccount, command: RecordPromiseToPay, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (void or settled), ValidationError (amount above outstanding)."""
    invoice = find_invoice(account, command.invoice_number, "invoiceNumber")
    _not_void(invoice, "invoiceNumber", "take a promise on it")
    if invoice.outstanding <= 0:
        raise InvalidState(f"invoice {invoice.number} has nothing outstanding", ("invoiceNumber",))
    amount = Money.of(command.amount, invoice.currency, ("amount",)).amount
    if amount > invoice.outstanding:
        raise ValidationError(
            f"promised {format_amount(amount, invoice.currency)} exceeds invoice {invoice.number}'s "
            f"outstanding {format_amount(invoice.outstanding, invoice.currency)}",
            ("amount",),
        )
    _not_before_issue(invoice, command.promised_on, "promisedOn")
    account.trigger_event(
        CustomerAccount.PromiseToPayRecorded,
        **context.event_meta(),
        invoice_number=invoice.number,
        promised_on=command.promised_on,
        amount=format_amount(amount, invoice.currency),
        operation_key=context.operation_key,
    )


def open_dispute(account: CustomerAccount, command: OpenDispute, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (void, or a dispute is already open)."""
    invoice = find_invoice(account, command.invoice_number, "invoiceNumber")
    _not_void(invoice, "invoiceNumber", "dispute it")
    if invoice.dispute_open:
        raise InvalidState(f"invoice {invoice.number} already has an open dispute", ("invoiceNumber",))
    account.trigger_event(
        CustomerAccount.DisputeOpened,
        **context.event_meta(),
        invoice_number=invoice.number,
        reason=command.reason,
        operation_key=context.operation_key,
    )


def resolve_dispute(account: CustomerAccount, command: ResolveDispute, context: CommandContext) -> None:
    """Raises NotFound, InvalidState (no open dispute)."""
    invoice = find_invoice(account, command.invoice_number, "invoiceNumber")
    if not invoice.dispute_open:
        raise InvalidState(f"invoice {invoice.number} has no open dispute", ("invoiceNumber",))
    account.trigger_event(
        CustomerAccount.DisputeResolved,
        **context.event_meta(),
        invoice_number=invoice.number,
        reason=command.reason,
        operation_key=context.operation_key,
    )
