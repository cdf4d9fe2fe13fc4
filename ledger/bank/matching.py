"""The bank matcher (pure): which customer and invoices a bank credit pays, and how sure we are. Rules, first that
applies wins:

1. EXACT_REFERENCE (confidence 1.00): the payment's reference names exactly one open invoice, of the credit's
   currency, whose outstanding equals the amount.
2. INVOICE_IN_REMITTANCE: the reference or remittance text names open invoices of one customer; if their
   outstanding adds up to the amount exactly, confidence 0.95; otherwise 0.60, allocated oldest due date first.
3. AMOUNT_COMBINATION: among the open invoices of the customer the counterparty's name identifies, sets of up
   to 4 whose outstanding adds up to the amount exactly (at most 3, smallest first): confidence 0.80 when there
   is exactly one, 0.50 each otherwise; with no payer identified, any customer's single invoice of exactly that
   amount (0.50 each, at most 10).

Invoice numbers are read case-blind; two open invoices whose numbers differ only in case are named by neither.

Only a proposal at or above the threshold (default 0.95) is applied without a person; the rest wait in the
exception queue with their proposals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import combinations
from typing import Optional

MAX_COMBINATION = 4
MAX_CANDIDATES = 30  # open invoices searched for combinations per customer (newest dropped)
MAX_PROPOSALS = 10
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]|[A-Za-z0-9]")


@dataclass(frozen=True)
class OpenInvoice:
    customer_code: str
    number: str
    due_on: date
    outstanding: Decimal


@dataclass(frozen=True)
class Customer:
    code: str
    name: str
    currency: str


@dataclass(frozen=True)
class Credit:
    amount: Decimal
    currency: str
    reference: Optional[str]
    remittance: Optional[str]
    counterparty: Optional[str]


@dataclass(frozen=True)
class Proposal:
    customer_code: str
    allocations: tuple[tuple[str, Decimal], ...]
    rule: str
    confidence: Decimal


def _tokens(text: Optional[str]) -> set[str]:
    return {token.upper() for token in TOKEN.findall(text or "")}


def _index(invoices: list[OpenInvoice]) -> dict[str, Optional[OpenInvoice]]:
    """Invoice numbers read case-blind, as people write them; two numbers differing only in case name neither."""
    found: dict[str, Optional[OpenInvoice]] = {}
    for invoice in invoices:
        key = invoice.number.upper()
        found[key] = None if key in found else invoice
    return found


def _normalized(name: str) -> str:
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]", "", name.lower())


def _oldest_first(invoices: list[OpenInvoice], amount: Decimal) -> tuple[tuple[str, Decimal], ...]:
    left, planned = amount, []
    for invoice in sorted(invoices, key=lambda i: (i.due_on, i.number)):
        if left <= 0:
            break
        share = min(left, invoice.outstanding)
        planned.append((invoice.number, share))
        left -= share
    return tuple(planned)


def propose(credit: Credit, customers: list[Customer], invoices: list[OpenInvoice]) -> list[Proposal]:
    """Proposals, best first (none when nothing fits)."""
    currency = {c.code for c in customers if c.currency == credit.currency}
    open_items = [i for i in invoices if i.customer_code in currency and i.outstanding > 0]
    by_number = _index(open_items)
    reference = [invoice for t in _tokens(credit.reference) if (invoice := by_number.get(t))]
    if len(reference) == 1 and reference[0].outstanding == credit.amount:
        return [
            Proposal(
                reference[0].customer_code, ((reference[0].number, credit.amount),), "EXACT_REFERENCE", Decimal("1.00")
            )
        ]
    named = sorted(
        {invoice for t in _tokens(credit.reference) | _tokens(credit.remittance) if (invoice := by_number.get(t))},
        key=lambda i: i.number,
    )
    owners = {i.customer_code for i in named}
    if named and len(owners) == 1:
        total = sum((i.outstanding for i in named), Decimal(0))
        exact = total == credit.amount
        return [
            Proposal(
                named[0].customer_code,
                _oldest_first(named, credit.amount) if not exact else tuple((i.number, i.outstanding) for i in named),
                "INVOICE_IN_REMITTANCE",
                Decimal("0.95") if exact else Decimal("0.60"),
            )
        ]
    identified = _identify(credit.counterparty, [c for c in customers if c.code in currency])
    if identified is None:  # anyone's single invoice of that amount (combinations only for a named payer)
        return [
            Proposal(i.customer_code, ((i.number, i.outstanding),), "AMOUNT_COMBINATION", Decimal("0.50"))
            for i in sorted(open_items, key=lambda i: (i.customer_code, i.due_on, i.number))
            if i.outstanding == credit.amount
        ][:MAX_PROPOSALS]
    mine = sorted((i for i in open_items if i.customer_code == identified), key=lambda i: (i.due_on, i.number))[
        :MAX_CANDIDATES
    ]
    proposals = [
        Proposal(identified, combo, "AMOUNT_COMBINATION", Decimal("0.50"))
        for combo in _combinations(mine, credit.amount)
    ]
    if identified is not None and len(proposals) == 1:
        return [Proposal(proposals[0].customer_code, proposals[0].allocations, "AMOUNT_COMBINATION", Decimal("0.80"))]
    return proposals


def _combinations(invoices: list[OpenInvoice], amount: Decimal, most: int = 3) -> list[tuple[tuple[str, Decimal], ...]]:
    """Up to `most` sets of at most MAX_COMBINATION invoices whose outstanding adds up to `amount`, smallest first."""
    found: list[tuple[tuple[str, Decimal], ...]] = []
    for size in range(1, MAX_COMBINATION + 1):
        for combo in combinations(invoices, size):
            if sum((i.outstanding for i in combo), Decimal(0)) == amount:
                found.append(tuple((i.number, i.outstanding) for i in combo))
                if len(found) == most:
                    return found
    return found


def _identify(counterparty: Optional[str], customers: list[Customer]) -> Optional[str]:
    """The one customer whose name the counterparty's name contains (or the other way round), if exactly one."""
    if not counterparty:
        return None
    name = _normalized(counterparty)
    if not name:
        return None
    hits = [
        c.code
        for c in customers
        if _normalized(c.name) and (_normalized(c.name) in name or name in _normalized(c.name))
    ]
    return hits[0] if len(hits) == 1 else None
