"""The contract's operations as typed commands, parsed strictly from their `input` objects.

GraphQL mutations and import lines share these parsers, so both refuse the same inputs with the same messages.
Amount scale against a currency is checked later, once the currency is known (it may default to the customer's).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, ClassVar

import orjson

from ledger import limits
from ledger.errors import ValidationError
from ledger.inputs import Reader
from ledger.money import decimal_places
from ledger.risk_rules import Condition
from ledger.vocabulary import COLLECTION_OUTCOMES, DUNNING_CHANNELS, LOCALES, PAYMENT_METHODS


def language(locale: object) -> str:
    """The locale messages are written in: the customer's when it is one of LOCALES, English otherwise."""
    return locale if locale in LOCALES else "en"  # type: ignore[return-value]


DEFAULT_PAYMENT_TERMS_DAYS = 30


@dataclass(frozen=True)
class Command:
    """Base of all commands: `op` is the contract's operation name; `natural_key` is set where one exists."""

    op: ClassVar[str] = ""

    def natural_key(self) -> tuple[str, str] | None:
        return None

    @cached_property
    def fingerprint_value(self) -> str:
        canonical = orjson.dumps({"op": self.op, "input": _canonical(self)}, option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(canonical).hexdigest()

    def fingerprint(self) -> str:
        """A digest of the command's content; equal for retries of the same operation ("100" and "100.00" alike)."""
        return self.fingerprint_value


def _canonical(value: object) -> object:
    """Plain JSON values for a command (faster than dataclasses.asdict, which deep-copies)."""
    if isinstance(value, Decimal):
        normalized = value.normalize()
        return f"{normalized:f}" if normalized != 0 else "0"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_canonical(item) for item in value]
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return {name: _canonical(getattr(value, name)) for name in fields if name not in _NOT_CONTENT}
    return value


# Fields that say how an operation was authorised, not what the document is: a retry with another reason is the
# same document, and fingerprints stay what they were before these fields existed.
_NOT_CONTENT = frozenset({"credit_override_reason"})


@dataclass(frozen=True)
class RegisterCustomer(Command):
    op: ClassVar[str] = "registerCustomer"
    code: str
    name: str
    currency: str
    credit_limit: Decimal | None
    payment_terms_days: int
    email: str | None
    phone: str | None
    locale: str | None

    def natural_key(self) -> tuple[str, str]:
        return ("customer", self.code)


@dataclass(frozen=True)
class ChangeCreditLimit(Command):
    op: ClassVar[str] = "changeCreditLimit"
    customer_code: str
    credit_limit: Decimal
    reason: str


@dataclass(frozen=True)
class PlaceCreditHold(Command):
    op: ClassVar[str] = "placeCreditHold"
    customer_code: str
    reason: str


@dataclass(frozen=True)
class ReleaseCreditHold(Command):
    op: ClassVar[str] = "releaseCreditHold"
    customer_code: str
    reason: str


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


@dataclass(frozen=True)
class WriteOffInvoice(Command):
    op: ClassVar[str] = "writeOffInvoice"
    number: str
    written_off_on: date
    reason: str
    amount: Decimal | None  # None: all that is outstanding


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


def _code(r: Reader, name: str, required: bool = True) -> Any:
    return r.code(name, required=required, max_length=limits.MAX_CODE_LENGTH)


def _reason(r: Reader, name: str = "reason") -> Any:
    return r.text(name, max_length=limits.MAX_TEXT_LENGTH, multiline=True)


def _note(r: Reader, required: bool = False) -> Any:
    return r.text("note", required=required, max_length=limits.MAX_TEXT_LENGTH, multiline=True)


def _id(r: Reader, name: str) -> Any:
    """An id the ledger made (a statement's, a task's): an identifier, longer than a code may be."""
    return r.code(name, max_length=limits.MAX_TEXT_LENGTH)


def _allocations(r: Reader, required: bool) -> tuple[Allocation, ...] | None:
    readers = r.objects(
        "allocations", required=required, max_items=limits.MAX_ALLOCATIONS_PER_OPERATION, min_items=1 if required else 0
    )
    if not readers:
        return None
    allocations = []
    for item in readers:
        allocations.append(Allocation(_code(item, "invoiceNumber"), item.positive_decimal("amount")))
        item.done()
    return tuple(allocations)


