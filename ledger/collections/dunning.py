"""Dunning decisions (pure): which open invoices move to which level on a date, grouped into one notice per
customer and level, with the interest and fee each notice charges.

An invoice climbs its policy's levels one step per run: its next level is the first one above the highest it has
reached, due when `as_of` is at least `days` after the invoice's due date (negative days: before it) and at least
`min_days_between_levels` after the invoice's previous dunning action. A level due before the due date (a
friendly reminder) is passed over once the invoice is overdue: the next step is the first level due on or after
the due date. Disputed invoices, invoices under an unexpired promise to pay (promised for `as_of` or later) and
customers excluded from dunning are left alone.

A notice line asks for the invoice's installments that are due (for a reminder before the due date: due within
its days), not for those falling due later. Interest = outstanding × annual rate / 365 × days overdue, per
overdue installment, rounded half-up to the currency's minor unit (no interest before the due date). The fee is charged once per notice, in the customer's currency; a level
without a fee for that currency charges none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from typing import Optional

from ledger.money import WIDE, at_scale, round_to_currency

DAYS_PER_YEAR = Decimal(365)


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    days: int  # relative to the due date
    channels: tuple[str, ...]
    template: str
    fees: dict[str, Decimal] = field(default_factory=dict)  # currency -> fee per notice
    annual_interest_rate: Decimal = Decimal(0)


@dataclass(frozen=True)
class DunningPolicy:
    name: str
    levels: tuple[Level, ...]  # ascending by level
    min_days_between_levels: int = 7


@dataclass(frozen=True)
class OpenItem:
    """An open invoice as of the run date, with what the ledger knows of its collection so far."""

    customer_code: str
    invoice_number: str
    currency: str
    due_on: date  # its earliest unpaid installment's due date
    outstanding: Decimal
    level: int = 0  # the highest dunning level reached, whenever (0: never dunned)
    last_dunned_on: Optional[date] = None  # the latest dunning action, whenever
    disputed: bool = False
    promised_until: Optional[date] = None  # the latest promise's date, if any
    installments: tuple[tuple[date, Decimal], ...] = ()  # (due date, outstanding) of each unpaid one; () = one

    def parts(self) -> tuple[tuple[date, Decimal], ...]:
        return self.installments or ((self.due_on, self.outstanding),)


@dataclass(frozen=True)
class NoticeLine:
    invoice_number: str
    due_on: date
    days_overdue: int
    outstanding: Decimal
    interest: Decimal


@dataclass(frozen=True)
class Notice:
    customer_code: str
    currency: str
    policy: str
    level: Level
    as_of: date
    lines: tuple[NoticeLine, ...]
    fee: Decimal

    @property
    def notice_id(self) -> str:
        return f"{self.customer_code}:{self.as_of.isoformat()}:L{self.level.level}"

    @property
    def outstanding(self) -> Decimal:
        return sum((line.outstanding for line in self.lines), Decimal(0))

    @property
    def interest(self) -> Decimal:
        return sum((line.interest for line in self.lines), Decimal(0))

    @property
    def total_due(self) -> Decimal:
        return self.outstanding + self.interest + self.fee


def interest(outstanding: Decimal, annual_rate: Decimal, days_overdue: int, currency: str) -> Decimal:
    """outstanding × rate / 365 × days overdue, rounded half-up to the minor unit; none before the due date."""
    if days_overdue <= 0 or annual_rate <= 0:
        return at_scale(Decimal(0), currency)
    with localcontext(WIDE):  # rounded once, at the end (the default 28 digits would round the product first)
        raw = outstanding * annual_rate / DAYS_PER_YEAR * days_overdue
        return round_to_currency(raw, currency)


def next_level(policy: DunningPolicy, item: OpenItem, as_of: date) -> Optional[Level]:
    """The level this invoice reaches on `as_of`, or None (not yet due for one, paused, or at the last level)."""
    if item.disputed or (item.promised_until is not None and item.promised_until >= as_of):
        return None
    if item.last_dunned_on is not None and (as_of - item.last_dunned_on).days < policy.min_days_between_levels:
        return None  # too soon after the last step (or a run dated before it)
    overdue = as_of > item.due_on
    for level in policy.levels:
        if level.level <= item.level or (overdue and level.days < 0):
            continue
        return level if (as_of - item.due_on).days >= level.days else None
    return None


def line(item: OpenItem, level: Level, as_of: date) -> NoticeLine:
    """What a notice asks of one invoice: the installments due by `as_of` (by `as_of` + N days for a reminder N
    days before the due date), with interest on each overdue one for its own days overdue."""
    horizon = as_of.toordinal() + max(0, -level.days)
    due = [(on, amount) for on, amount in item.parts() if on.toordinal() <= horizon]
    return NoticeLine(
        item.invoice_number,
        item.due_on,
        max(0, (as_of - item.due_on).days),
        sum((amount for _on, amount in due), Decimal(0)),
        sum(
            (interest(amount, level.annual_interest_rate, (as_of - on).days, item.currency) for on, amount in due),
            Decimal(0),
        ),
    )


def decide(policy: DunningPolicy, items: list[OpenItem], as_of: date) -> list[Notice]:
    """One notice per customer and level reached on `as_of`, its lines in due-date order (callers pass one
    customer's items with the policy that customer is on)."""
    grouped: dict[tuple[str, int], list[tuple[OpenItem, Level]]] = {}
    for item in items:
        level = next_level(policy, item, as_of)
        if level is not None:
            grouped.setdefault((item.customer_code, level.level), []).append((item, level))
    notices = []
    for (code, _number), members in sorted(grouped.items()):
        level, currency = members[0][1], members[0][0].currency
        lines = tuple(
            line(item, level, as_of)
            for item, _level in sorted(members, key=lambda pair: (pair[0].due_on, pair[0].invoice_number))
        )
        fee = at_scale(level.fees.get(currency, Decimal(0)), currency)  # policies/dunning.py refuses finer fees
        notices.append(Notice(code, currency, policy.name, level, as_of, lines, fee))
    return notices
