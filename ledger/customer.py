"""The customer account aggregate: the consistency boundary of receivables.

Why one aggregate per customer (see README, design): the credit limit depends on the sum of all the customer's
open invoices, and payments are allocated across them oldest due date first. Keeping the customer's invoices,
payments and credit notes in one event stream makes those rules race-free through optimistic concurrency: two
writers that both saw version n cannot both append version n+1.

Events are past-tense facts; each carries `actor` and `correlation_id`, and `reason` where a person decides.
Amounts are stored as decimal strings, dates as dates. `apply` methods only fold; guards live in the command
modules and run before any event is triggered.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from functools import lru_cache

from eventsourcing.domain import Aggregate

from ledger.invoice import InvoiceState
from ledger.payment import CreditNoteState, PaymentState

NAMESPACE = uuid.UUID("6f1b2c1e-5a43-4c8e-9d0f-2b7a9e1c4d55")


@lru_cache(maxsize=65536)
def account_id(customer_code: str) -> uuid.UUID:
    """The account's id is derived from the customer code, so registering twice collides."""
    return uuid.uuid5(NAMESPACE, f"customer:{customer_code}")


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

    class CreditLimitChanged(Event):
        TOPIC = "arledger:CreditLimitChanged"
        credit_limit: str
        previous_limit: str | None
        reason: str
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            account.credit_limit = Decimal(self.credit_limit)
            account.remember(self.operation_key)

    class CreditAssessed(Event):
        """A credit assessment: its inputs, each factor's points, the score and grade, and what it recommends."""

        TOPIC = "arledger:CreditAssessed"
        assessed_on: date
        policy_version: str
        inputs: dict
        factors: list
        score: str
        grade: str
        monthly_invoicing: str
        recommended_limit: str
        recommended_terms_days: int
        note: str | None
        applied: bool

        def apply(self, account: CustomerAccount) -> None:
            account.last_assessed_on = self.assessed_on
            account.grade = self.grade

    class RiskAlertRaised(Event):
        """An early-warning rule's condition began to hold: its evidence, and whether it placed a hold."""

        TOPIC = "arledger:RiskAlertRaised"
        alert_id: str
        rule: str
        subject: str
        as_of: date
        evidence: dict
        hold: bool

        def apply(self, account: CustomerAccount) -> None:
            account.alerts[self.alert_id] = {"rule": self.rule, "subject": self.subject, "status": "OPEN"}
            account.raised_count[(self.rule, self.subject)] = account.raised_count.get((self.rule, self.subject), 0) + 1
            account.risk_as_of = max(filter(None, (account.risk_as_of, self.as_of)))

    class RiskAlertAcknowledged(Event):
        TOPIC = "arledger:RiskAlertAcknowledged"
        alert_id: str
        reason: str

        def apply(self, account: CustomerAccount) -> None:
            account.alerts[self.alert_id]["status"] = "ACKNOWLEDGED"

    class RiskAlertCleared(Event):
        """Closed: by the rule (its condition no longer holds) or by a person (`resolved_by_person`, with reason);
        a person's resolution keeps the same condition from raising again until it has stopped holding."""

        TOPIC = "arledger:RiskAlertCleared"
        alert_id: str
        as_of: date | None
        reason: str
        resolved_by_person: bool

        def apply(self, account: CustomerAccount) -> None:
            alert = account.alerts[self.alert_id]
            alert["status"] = "RESOLVED" if self.resolved_by_person else "CLEARED"
            if self.resolved_by_person:
                account.suppressed.add((alert["rule"], alert["subject"]))
            else:
                account.risk_as_of = max(filter(None, (account.risk_as_of, self.as_of)))

    class RiskConditionsEnded(Event):
        """Conditions a person had resolved stopped holding: they may raise alerts again if they return."""

        TOPIC = "arledger:RiskConditionsEnded"
        conditions: list  # [[rule, subject], ...]

        def apply(self, account: CustomerAccount) -> None:
            for rule, subject in self.conditions:
                account.suppressed.discard((rule, subject))

    class CreditLimitOverridden(Event):
        """An invoice was issued above the credit limit on an admin's decision (recorded right after it)."""

        TOPIC = "arledger:CreditLimitOverridden"
        invoice_number: str
        credit_limit: str
        exposure_before: str
        exposure_after: str
        reason: str

        def apply(self, account: CustomerAccount) -> None:
            pass

    class CreditHoldPlaced(Event):
        TOPIC = "arledger:CreditHoldPlaced"
        reason: str
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            account.on_credit_hold = True
            account.remember(self.operation_key)

    class CreditHoldReleased(Event):
        TOPIC = "arledger:CreditHoldReleased"
        reason: str
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            account.on_credit_hold = False
            account.remember(self.operation_key)

    class InvoiceIssued(Event):
        TOPIC = "arledger:InvoiceIssued"
        number: str
        currency: str
        issue_date: date
        due_date: date
        lines: list  # [{description, quantity, unitPrice, taxRate, net, tax}] as strings
        installments: list  # [{dueDate, amount}] in due-date order
        net_total: str
        tax_total: str
        total: str
        fingerprint: str

        def apply(self, account: CustomerAccount) -> None:
            account.invoices[self.number] = InvoiceState(
                number=self.number,
                currency=self.currency,
                issue_date=self.issue_date,
                due_date=self.due_date,
                total=Decimal(self.total),
                fingerprint=self.fingerprint,
                installments=[(item["dueDate"], Decimal(item["amount"])) for item in self.installments],
            )
            account.open_invoice_numbers.add(self.number)
            account.invoiced_lifetime += Decimal(self.total)

    class InvoiceVoided(Event):
        TOPIC = "arledger:InvoiceVoided"
        number: str
        voided_on: date
        reason: str
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            invoice = account.invoices[self.number]
            assert not invoice.allocations and invoice.written_off == 0, "voided an invoice with allocations"
            invoice.voided_on = self.voided_on
            account.refresh_open(invoice)
            account.remember(self.operation_key)

    class PaymentReceived(Event):
        TOPIC = "arledger:PaymentReceived"
        reference: str
        amount: str
        currency: str
        received_on: date
        method: str
        fingerprint: str

        def apply(self, account: CustomerAccount) -> None:
            account.payments[self.reference] = PaymentState(
                self.reference, self.currency, Decimal(self.amount), self.received_on, self.method, self.fingerprint
            )
            account.received_lifetime += Decimal(self.amount)

    class PaymentAllocated(Event):
        TOPIC = "arledger:PaymentAllocated"
        reference: str
        invoice_number: str
        amount: str
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            payment = account.payments[self.reference]
            account.allocate(payment, self.invoice_number, Decimal(self.amount))
            account.remember(self.operation_key)

    class PaymentReversed(Event):
        TOPIC = "arledger:PaymentReversed"
        reference: str
        reversed_on: date
        reason: str
        undone_allocations: list  # [{invoiceNumber, amount}] the allocations this reversal undoes
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            payment = account.payments[self.reference]
            for number in list(payment.allocations):
                invoice = account.invoices[number]
                del invoice.allocations[payment.source_key]
                account.refresh_open(invoice)
            payment.allocations.clear()
            payment.reversed_on = self.reversed_on
            account.remember(self.operation_key)

    class CreditNoteIssued(Event):
        TOPIC = "arledger:CreditNoteIssued"
        number: str
        amount: str
        currency: str
        issue_date: date
        reason: str
        fingerprint: str

        def apply(self, account: CustomerAccount) -> None:
            account.credit_notes[self.number] = CreditNoteState(
                self.number, self.currency, Decimal(self.amount), self.issue_date, self.fingerprint
            )
            account.credited_lifetime += Decimal(self.amount)

    class CreditNoteAllocated(Event):
        TOPIC = "arledger:CreditNoteAllocated"
        number: str
        invoice_number: str
        amount: str
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            account.allocate(account.credit_notes[self.number], self.invoice_number, Decimal(self.amount))
            account.remember(self.operation_key)

    class InvoiceWrittenOff(Event):
        TOPIC = "arledger:InvoiceWrittenOff"
        number: str
        written_off_on: date
        amount: str
        reason: str
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            invoice = account.invoices[self.number]
            invoice.written_off += Decimal(self.amount)
            assert invoice.outstanding >= 0, "write-off beyond outstanding"
            account.refresh_open(invoice)
            account.remember(self.operation_key)

    class DunningActionRecorded(Event):
        TOPIC = "arledger:DunningActionRecorded"
        invoice_number: str
        level: int
        channel: str
        acted_on: date
        note: str | None
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            reached = account.dunning_levels.get(self.invoice_number, 0)
            account.dunning_levels[self.invoice_number] = max(reached, self.level)
            account.remember(self.operation_key)

    class PromiseToPayRecorded(Event):
        TOPIC = "arledger:PromiseToPayRecorded"
        invoice_number: str
        promised_on: date
        amount: str
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            account.remember(self.operation_key)

    class DisputeOpened(Event):
        TOPIC = "arledger:DisputeOpened"
        invoice_number: str
        reason: str
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            account.invoices[self.invoice_number].dispute_open = True
            account.remember(self.operation_key)

    class DisputeResolved(Event):
        TOPIC = "arledger:DisputeResolved"
        invoice_number: str
        reason: str
        operation_key: str | None

        def apply(self, account: CustomerAccount) -> None:
            account.invoices[self.invoice_number].dispute_open = False
            account.remember(self.operation_key)

    # State is set by CustomerRegistered.apply (the library builds the aggregate from its first event; class-level
    # annotations would make the library generate an __init__): code, name, currency, credit_limit (Decimal or
    # None), payment_terms_days, email, phone, locale, fingerprint, on_credit_hold, invoices, payments,
    # credit_notes (dicts keyed by number/reference), open_invoice_numbers and operation_keys (sets),
    # last_assessed_on and grade (None until a credit assessment), alerts (id -> rule, subject, status),
    # raised_count ((rule, subject) -> alerts raised), suppressed ((rule, subject) resolved by a person while
    # their condition still held), risk_as_of (the latest date an alert was raised or cleared by rule as of),
    # dunning_policy and dunning_excluded, dunning_levels (invoice -> highest level reached), notices (ids issued), deliveries (id -> status, attempts, retry_at,
    # lease_until) and tasks (id -> status OPEN or DONE, invoices): see ledger/collection_events.py; statements
    # (id -> SENT, CONFIRMED or DISPUTED): see ledger/statement_events.py; invoiced_lifetime, received_lifetime
    # and credited_lifetime (gross totals, never reduced): see ledger/account_ceiling.py.

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
