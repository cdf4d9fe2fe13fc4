"""Each customer's running totals as the read models keep them: what was invoiced, voided, paid, credited, written
off and reversed, the outstanding balance and the unallocated credit (audit replay shows them as known then)."""

from __future__ import annotations

from dataclasses import dataclass

from projections.database import Database

AMOUNTS = ("invoiced", "voided", "paid", "credited", "written_off", "reversed", "outstanding", "unallocated")


@dataclass(frozen=True)
class CustomerTotals:
    customer_code: str
    currency: str
    on_credit_hold: bool
    invoiced_minor: int
    voided_minor: int
    paid_minor: int
    credited_minor: int
    written_off_minor: int
    reversed_minor: int
    outstanding_minor: int
    unallocated_minor: int

    def amounts_minor(self) -> dict[str, int]:
        """The amounts by name (`AMOUNTS`), in that order."""
        return {name: getattr(self, f"{name}_minor") for name in AMOUNTS}


def customer_totals(database: Database) -> list[CustomerTotals]:
    """Every customer's totals, by code."""
    rows = database.execute(
        "SELECT customer_code, currency, on_credit_hold, "
        + ", ".join(f"{name}_minor" for name in AMOUNTS)
        + " FROM {p}customers ORDER BY customer_code"
    )
    return [CustomerTotals(code, currency, bool(hold), *amounts) for code, currency, hold, *amounts in rows]