def parse_allocations(items: object) -> tuple[Allocation, ...] | None:
    """Allocations read as every operation reads them (invoice numbers, positive amounts; fields named on refusal),
    for a decision that carries them outside a contract operation (a person applying a bank line)."""
    return _allocations(Reader({"allocations": items} if items else {}), required=False)


def parse_register_customer(r: Reader) -> RegisterCustomer:
    return RegisterCustomer(
        code=_code(r, "code"),
        name=r.text("name", max_length=limits.MAX_NAME_LENGTH),
        currency=r.currency("currency"),
        credit_limit=r.positive_decimal("creditLimit", required=False),
        payment_terms_days=_or_default(
            r.integer("paymentTermsDays", required=False, minimum=0, maximum=limits.MAX_PAYMENT_TERMS_DAYS),
            DEFAULT_PAYMENT_TERMS_DAYS,
        ),
        email=r.email("email", max_length=limits.MAX_EMAIL_LENGTH),
        phone=r.code("phone", required=False, max_length=limits.MAX_PHONE_LENGTH),
        locale=r.choice("locale", LOCALES, required=False),
    )


def _or_default(value: Any, default: Any) -> Any:
    return default if value is None else value


def parse_issue_invoice(r: Reader) -> IssueInvoice:
    number, customer_code = _code(r, "number"), _code(r, "customerCode")
    issue_date, due_date, currency = (
        r.date("issueDate"),
        r.date("dueDate", required=False),
        r.currency("currency", required=False),
    )
    lines = []
    for item in r.objects("lines", max_items=limits.MAX_LINES_PER_INVOICE, min_items=1) or ():
        tax_rate = item.decimal("taxRate", required=False)
        if tax_rate is None:
            tax_rate = Decimal(0)
        elif not Decimal(0) <= tax_rate <= Decimal(1):
            raise ValidationError(
                f'taxRate must be a fraction between 0 and 1 ("0.13"), got {tax_rate}', item.field("taxRate")
            )
        lines.append(
            InvoiceLine(
                description=item.text("description", max_length=limits.MAX_TEXT_LENGTH, multiline=True),
                quantity=item.positive_decimal("quantity", max_places=limits.MAX_QUANTITY_DECIMALS),
                unit_price=item.positive_decimal("unitPrice"),
                tax_rate=_places(item, "taxRate", tax_rate, limits.MAX_TAX_RATE_DECIMALS),
            )
        )
        item.done()
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


def _places(r: Reader, name: str, value: Decimal, max_places: int) -> Decimal:
    if decimal_places(value.normalize()) > max_places:
        raise ValidationError(f"{name} {value} has more than {max_places} decimal places", r.field(name))
    return value


