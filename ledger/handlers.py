"""Routes each command to its decision: finds the account (by code or by document number), treats retries of
the same operation as duplicates, and claims natural keys. Returns what happened as an Outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger.account import CustomerAccount
from ledger.bank import commands as bank
from ledger.bank import decisions as bank_decisions
from ledger.collections import commands as collections
from ledger.collections import decisions as collection_decisions
from ledger.collections import deliveries, invoice_actions, notice_commands, notices
from ledger.command_text import check_command_text
from ledger.commands import Command
from ledger.context import CommandContext
from ledger.credit import assessment
from ledger.credit import commands as credit
from ledger.credit import decisions as credit_decisions
from ledger.customers import commands as customers
from ledger.customers.decisions import register_customer
from ledger.errors import Duplicate
from ledger.invoicing import commands as invoicing
from ledger.invoicing import decisions as invoice_decisions
from ledger.invoicing.issue import issue_invoice
from ledger.payments import commands as payments
from ledger.payments import credit_notes
from ledger.payments import decisions as payment_decisions
from ledger.risk import commands as risk
from ledger.risk import decisions as risk_decisions
from ledger.statements import commands as statements
from ledger.statements import decisions as statement_decisions
from ledger.unit_of_work import UnitOfWork

APPLIED = "applied"
DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Outcome:
    """What an accepted operation did: applied, or recognised as a duplicate of one already recorded."""

    op: str
    status: str
    kind: str  # customer, invoice, payment, credit_note
    key: str  # the affected object's code, number or reference
    customer_code: str
    position: int | None = None  # the log position by which the events are saved (None: nothing was written)


def _register_customer(uow: UnitOfWork, command: customers.RegisterCustomer, context: CommandContext) -> Outcome:
    existing = uow.account(command.code)
    if existing is not None:
        if existing.fingerprint == command.fingerprint():
            return Outcome(command.op, DUPLICATE, "customer", command.code, command.code)
        raise Duplicate(f"customer {command.code} already exists with different details", ("code",))
    uow.add_account(register_customer(command, context))
    return Outcome(command.op, APPLIED, "customer", command.code, command.code)


_DOCUMENTS = {  # natural-key kind -> (field naming the number, account attribute holding the documents)
    "invoice": ("number", "invoices"),
    "payment": ("reference", "payments"),
    "credit_note": ("number", "credit_notes"),
}


def _new_document(decide: Callable[..., None]) -> Callable[..., Outcome]:
    """A handler for an operation that creates a document under a global natural key."""

    def handle(uow: UnitOfWork, command: Any, context: CommandContext) -> Outcome:
        kind, number = command.natural_key()
        field, attribute = _DOCUMENTS[kind]
        owner = uow.owner(kind, number)
        if owner is not None:
            account = uow.account(owner)
            assert account is not None
            if (
                owner == command.customer_code
                and getattr(account, attribute)[number].fingerprint == command.fingerprint()
            ):
                return Outcome(command.op, DUPLICATE, kind, number, owner)
            raise Duplicate(f"{kind.replace('_', ' ')} {number} already exists with different content", (field,))
        account = uow.require_account(command.customer_code, "customerCode")
        decide(account, command, context)
        uow.claim(kind, number, account.code, context)
        return Outcome(command.op, APPLIED, kind, number, account.code)

    return handle


def _keyless(
    locate: Callable[[UnitOfWork, Any], CustomerAccount],
    kind: str,
    key_of: Callable[[Any], str],
    decide: Callable[..., None],
) -> Callable[..., Outcome]:
    """A handler for an operation without a natural key; its operation key (if any) makes retries duplicates."""

    def handle(uow: UnitOfWork, command: Any, context: CommandContext) -> Outcome:
        account = locate(uow, command)
        key = key_of(command)
        if context.operation_key is not None and context.operation_key in account.operation_keys:
            return Outcome(command.op, DUPLICATE, kind, key, account.code)
        decide(account, command, context)
        return Outcome(command.op, APPLIED, kind, key, account.code)

    return handle


def _by_customer(uow: UnitOfWork, command: Any) -> CustomerAccount:
    return uow.require_account(command.customer_code, "customerCode")


def _by_document(kind: str, attribute: str, field: str) -> Callable[[UnitOfWork, Any], CustomerAccount]:
    return lambda uow, command: uow.account_owning(kind, getattr(command, attribute), field)


_customer_key = lambda command: command.customer_code  # noqa: E731
_invoice_by_number = _by_document("invoice", "number", "number")
_invoice_by_invoice_number = _by_document("invoice", "invoice_number", "invoiceNumber")
_payment = _by_document("payment", "reference", "reference")


def _import_bank_line(uow: UnitOfWork, command: bank.ImportBankLine, context: CommandContext) -> Outcome:
    recorded = bank_decisions.import_bank_line(uow, command, context)
    return Outcome(command.op, APPLIED if recorded else DUPLICATE, "bank_line", command.bank_reference, "")


def _bank_decision(decide: Callable[..., None]) -> Callable[..., Outcome]:
    def handle(uow: UnitOfWork, command: Any, context: CommandContext) -> Outcome:
        decide(uow, command, context)
        return Outcome(command.op, APPLIED, "bank_line", command.bank_reference, "")

    return handle


def _apply_bank_line(uow: UnitOfWork, command: bank.ApplyBankLine, context: CommandContext) -> Outcome:
    reference = bank_decisions.apply_bank_line(uow, command, context)
    return Outcome(command.op, APPLIED, "payment", reference, command.customer_code)


HANDLERS: dict[type, Callable[..., Outcome]] = {
    customers.RegisterCustomer: _register_customer,
    credit.ChangeCreditLimit: _keyless(_by_customer, "customer", _customer_key, credit_decisions.change_credit_limit),
    credit.PlaceCreditHold: _keyless(_by_customer, "customer", _customer_key, credit_decisions.place_credit_hold),
    credit.ReleaseCreditHold: _keyless(_by_customer, "customer", _customer_key, credit_decisions.release_credit_hold),
    invoicing.IssueInvoice: _new_document(issue_invoice),
    invoicing.VoidInvoice: _keyless(
        _invoice_by_number, "invoice", lambda cmd: cmd.number, invoice_decisions.void_invoice
    ),
    invoicing.WriteOffInvoice: _keyless(
        _invoice_by_number, "invoice", lambda cmd: cmd.number, invoice_decisions.write_off_invoice
    ),
    collections.RecordDunningAction: _keyless(
        _invoice_by_invoice_number, "invoice", lambda cmd: cmd.invoice_number, invoice_actions.record_dunning_action
    ),
    collections.RecordPromiseToPay: _keyless(
        _invoice_by_invoice_number, "invoice", lambda cmd: cmd.invoice_number, invoice_actions.record_promise_to_pay
    ),
    collections.OpenDispute: _keyless(
        _invoice_by_invoice_number, "invoice", lambda cmd: cmd.invoice_number, invoice_actions.open_dispute
    ),
    collections.ResolveDispute: _keyless(
        _invoice_by_invoice_number, "invoice", lambda cmd: cmd.invoice_number, invoice_actions.resolve_dispute
    ),
    payments.RecordPayment: _new_document(payment_decisions.record_payment),
    payments.AllocatePayment: _keyless(
        _payment, "payment", lambda cmd: cmd.reference, payment_decisions.allocate_payment
    ),
    payments.ReversePayment: _keyless(
        _payment, "payment", lambda cmd: cmd.reference, payment_decisions.reverse_payment
    ),
    payments.IssueCreditNote: _new_document(credit_notes.issue_credit_note),
    payments.AllocateCreditNote: _keyless(
        _by_document("credit_note", "number", "number"),
        "credit_note",
        lambda cmd: cmd.number,
        credit_notes.allocate_credit_note,
    ),
    credit.RecordCreditAssessment: _keyless(
        _by_customer, "customer", _customer_key, assessment.record_credit_assessment
    ),
    risk.ApplyRiskConditions: _keyless(_by_customer, "customer", _customer_key, risk_decisions.apply_risk_conditions),
    risk.AcknowledgeRiskAlert: _keyless(_by_customer, "customer", _customer_key, risk_decisions.acknowledge_risk_alert),
    risk.ResolveRiskAlert: _keyless(_by_customer, "customer", _customer_key, risk_decisions.resolve_risk_alert),
    collections.SetDunningPolicy: _keyless(
        _by_customer, "customer", _customer_key, collection_decisions.set_dunning_policy
    ),
    notice_commands.IssueDunningNotice: _keyless(
        _by_customer, "notice", lambda cmd: cmd.notice_id, notices.issue_dunning_notice
    ),
    notice_commands.ClaimDelivery: _keyless(
        _by_customer, "delivery", lambda cmd: cmd.delivery_id, deliveries.claim_delivery
    ),
    notice_commands.RecordDeliveryOutcome: _keyless(
        _by_customer, "delivery", lambda cmd: cmd.delivery_id, deliveries.record_delivery_outcome
    ),
    collections.RecordCollectionOutcome: _keyless(
        _by_customer, "task", lambda cmd: cmd.task_id, collection_decisions.record_collection_outcome
    ),
    statements.IssueStatement: _keyless(
        _by_customer, "statement", lambda cmd: cmd.statement_id, statement_decisions.issue_statement
    ),
    statements.RespondToStatement: _keyless(
        _by_customer, "statement", lambda cmd: cmd.statement_id, statement_decisions.respond_to_statement
    ),
    bank.ImportBankLine: _import_bank_line,
    bank.ProposeBankMatches: _bank_decision(bank_decisions.propose_bank_matches),
    bank.ApplyBankLine: _apply_bank_line,
    bank.IgnoreBankLine: _bank_decision(bank_decisions.ignore_bank_line),
}


_NAMED_DOCUMENT = {  # keyless command -> (document kind, attribute holding its number)
    invoicing.VoidInvoice: ("invoice", "number"),
    invoicing.WriteOffInvoice: ("invoice", "number"),
    collections.RecordDunningAction: ("invoice", "invoice_number"),
    collections.RecordPromiseToPay: ("invoice", "invoice_number"),
    collections.OpenDispute: ("invoice", "invoice_number"),
    collections.ResolveDispute: ("invoice", "invoice_number"),
    payments.AllocatePayment: ("payment", "reference"),
    payments.ReversePayment: ("payment", "reference"),
    payments.AllocateCreditNote: ("credit_note", "number"),
}


def references(command: Command) -> list[tuple[str, str]]:
    """The ("customer", code) and (kind, number) names a command will load, for prefetching a batch."""
    named: list[tuple[str, str]] = []
    if isinstance(command, customers.RegisterCustomer):
        named.append(("customer", command.code))
    code = getattr(command, "customer_code", None)
    if code is not None:
        named.append(("customer", code))
    key = command.natural_key()
    if key is not None and key[0] != "customer":
        named.append(key)
    if type(command) in _NAMED_DOCUMENT:
        kind, attribute = _NAMED_DOCUMENT[type(command)]
        named.append((kind, getattr(command, attribute)))
    return named


def handle(uow: UnitOfWork, command: Command, context: CommandContext) -> Outcome:
    """Decide one command inside a unit of work; raises a LedgerError before changing anything on refusal."""
    check_command_text(command, context)
    return HANDLERS[type(command)](uow, command, context)
