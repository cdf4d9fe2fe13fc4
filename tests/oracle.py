"""A test oracle: aging and statement balances computed from the raw events by following docs/contract.md sections 5
and 6 word for word, in plain Python with Decimal. Deliberately naive and independent of projections/."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledger.currencies import minor_unit_exponent


def _fmt(value: Decimal, currency: str) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-minor_unit_exponent(currency))):f}"


class Books:
    """What the events recorded at or before `known_at` say."""

    def __init__(self, events: list[Any], known_at: datetime | None = None) -> None:
        self.customers: dict[Any, tuple[str, str]] = {}
        self.invoices: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}
        self.notes: dict[str, dict] = {}
        self.allocations: list[dict] = []
        self.write_offs: list[dict] = []
        for event in events:
            if known_at is not None and event.timestamp > known_at:
                continue
            getattr(self, "_" + type(event).__name__, lambda e: None)(event)

    def _CustomerRegistered(self, e):
        self.customers[e.originator_id] = (e.code, e.currency)

    def _InvoiceIssued(self, e):
        self.invoices[e.number] = {
            "customer": self.customers[e.originator_id][0],
            "currency": e.currency,
            "issue": e.issue_date,
            "void": None,
            "installments": [(i["dueDate"], Decimal(i["amount"])) for i in e.installments],
        }

    def _InvoiceVoided(self, e):
        self.invoices[e.number]["void"] = e.voided_on

    def _PaymentReceived(self, e):
        self.payments[e.reference] = {
            "customer": self.customers[e.originator_id][0],
            "currency": e.currency,
            "date": e.received_on,
            "amount": Decimal(e.amount),
            "reversed": None,
        }

    def _PaymentReversed(self, e):
        self.payments[e.reference]["reversed"] = e.reversed_on

    def _CreditNoteIssued(self, e):
        self.notes[e.number] = {
            "customer": self.customers[e.originator_id][0],
            "currency": e.currency,
            "date": e.issue_date,
            "amount": Decimal(e.amount),
            "reversed": None,
        }

    def _PaymentAllocated(self, e):
        self.allocations.append(
            {"source": self.payments[e.reference], "invoice": e.invoice_number, "amount": Decimal(e.amount)}
        )

    def _CreditNoteAllocated(self, e):
        self.allocations.append(
            {"source": self.notes[e.number], "invoice": e.invoice_number, "amount": Decimal(e.amount)}
        )

    def _InvoiceWrittenOff(self, e):
        self.write_offs.append(
            {
                "invoice": e.invoice_number if hasattr(e, "invoice_number") else e.number,
                "date": e.written_off_on,
                "amount": Decimal(e.amount),
            }
        )

    def allocation_counts(self, allocation: dict, as_of: date) -> bool:
        source, invoice = allocation["source"], self.invoices[allocation["invoice"]]
        effective = max(source["date"], invoice["issue"])
        undone = source["reversed"] is not None and source["reversed"] <= as_of
        return effective <= as_of and not undone

    def invoice_outstandings(self, number: str, as_of: date) -> list[tuple[date, Decimal]]:
        """(due date, outstanding) per installment, allocations settling installments in due-date order."""
        settled = sum(
            (a["amount"] for a in self.allocations if a["invoice"] == number and self.allocation_counts(a, as_of)),
            Decimal(0),
        )
        settled += sum(
            (w["amount"] for w in self.write_offs if w["invoice"] == number and w["date"] <= as_of), Decimal(0)
        )
        rows = []
        for due, amount in sorted(self.invoices[number]["installments"]):
            taken = min(amount, settled)
            settled -= taken
            rows.append((due, amount - taken))
        return rows


def aging(events: list[Any], as_of: date, known_at: datetime | None, basis: str, boundaries: list[int]) -> dict:
    books = Books(events, known_at)
    lines: dict[tuple[str, str], dict] = {}

    def line(customer: str, currency: str) -> dict:
        return lines.setdefault(
            (customer, currency),
            {"current": Decimal(0), "buckets": [Decimal(0)] * (len(boundaries) + 1), "unallocated": Decimal(0)},
        )

    for number, invoice in books.invoices.items():
        if invoice["issue"] > as_of or (invoice["void"] is not None and invoice["void"] <= as_of):
            continue
        for due, outstanding in books.invoice_outstandings(number, as_of):
            if outstanding == 0:
                continue
            age = (as_of - (due if basis == "DUE_DATE" else invoice["issue"])).days
            target = line(invoice["customer"], invoice["currency"])
            if basis == "DUE_DATE" and age <= 0:
                target["current"] += outstanding
                continue
            index = next((k for k, bound in enumerate(boundaries) if age <= bound), len(boundaries))
            target["buckets"][index] += outstanding
    for source in [*books.payments.values(), *books.notes.values()]:
        if source["date"] > as_of or (source["reversed"] is not None and source["reversed"] <= as_of):
            continue
        used = sum(
            (a["amount"] for a in books.allocations if a["source"] is source and books.allocation_counts(a, as_of)),
            Decimal(0),
        )
        line(source["customer"], source["currency"])["unallocated"] += source["amount"] - used
    rows = []
    for (customer, currency), item in sorted(lines.items()):
        outstanding = item["current"] + sum(item["buckets"])
        if outstanding == 0 and item["unallocated"] == 0:
            continue
        rows.append(
            {
                "customerCode": customer,
                "currency": currency,
                "outstanding": _fmt(outstanding, currency),
                "current": _fmt(item["current"], currency),
                "buckets": [_fmt(b, currency) for b in item["buckets"]],
                "unallocatedCredit": _fmt(item["unallocated"], currency),
            }
        )
    return {"rows": rows}


def net_balance(events: list[Any], customer: str, as_of: date, known_at: datetime | None = None) -> Decimal:
    """Invoiced - paid - credited - written off + reversed, at the end of `as_of`; voided invoices left out."""
    books = Books(events, known_at)
    total = Decimal(0)
    for invoice in books.invoices.values():
        if (
            invoice["customer"] == customer
            and invoice["issue"] <= as_of
            and not (invoice["void"] and invoice["void"] <= as_of)
        ):
            total += sum(amount for _due, amount in invoice["installments"])
    for source in [*books.payments.values(), *books.notes.values()]:
        if source["customer"] == customer and source["date"] <= as_of:
            total -= source["amount"]
        if source["customer"] == customer and source["reversed"] is not None and source["reversed"] <= as_of:
            total += source["amount"]
    for write_off in books.write_offs:
        if books.invoices[write_off["invoice"]]["customer"] == customer and write_off["date"] <= as_of:
            total -= write_off["amount"]
    return total
