"""Checks on a caller's input that need the books (the ledger's decisions see one account, not the customer
list), raising the ledger's errors so the CLI and GraphQL report them alike."""

from __future__ import annotations

from datetime import date

from ledger.errors import NotFound, ValidationError
from services.books import Ledger


def require_customer(ledger: Ledger, customer_code: str) -> None:
    """Raises NotFound (on customerCode) when no such customer is registered."""
    if ledger.app.account(customer_code) is None:
        raise NotFound(f"customer {customer_code} not found", ("customerCode",))


def require_period(start: date | None, as_of: date) -> None:
    """Raises ValidationError (on start) for a period that would start after it ends."""
    if start is not None and start > as_of:
        raise ValidationError(f"start {start} is after asOf {as_of}", ("start",))