PARSERS: dict[str, Callable[[Reader], Command]] = {
    "registerCustomer": parse_register_customer,
    "changeCreditLimit": lambda r: ChangeCreditLimit(
        _code(r, "customerCode"), r.positive_decimal("creditLimit"), _reason(r)
    ),
    "placeCreditHold": lambda r: PlaceCreditHold(_code(r, "customerCode"), _reason(r)),
    "releaseCreditHold": lambda r: ReleaseCreditHold(_code(r, "customerCode"), _reason(r)),
    "issueInvoice": parse_issue_invoice,
    "voidInvoice": lambda r: VoidInvoice(_code(r, "number"), r.date("voidedOn"), _reason(r)),
    "recordPayment": lambda r: RecordPayment(
        reference=_code(r, "reference"),
        customer_code=_code(r, "customerCode"),
        amount=r.positive_decimal("amount"),
        currency=r.currency("currency", required=False),
        received_on=r.date("receivedOn"),
        method=r.choice("method", PAYMENT_METHODS),
        allocations=_allocations(r, required=False),
    ),
    "allocatePayment": lambda r: AllocatePayment(_code(r, "reference"), _allocations(r, required=True)),
    "reversePayment": lambda r: ReversePayment(_code(r, "reference"), r.date("reversedOn"), _reason(r)),
    "issueCreditNote": lambda r: IssueCreditNote(
        number=_code(r, "number"),
        customer_code=_code(r, "customerCode"),
        amount=r.positive_decimal("amount"),
        issue_date=r.date("issueDate"),
        reason=_reason(r),
        invoice_number=_code(r, "invoiceNumber", required=False),
    ),
    "allocateCreditNote": lambda r: AllocateCreditNote(_code(r, "number"), _allocations(r, required=True)),
    "writeOffInvoice": lambda r: WriteOffInvoice(
        _code(r, "number"), r.date("writtenOffOn"), _reason(r), r.positive_decimal("amount", required=False)
    ),
    "recordDunningAction": lambda r: RecordDunningAction(
        invoice_number=_code(r, "invoiceNumber"),
        level=r.integer("level", minimum=0, maximum=limits.MAX_DUNNING_LEVEL),
        channel=r.choice("channel", DUNNING_CHANNELS),
        acted_on=r.date("actedOn"),
        note=_note(r),
    ),
    "recordPromiseToPay": lambda r: RecordPromiseToPay(
        _code(r, "invoiceNumber"), r.date("promisedOn"), r.positive_decimal("amount")
    ),
    "openDispute": lambda r: OpenDispute(_code(r, "invoiceNumber"), _reason(r)),
    "resolveDispute": lambda r: ResolveDispute(_code(r, "invoiceNumber"), _reason(r)),
    "setDunningPolicy": lambda r: SetDunningPolicy(
        _code(r, "customerCode"),
        _code(r, "policy", required=False),
        r.boolean("excluded", required=False) or False,
        _reason(r),
    ),
    "confirmStatement": lambda r: RespondToStatement(
        _code(r, "customerCode"), _id(r, "statementId"), True, _note(r), None
    ),
    "disputeStatement": lambda r: RespondToStatement(
        _code(r, "customerCode"), _id(r, "statementId"), False, _reason(r), r.decimal("theirBalance", required=False)
    ),
    "recordCollectionOutcome": lambda r: RecordCollectionOutcome(
        _code(r, "customerCode"),
        _id(r, "taskId"),
        r.choice("outcome", COLLECTION_OUTCOMES),
        _note(r, required=True),
        r.date("promisedOn", required=False),
    ),
}


@dataclass(frozen=True)
class RecordCreditAssessment(Command):
    """A scored credit assessment, computed by the credit service from an analyst's inputs and the ledger's own
    behaviour figures (not a contract operation: `assessCredit` builds it)."""

    op: ClassVar[str] = "assessCredit"
    customer_code: str
    assessed_on: date
    policy_version: str
    inputs: tuple[tuple[str, str | None], ...]  # factor -> value as a decimal string, None when unknown
    factors: tuple[tuple[str, str | None, int, int, str], ...]  # (name, value, points, weight, contribution)
    score: Decimal
    grade: str
    monthly_invoicing: Decimal
    recommended_limit: Decimal
    recommended_terms_days: int
    note: str | None
    apply_recommendation: bool


@dataclass(frozen=True)
class ApplyRiskConditions(Command):
    """The early-warning conditions holding for a customer at a date (built by the risk scan, not a contract
    operation): alerts are raised for new ones and cleared for those that stopped holding."""

    op: ClassVar[str] = "applyRiskConditions"
    customer_code: str
    as_of: date
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class RiskAlertDecision(Command):
    """A person's decision on one risk alert, with the reason."""

    customer_code: str
    alert_id: str
    reason: str


@dataclass(frozen=True)
class AcknowledgeRiskAlert(RiskAlertDecision):
    op: ClassVar[str] = "acknowledgeRiskAlert"


@dataclass(frozen=True)
class ResolveRiskAlert(RiskAlertDecision):
    op: ClassVar[str] = "resolveRiskAlert"


@dataclass(frozen=True)
class SetDunningPolicy(Command):
    """Assign a dunning policy (None: the default) or exclude the customer from dunning, with a reason."""

    op: ClassVar[str] = "setDunningPolicy"
    customer_code: str
    policy: str | None
    excluded: bool
    reason: str


@dataclass(frozen=True)
class DeliveryRequest:
    delivery_id: str
    channel: str  # EMAIL, SMS, LETTER
    recipient: str | None
    subject: str
    body: str
    locale: str


