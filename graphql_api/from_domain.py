"""Amounts of the domain's own values (an account's Decimal limit and exposure, say) as the API shows them.

The documents' mappers are on their types (`types.py`, `from_domain`); a past state comes to them as the same
frozen values as the current one (`projections.documents_at`).
"""

from __future__ import annotations

from decimal import Decimal

from ledger.currencies import minor_unit_exponent


def money(amount: Decimal, currency: str) -> str:
    return f"{amount.quantize(Decimal(1).scaleb(-minor_unit_exponent(currency))):f}"
