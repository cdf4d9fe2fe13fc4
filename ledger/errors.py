"""Expected business refusals, each with the stable code that GraphQL `userErrors.code` and import reports carry.

Guards raise these before any event is recorded, so a refused operation writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence


class LedgerError(Exception):
    """A refusal the user can act on: a code, a message naming what was wrong, and the input field path."""

    code = "VALIDATION"

    def __init__(self, message: str, field: Sequence[str | int] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.field = tuple(str(part) for part in field)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code}: {self.message}, field={list(self.field)})"


class ValidationError(LedgerError):
    """The input is malformed, out of range, or breaks a rule of its own."""

    code = "VALIDATION"


class NotFound(LedgerError):
    """A customer, invoice, payment or credit note named by the input does not exist."""

    code = "NOT_FOUND"


class Duplicate(LedgerError):
    """The natural key already exists with different content."""

    code = "DUPLICATE"


class CreditLimitExceeded(LedgerError):
    """The invoice would take the customer's open exposure above its credit limit."""

    code = "CREDIT_LIMIT_EXCEEDED"


class CreditHold(LedgerError):
    """The customer is on credit hold: no new invoice may be issued."""

    code = "CREDIT_HOLD"


class OverAllocation(LedgerError):
    """An allocation exceeds the invoice's outstanding or the payment's (credit note's) unallocated credit."""

    code = "OVER_ALLOCATION"


class CurrencyMismatch(LedgerError):
    """Currencies differ where they meet (customer, invoice, payment, credit note)."""

    code = "CURRENCY_MISMATCH"


class InvalidState(LedgerError):
    """The document is not in a state that allows the operation (void, reversed, already on hold, …)."""

    code = "INVALID_STATE"


class AccountLimitExceeded(LedgerError):
    """The document would take one of the customer's lifetime totals above the per-customer ceiling
    (`ledger.account_ceiling`), beyond which the books' sums would no longer be exact."""

    code = "ACCOUNT_LIMIT"


class Conflict(LedgerError):
    """Concurrent writers kept changing the same account; the operation was not applied and may be retried."""

    code = "CONFLICT"


class UnindexedLog(LedgerError):
    """The event log holds events that arledger's write path did not put in the hash chain (or chain entries
    beyond its end): nothing is written after them until an operator has run `arledger verify` (and `arledger
    migrate`, for a log written before the chain existed)."""

    code = "UNINDEXED_EVENTS"
