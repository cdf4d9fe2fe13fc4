"""The customer account aggregate: the consistency boundary of receivables.

Why one aggregate per customer (see README, design): the credit limit depends on the sum of all the customer's
open invoices, and payments are allocated across them oldest due date first. Keeping the customer's invoices,
payments and credit notes in one event stream makes those rules race-free through optimistic concurrency: two
writers that both saw version n cannot both append version n+1.

The account defines its base event and its first event (`CustomerRegistered`, which sets up all of its state);
the other events are defined by the feature that records them (`ledger/<feature>/events.py`), subclass
`CustomerAccount.Event` and register their pinned topics there, so the account folds them wherever they live.
`ledger/events.py` names them all. Events are past-tense facts; each carries `actor` and `correlation_id`, and
`reason` where a person decides. Amounts are stored as decimal strings, dates as dates. `apply` methods only fold;
guards live in the features' decisions and run before any event is triggered.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypedDict

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

if TYPE_CHECKING:
    from datetime import date

    from ledger.invoicing.invoice import InvoiceState
    from ledger.payments.payment import CreditNoteState, PaymentState

    class RiskAlert(TypedDict):
        rule: str
        subject: str
        status: str  # OPEN, ACKNOWLEDGED, RESOLVED or CLEARED

    class CollectorTask(TypedDict):
        status: str  # OPEN or DONE
        invoices: tuple[str, ...]


NAMESPACE = uuid.UUID("6f1b2c1e-5a43-4c8e-9d0f-2b7a9e1c4d55")


@lru_cache(maxsize=65536)
def account_id(customer_code: str) -> uuid.UUID:
    """The account's id is derived from the customer code, so registering twice collides."""
    return uuid.uuid5(NAMESPACE, f"customer:{customer_code}")


def register_events(*event_classes: type) -> None:
    """Register the pinned topics of events defined outside their aggregate class (the library registers only the
    nested ones), so stored events of those topics load into these classes."""
    for event_class in event_classes:
        register_topic(event_class.TOPIC, event_class)  # type: ignore[attr-defined]


class CustomerAccount(Aggregate):
    """A customer and everything it owes and has paid."""

    TOPIC = "arledger:CustomerAccount"

    class Event(Aggregate.Event):
        TOPIC = "arledger:CustomerAccount.Event"
        actor: str
        correlation_id: str

    class CustomerRegistered(Event, Aggregate.Created):
        TOPIC = "arledger:CustomerRegistered"
        code: str
        name: str
        currency: str
        credit_limit: str | None
        payment_terms_days: int
        email: str | None
        phone: str | None
        locale: str | None
        fingerprint: str

        def apply(self, account: CustomerAccount) -> None:
            account.code, account.name, account.currency = self.code, self.name, self.currency
            account.credit_limit = None if self.credit_limit is None else Decimal(self.credit_limit)
            account.payment_terms_days = self.payment_terms_days
            account.email, account.phone, account.locale = self.email, self.phone, self.locale
            account.fingerprint = self.fingerprint
            account.on_credit_hold = False
            account.invoices, account.payments, account.credit_notes = {}, {}, {}
            account.open_invoice_numbers = set()
            account.operation_keys = set()
            account.last_assessed_on, account.grade = None, None
            account.alerts, account.raised_count, account.suppressed = {}, {}, set()
            account.risk_as_of = None
            account.dunning_policy, account.dunning_excluded = None, False
            account.dunning_levels = {}
            account.statements = {}
            account.notices, account.deliveries, account.tasks = set(), {}, {}
            # Running lifetime totals for the per-customer ceiling (ledger/account_ceiling.py); folded from the
            # documents' own events, so logs written before the ceiling existed load as they are.
            account.invoiced_lifetime = account.received_lifetime = account.credited_lifetime = Decimal(0)

    Created = CustomerRegistered

    if TYPE_CHECKING:
        # The state CustomerRegistered.apply sets up and the features' events fold, declared for the type checker
        # only: the library builds the aggregate from its first event, and class-level annotations at run time
        # would make it generate an __init__ (under TYPE_CHECKING they never run, so the class is unchanged).
        code: str
        name: str
        currency: str
        credit_limit: Decimal | None
        payment_terms_days: int
        email: str | None
        phone: str | None
        locale: str | None
        fingerprint: str
        on_credit_hold: bool
        invoices: dict[str, InvoiceState]  # by invoice number
        payments: dict[str, PaymentState]  # by payment reference
        credit_notes: dict[str, CreditNoteState]  # by credit-note number
        open_invoice_numbers: set[str]
        operation_keys: set[str]
        # ledger/credit: None until a credit assessment.
        last_assessed_on: date | None
        grade: str | None
        # ledger/risk: alerts by id (rule, subject, status); alerts raised per (rule, subject); the (rule, subject)
        # pairs a person resolved while their condition still held; the latest date an alert was raised or
        # cleared by rule as of.
        alerts: dict[str, RiskAlert]
        raised_count: dict[tuple[str, str], int]
        suppressed: set[tuple[str, str]]
        risk_as_of: date | None
        # ledger/collections: the policy and exclusion, the highest level reached per invoice number, the notices
        # issued (ids), deliveries by id and collectors' tasks by id.
        dunning_policy: str | None
        dunning_excluded: bool
        dunning_levels: dict[str, int]
        notices: set[str]
        # delivery id -> None for a delivery in its own aggregate (ledger/collections/delivery.py: the account only
        # remembers the id, so a notice cannot repeat it), or, for one an earlier version recorded on the account
        # and `migrate` has not adopted yet, its request and state (ledger/collections/adoption.py).
        deliveries: dict[str, dict[str, Any] | None]
        tasks: dict[str, CollectorTask]
        # ledger/statements: statement id -> SENT, CONFIRMED or DISPUTED.
        statements: dict[str, str]
        # ledger/account_ceiling.py: gross lifetime totals, never reduced.
        invoiced_lifetime: Decimal
        received_lifetime: Decimal
        credited_lifetime: Decimal

    def remember(self, operation_key: str | None) -> None:
        if operation_key:
            self.operation_keys.add(operation_key)

    def refresh_open(self, invoice: InvoiceState) -> None:
        if invoice.outstanding > 0:
            self.open_invoice_numbers.add(invoice.number)
        else:
            self.open_invoice_numbers.discard(invoice.number)

    def allocate(self, source: PaymentState | CreditNoteState, invoice_number: str, amount: Decimal) -> None:
        invoice = self.invoices[invoice_number]
        source.allocations[invoice_number] = source.allocations.get(invoice_number, Decimal(0)) + amount
        invoice.allocations[source.source_key] = invoice.allocations.get(source.source_key, Decimal(0)) + amount
        assert source.unallocated >= 0, f"allocated more than {source.source_key} holds"
        assert invoice.outstanding >= 0, f"allocation made invoice {invoice_number} negative"
        self.refresh_open(invoice)

    @property
    def exposure(self) -> Decimal:
        """Open exposure: the sum of the invoices' outstanding amounts (unallocated credit does not reduce it)."""
        return sum((self.invoices[number].outstanding for number in self.open_invoice_numbers), Decimal(0))

    @property
    def unallocated_credit(self) -> Decimal:
        credit = sum((payment.unallocated for payment in self.payments.values()), Decimal(0))
        return credit + sum((note.unallocated for note in self.credit_notes.values()), Decimal(0))