@dataclass(frozen=True)
class TaskRequest:
    task_id: str
    kind: str  # PHONE, VISIT, AGENCY, LEGAL
    instructions: str


@dataclass(frozen=True)
class IssueDunningNotice(Command):
    """A dunning notice decided and rendered by the dunning run (not an import operation): its lines are
    (invoice, due date, days overdue, outstanding, interest); amounts in the customer's currency."""

    op: ClassVar[str] = "issueDunningNotice"
    customer_code: str
    notice_id: str
    as_of: date
    policy: str
    level: int
    level_name: str
    currency: str
    lines: tuple[tuple[str, date, int, Decimal, Decimal], ...]
    fee: Decimal
    annual_interest_rate: Decimal
    channels: tuple[str, ...]
    deliveries: tuple[DeliveryRequest, ...]
    tasks: tuple[TaskRequest, ...]


@dataclass(frozen=True)
class ClaimDelivery(Command):
    """An outbox worker takes a delivery for `lease_s` seconds from `now` as its attempt number `attempt` (the
    attempts it read, plus one: a worker that read a stale count is refused)."""

    op: ClassVar[str] = "claimDelivery"
    customer_code: str
    delivery_id: str
    attempt: int
    worker: str
    now: datetime
    lease_s: int


@dataclass(frozen=True)
class RecordDeliveryOutcome(Command):
    """What an attempt achieved: delivered (with the receiver's reply), or failed (with the reason, and when to try
    again; None: never)."""

    op: ClassVar[str] = "recordDeliveryOutcome"
    customer_code: str
    delivery_id: str
    attempt: int
    delivered: bool
    detail: str
    retry_at: datetime | None


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


@dataclass(frozen=True)
class IssueStatement(Command):
    """A statement of account built by `statements send` (not an import operation), with its e-mail if the
    customer has an address on file."""

    op: ClassVar[str] = "issueStatement"
    customer_code: str
    statement_id: str
    as_of: date
    period_from: date
    period_to: date
    currency: str
    opening_balance: Decimal
    closing_balance: Decimal
    delivery: DeliveryRequest | None


@dataclass(frozen=True)
class RespondToStatement(Command):
    """The customer confirms the statement's balance, or disputes it with a reason (and its own balance)."""

    op: ClassVar[str] = "respondToStatement"
    customer_code: str
    statement_id: str
    confirmed: bool
    note: str | None
    their_balance: Decimal | None


@dataclass(frozen=True)
class ImportBankLine(Command):
    """One credit line of a bank statement (not an import operation: `bank import` reads the bank's file)."""

    op: ClassVar[str] = "importBankLine"
    account: str
    bank_reference: str
    booked_on: date
    value_on: date
    amount: Decimal
    currency: str
    counterparty: str | None
    remittance: str | None
    reference: str | None


@dataclass(frozen=True)
class ProposeBankMatches(Command):
    op: ClassVar[str] = "proposeBankMatches"
    account: str
    bank_reference: str
    proposals: tuple[tuple[str, tuple[tuple[str, Decimal], ...], str, Decimal], ...]  # (customer, allocations, rule,
    # confidence)


@dataclass(frozen=True)
class ApplyBankLine(Command):
    """Apply a bank credit as a payment of `customer_code` (reference BANK-<bank reference>), with allocations
    (None: oldest due date first), by `rule` at `confidence` (MANUAL, 1: a person's decision)."""

    op: ClassVar[str] = "applyBankLine"
    account: str
    bank_reference: str
    customer_code: str
    allocations: tuple[Allocation, ...] | None
    rule: str
    confidence: Decimal


@dataclass(frozen=True)
class IgnoreBankLine(Command):
    op: ClassVar[str] = "ignoreBankLine"
    account: str
    bank_reference: str
    reason: str


def parse_command(op: object, data: object) -> Command:
    """The typed command for an operation name and its input; ValidationError naming the field otherwise."""
    if not isinstance(op, str) or op not in PARSERS:
        raise ValidationError(f"unknown operation {op!r}; expected one of {', '.join(PARSERS)}", ("op",))
    reader = Reader(data)
    command = PARSERS[op](reader)
    reader.done()
    return command
