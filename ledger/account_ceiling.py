"""The per-customer ceiling: each of a customer's lifetime totals stays at or below MAX_ACCOUNT_TOTAL_MINOR minor
units, checked when a document is decided on, before anything is recorded.

Why a ceiling and not wider columns: the read models keep amounts as integer minor units in BIGINT columns and
sum them per customer (aging, statements, KPIs, balances), where SQLite's SUM raises and PostgreSQL refuses a
value beyond 2^63 - 1. One amount is at most `largest_amount` (money.py), but a customer can have any number of
documents; these three gross totals bound every per-customer sum — what is outstanding, settled, unallocated,
written off or reversed is made of at most three of them — so every such sum stays below 3 x 10^18 < 2^63.
Gross totals (voided invoices and reversed payments still count) only ever grow, so a later void or reversal can
never let a sum the journal replays for an earlier date overflow.

Sums across customers are done in Python integers or in the wide decimal context (`money.WIDE`), never in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from ledger.errors import AccountLimitExceeded
from ledger.limits import MAX_ACCOUNT_TOTAL_MINOR
from ledger.money import format_amount, from_minor

if TYPE_CHECKING:
    from ledger.account import CustomerAccount

# The running totals CustomerAccount folds (attribute -> what it counts).
LIFETIME_TOTALS = {
    "invoiced_lifetime": "invoices issued (voided ones included)",
    "received_lifetime": "payments received (reversed ones included)",
    "credited_lifetime": "credit notes issued",
}


def ceiling(currency: str) -> Decimal:
    """MAX_ACCOUNT_TOTAL_MINOR minor units as an amount: 9999999999999999.99 CNY, 999999999999999999 JPY."""
    return from_minor(MAX_ACCOUNT_TOTAL_MINOR, currency)


def check_lifetime_total(account: CustomerAccount, total: str, amount: Decimal, field: Sequence[str | int]) -> None:
    """Raises AccountLimitExceeded (ACCOUNT_LIMIT) when adding `amount` to the account's `total` (a key of
    LIFETIME_TOTALS) would take it above the ceiling; exactly at the ceiling is allowed."""
    currency = account.currency
    after = getattr(account, total) + amount
    limit = ceiling(currency)
    if after > limit:
        raise AccountLimitExceeded(
            f"customer {account.code}'s {LIFETIME_TOTALS[total]} would total {format_amount(after, currency)} "
            f"{currency}, above the ceiling of {format_amount(limit, currency)} {currency} that each customer's "
            "lifetime totals are kept within (so that every sum the books compute stays exact)",
            field,
        )


def check_within_ceiling(amount: Decimal, currency: str, field: Sequence[str | int], what: str) -> None:
    """Raises AccountLimitExceeded when a computed per-customer amount (a dunning notice's interest or total due)
    is beyond the ceiling, which every per-customer amount the read models keep stays within."""
    limit = ceiling(currency)
    if amount.copy_abs() > limit:
        raise AccountLimitExceeded(
            f"{what} {amount:f} {currency} is above the ceiling of "
            f"{format_amount(limit, currency)} {currency} on any one customer's amounts",
            field,
        )
