"""Routes each command to its decision: finds the account (by code or by document number), treats retries of
the same operation as duplicates, and claims natural keys. Returns what happened as an Outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ledger import (
    bank_commands,
    collection_commands,
    credit_commands,
    customer_commands,
    invoice_commands,
    payment_commands,
    risk_commands,
    statement_commands,
)
from ledger import commands as c
from ledger.command_text import check_command_text
from ledger.context import CommandContext
from ledger.customer import CustomerAccount
from ledger.errors import Duplicate
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


def _register_customer(uow: UnitOfWork, command: c.RegisterCustomer, context: CommandContext) -> Outcome:
    existing = uow.account(command.code)
    if existing is not None:
        if existing.fingerprint == command.fingerprint():
            return Outcome(command.op, DUPLICATE, "customer", command.code, command.code)
        raise Duplicate(f"customer {command.code} already exists with different details", ("code",))
    uow.add_account(customer_commands.register_customer(command, context))
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


def _import_bank_line(uow: UnitOfWork, command: c.ImportBankLine, context: CommandContext) -> Outcome:
    recorded = bank_commands.import_bank_line(uow, command, context)
    return Outcome(command.op, APPLIED if recorded else DUPLICATE, "bank_line", command.bank_reference, "")


def _bank_decision(decide: Callable[..., None]) -> Callable[..., Outcome]:
    def handle(uow: UnitOfWork, command: Any, context: CommandContext) -> Outcome:
        decide(uow, command, context)
        return Outcome(command.op, APPLIED, "bank_line", command.bank_reference, "")

    return handle


def _apply_bank_line(uow: UnitOfWork, command: c.ApplyBankLine, context: CommandContext) -> Outcome:
    reference = bank_commands.apply_bank_line(uow, command, context)
    return Outcome(command.op, APPLIED, "payment", reference, command.customer_code)


HANDLERS: dict[type, Callable[..., Outcome]] = {
    c.RegisterCustomer: _register_customer,
    c.ChangeCreditLimit: _keyless(_by_customer, "customer", _customer_key, customer_commands.change_credit_limit),
    c.PlaceCreditHold: _keyless(_by_customer, "customer", _customer_key, customer_commands.place_credit_hold),
    c.ReleaseCreditHold: _keyless(_by_customer, "customer", _customer_key, customer_commands.release_credit_hold),
    c.IssueInvoice: _new_document(invoice_commands.issue_invoice),
    c.VoidInvoice: _keyless(_invoice_by_number, "invoice", lambda cmd: cmd.number, invoice_commands.void_invoice),
    c.WriteOffInvoice: _keyless(
        _invoice_by_number, "invoice", lambda cmd: cmd.number, invoice_commands.write_off_invoice
    ),
    c.RecordDunningAction: _keyless(
        _invoice_by_invoice_number, "invoice", lambda cmd: cmd.invoice_number, invoice_commands.record_dunning_action
    ),
    c.RecordPromiseToPay: _keyless(
        _invoice_by_invoice_number, "invoice", lambda cmd: cmd.invoice_number, invoice_commands.record_promise_to_pay
    ),
    c.OpenDispute: _keyless(
        _invoice_by_invoice_number, "invoice", lambda cmd: cmd.invoice_number, invoice_commands.open_dispute
    ),
    c.ResolveDispute: _keyless(
        _invoice_by_invoice_number, "invoice", lambda cmd: cmd.invoice_number, invoice_commands.resolve_dispute
    ),
    c.RecordPayment: _new_document(payment_commands.record_payment),
    c.AllocatePayment: _keyless(_payment, "payment", lambda cmd: cmd.reference, payment_commands.allocate_payment),
    c.ReversePayment: _keyless(_payment, "payment", lambda cmd: cmd.reference, payment_commands.reverse_payment),
    c.IssueCreditNote: _new_document(payment_commands.issue_credit_note),
    c.AllocateCreditNote: _keyless(
        _by_document("credit_note", "number", "number"),
        "credit_note",
        lambda cmd: cmd.number,
        payment_commands.allocate_credit_note,
    ),
    c.RecordCreditAssessment: _keyless(
        _by_customer, "customer", _customer_key, credit_commands.record_credit_assessment
    ),
    c.ApplyRiskConditions: _keyless(_by_customer, "customer", _customer_key, risk_commands.apply_risk_conditions),
    c.AcknowledgeRiskAlert: _keyless(_by_customer, "customer", _customer_key, risk_commands.acknowledge_risk_alert),
    c.ResolveRiskAlert: _keyless(_by_customer, "customer", _customer_key, risk_commands.resolve_risk_alert),
    c.SetDunningPolicy: _keyless(_by_customer, "customer", _customer_key, collection_commands.set_dunning_policy),
    c.IssueDunningNotice: _keyless(
        _by_customer, "notice", lambda cmd: cmd.notice_id, collection_commands.issue_dunning_notice
    ),
    c.ClaimDelivery: _keyless(
        _by_customer, "delivery", lambda cmd: cmd.delivery_id, collection_commands.claim_delivery
    ),
    c.RecordDeliveryOutcome: _keyless(
        _by_customer, "delivery", lambda cmd: cmd.delivery_id, collection_commands.record_delivery_outcome
    ),
    c.RecordCollectionOutcome: _keyless(
        _by_customer, "task", lambda cmd: cmd.task_id, collection_commands.record_collection_outcome
    ),
    c.IssueStatement: _keyless(
        _by_customer, "statement", lambda cmd: cmd.statement_id, statement_commands.issue_statement
    ),
    c.RespondToStatement: _keyless(
        _by_customer, "statement", lambda cmd: cmd.statement_id, statement_commands.respond_to_statement
    ),
    c.ImportBankLine: _import_bank_line,
    c.ProposeBankMatches: _bank_decision(bank_commands.propose_bank_matches),
    c.ApplyBankLine: _apply_bank_line,
    c.IgnoreBankLine: _bank_decision(bank_commands.ignore_bank_line),
}


_NAMED_DOCUMENT = {  # keyless command -> (document kind, attribute holding its number)
    c.VoidInvoice: ("invoice", "number"),
    c.WriteOffInvoice: ("invoice", "number"),
    c.RecordDunningAction: ("invoice", "invoice_number"),
    c.RecordPromiseToPay: ("invoice", "invoice_number"),
    c.OpenDispute: ("invoice", "invoice_number"),
    c.ResolveDispute: ("invoice", "invoice_number"),
    c.AllocatePayment: ("payment", "reference"),
    c.ReversePayment: ("payment", "reference"),
    c.AllocateCreditNote: ("credit_note", "number"),
}


def references(command: c.Command) -> list[tuple[str, str]]:
    """The ("customer", code) and (kind, number) names a command will load, for prefetching a batch."""
    named: list[tuple[str, str]] = []
    if isinstance(command, c.RegisterCustomer):
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


def handle(uow: UnitOfWork, command: c.Command, context: CommandContext) -> Outcome:
    """Decide one command inside a unit of work; raises a LedgerError before changing anything on refusal."""
    check_command_text(command, context)
    return HANDLERS[type(command)](uow, command, context)
