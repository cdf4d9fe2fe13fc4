"""Invoices from the read models, each with its installments (read for a whole page in one query): by number, in
batches, a keyset page, the first invoices of many customers at once; and the open invoices bank matching
searches.

An open invoice has something outstanding: not voided, not wholly settled. `open_invoice()` is that rule over the
invoices table, the one definition every query here uses (`documents.is_open` is the same rule over a document).
Only an open invoice has installments with something outstanding (`receivables.RESETTLE`). What was open as of a
past business date is another question, answered from the settlements effective by then (`aging.py`, which dunning
shares).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Optional

from ledger.bank.matching import OpenInvoice
from ledger.money import from_minor
from projections.customers import chunks, placeholders
from projections.database import Database
from projections.documents import Installment, Invoice, invoice_amounts


def open_invoice(alias: str = "") -> str:
    """The SQL condition an open invoice's row meets (`alias`: the invoices table's name in the query)."""
    table = f"{alias}." if alias else ""
    return f"{table}void_day IS NULL AND {table}settled_minor < {table}total_minor"


FIELDS = (
    "invoice_number, customer_code, currency, issue_day, due_day, total_minor, settled_minor, "
    "written_off_minor, void_day, dispute_open"
)
_COLUMNS = f"SELECT {FIELDS} FROM {{p}}invoices"


def _installments(database: Database, numbers: list[str]) -> dict[str, list[Installment]]:
    found: dict[str, list[Installment]] = {number: [] for number in numbers}
    for chunk in chunks(numbers):
        for number, due, amount, outstanding in database.execute(
            "SELECT invoice_number, due_day, amount_minor, outstanding_minor FROM {p}installments WHERE "
            f"invoice_number IN ({placeholders(chunk)}) ORDER BY invoice_number, seq",
            chunk,
        ):
            found[number].append(Installment(date.fromordinal(due), amount, outstanding))
    return found


def _invoices(database: Database, rows: list[tuple]) -> list[Invoice]:
    """Invoices for invoice rows, with all their installments read in one query (no read per row)."""
    installments = _installments(database, [row[0] for row in rows])
    result = []
    for number, code, currency, issued, due, total, settled, written_off, void_day, dispute in rows:
        outstanding, status = invoice_amounts(total, settled, written_off, void_day is not None)
        result.append(
            Invoice(
                number,
                code,
                currency,
                date.fromordinal(issued),
                date.fromordinal(due),
                total,
                outstanding,
                status,
                bool(dispute),
                tuple(installments[number]),
            )
        )
    return result


def invoice(database: Database, number: str) -> Optional[Invoice]:
    found = _invoices(database, database.execute(_COLUMNS + " WHERE invoice_number = ?", (number,)))
    return found[0] if found else None


def invoices_by_number(database: Database, numbers: Sequence[str]) -> dict[str, Invoice]:
    """The invoices of `numbers` that exist, by number."""
    found: dict[str, Invoice] = {}
    for chunk in chunks(numbers):
        rows = database.execute(f"{_COLUMNS} WHERE invoice_number IN ({placeholders(chunk)})", chunk)
        found.update((each.number, each) for each in _invoices(database, rows))
    return found


def invoice_page(
    database: Database, after: str, limit: int, customer_code: Optional[str] = None, open_only: bool = False
) -> list[Invoice]:
    """At most `limit` invoices with numbers after `after`, by number (keyset paging), of one customer if given,
    only open ones if asked."""
    where, params = ["invoice_number > ?"], [after]
    if customer_code is not None:
        where.append("customer_code = ?")
        params.append(customer_code)
    if open_only:
        where.append(open_invoice())
    rows = database.execute(f"{_COLUMNS} WHERE {' AND '.join(where)} ORDER BY invoice_number LIMIT ?", [*params, limit])
    return _invoices(database, rows)


def invoices_of_customers(
    database: Database, codes: Sequence[str], first: int, open_only: bool = False
) -> dict[str, list[Invoice]]:
    """Each customer's first `first` invoices by number (only open ones if asked), for many customers at once."""
    found: dict[str, list[Invoice]] = {code: [] for code in codes}
    only_open = f" AND {open_invoice()}" if open_only else ""
    for chunk in chunks(codes):
        rows = database.execute(
            f"SELECT {FIELDS} FROM (SELECT {FIELDS}, ROW_NUMBER() OVER (PARTITION BY customer_code "
            f"ORDER BY invoice_number) AS n FROM {{p}}invoices WHERE customer_code IN ({placeholders(chunk)})"
            f"{only_open}) ranked WHERE n <= ? ORDER BY customer_code, invoice_number",
            [*chunk, first],
        )
        for each in _invoices(database, rows):
            found[each.customer_code].append(each)
    return found


def open_invoices(database: Database) -> list[OpenInvoice]:
    """Every open invoice with its outstanding amount and the due date of its oldest unpaid installment."""
    rows = database.execute(
        "SELECT i.invoice_number, i.customer_code, i.currency, MIN(n.due_day), SUM(n.outstanding_minor) FROM "
        "{p}invoices i JOIN {p}installments n ON n.invoice_number = i.invoice_number "
        f"WHERE {open_invoice('i')} AND n.outstanding_minor > 0 "
        "GROUP BY i.invoice_number, i.customer_code, i.currency ORDER BY i.invoice_number"
    )
    return [
        OpenInvoice(code, number, date.fromordinal(due), from_minor(outstanding, currency))
        for number, code, currency, due, outstanding in rows
    ]
