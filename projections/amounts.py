"""The read models' name for the money module's minor-unit formatting (`ledger.money` is its one home).

Kept so modules that import `format_minor` from here keep working; new code imports `ledger.money` directly.
"""

from __future__ import annotations

from ledger.money import format_minor

__all__ = ["format_minor"]
