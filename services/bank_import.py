"""Bank reconciliation: read a bank file (the documented CSV layout, or CAMT.053 XML through `pycamt`), record each
credit line once, run the matcher (`ledger.bank.matching`) and apply as payments only the proposals at or above
the threshold; the rest wait, with their proposals, in the exception queue a person works through.

A file with a malformed line — or a bank reference twice with different content, or one imported before with
other content — is refused whole, naming the line and column: nothing is recorded. Every run matches every line
still unmatched, not only the new ones.


The files themselves are read by adapters/bank_files.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Optional

import orjson

from adapters.bank_files import BankFileError
from ledger.bank.commands import ApplyBankLine, ImportBankLine, ProposeBankMatches
from ledger.bank.decisions import line_fingerprint
from ledger.bank.line import bank_line_id
from ledger.bank.matching import Credit, Customer, OpenInvoice, propose
from ledger.context import CommandContext
from ledger.currencies import minor_unit_exponent
from ledger.errors import LedgerError
from ledger.handlers import APPLIED
from ledger.payments.commands import Allocation
from projections.amounts import format_minor
from services.books import Ledger

DEFAULT_THRESHOLD = Decimal("0.95")


@dataclass
class ImportReport:
    lines: int = 0
    imported: int = 0
    already_imported: int = 0
    debits_skipped: int = 0
    applied: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)  # lines left for a person (labels)


# Amounts and dates go through the project's own parsers: the same rules as every operation's input.
def _open_invoices(ledger: Ledger) -> tuple[list[Customer], list[OpenInvoice]]:
    customers = [
        Customer(code, name, currency)
        for code, name, currency in ledger.database.execute("SELECT customer_code, name, currency FROM {p}customers")
    ]
    scale = {c.code: -minor_unit_exponent(c.currency) for c in customers}
    invoices = [
        OpenInvoice(code, number, date.fromordinal(due), Decimal(outstanding).scaleb(scale[code]))
        for number, code, due, outstanding in ledger.database.execute(
            "SELECT invoice_number, customer_code, MIN(due_day), SUM(outstanding_minor) FROM {p}installments "
            "WHERE outstanding_minor > 0 GROUP BY invoice_number, customer_code"
        )
    ]
    return customers, invoices


def _validate(ledger: Ledger, lines: list[ImportBankLine]) -> None:
    """Refuse the whole file before anything is recorded: a bad line, a bank reference twice with different
    content, or one already imported with different content."""
    seen: dict[tuple[str, str], str] = {}
    for line in lines:
        where = f"bank line {line.bank_reference}"
        try:
            fingerprint = line_fingerprint(line)
        except LedgerError as error:
            raise BankFileError(f"{where}: {error.message}") from None
        key = (line.account, line.bank_reference)
        if seen.setdefault(key, fingerprint) != fingerprint:
            raise BankFileError(f"{where} appears twice with different content")
        recorded = ledger.app.reader.get(bank_line_id(*key))
        if recorded is not None and recorded.fingerprint != fingerprint:
            raise BankFileError(f"{where} of {line.account} was imported before with other content")


def _unmatched(ledger: Ledger) -> list[tuple[str, str, Credit]]:
    """Lines nobody has proposed for, decided or set aside: fresh ones, and older ones left without a proposal."""
    return [
        (
            account,
            reference,
            Credit(Decimal(amount).scaleb(-minor_unit_exponent(currency)), currency, ref, remittance, counterparty),
        )
        for account, reference, amount, currency, ref, remittance, counterparty in ledger.database.execute(
            "SELECT account, bank_reference, amount_minor, currency, reference, remittance, counterparty FROM "
            "{p}bank_lines WHERE status = 'UNMATCHED' ORDER BY value_day, position"
        )
    ]


def reconcile_file(
    ledger: Ledger, lines: list[ImportBankLine], debits: int, actor: str, threshold: Decimal = DEFAULT_THRESHOLD
) -> ImportReport:
    """Record the file's lines (refused whole when any is wrong), then match every line still unmatched."""
    _validate(ledger, lines)
    report = ImportReport(lines=len(lines) + debits, debits_skipped=debits)
    context = CommandContext(actor=actor)
    for line, result in zip(lines, ledger.app.execute_many([(line, context) for line in lines])):
        if isinstance(result, LedgerError):  # only a concurrent import of other content gets here
            report.exceptions.append(f"{line.account}:{line.bank_reference}: {result.message}")
        elif result.status == APPLIED:
            report.imported += 1
        else:
            report.already_imported += 1
    ledger.runner.catch_up()
    customers, invoices = _open_invoices(ledger)
    for account, reference, credit in _unmatched(ledger):
        label = f"{account}:{reference}"
        proposals = propose(credit, customers, invoices)
        best = proposals[0] if proposals else None
        try:
            if best is not None and best.confidence >= threshold and len(proposals) == 1:
                ledger.app.execute(
                    ApplyBankLine(
                        account,
                        reference,
                        best.customer_code,
                        tuple(Allocation(number, amount) for number, amount in best.allocations),
                        best.rule,
                        best.confidence,
                    ),
                    context,
                )
                paid = dict(best.allocations)
                invoices = [
                    i
                    if i.number not in paid
                    else OpenInvoice(i.customer_code, i.number, i.due_on, i.outstanding - paid[i.number])
                    for i in invoices
                ]
                report.applied.append(
                    {
                        "line": label,
                        "customerCode": best.customer_code,
                        "rule": best.rule,
                        "amount": f"{credit.amount:f}",
                        "invoices": list(paid),
                    }
                )
                continue
            if proposals:
                ledger.app.execute(
                    ProposeBankMatches(
                        account,
                        reference,
                        tuple((p.customer_code, p.allocations, p.rule, p.confidence) for p in proposals),
                    ),
                    context,
                )
        except LedgerError as refusal:  # decided by a person meanwhile, or the invoices changed: left for a person
            report.exceptions.append(f"{label}: {refusal.message}")
            continue
        report.exceptions.append(label)
    ledger.runner.catch_up()
    return report


def bank_lines(
    ledger: Ledger, open_only: bool = True, first: int = 200, label: Optional[str] = None
) -> list[dict[str, Any]]:
    """The exception queue (open lines, oldest first), or every line (or the one named ACCOUNT:BANK_REFERENCE)."""
    where, params = [], []
    if open_only:
        where.append("status IN ('UNMATCHED', 'PROPOSED')")
    if label is not None:
        where.append("label = ?")
        params.append(label)
    rows = ledger.database.execute(
        "SELECT label, account, bank_reference, booked_day, value_day, amount_minor, currency, counterparty, "
        "remittance, reference, status, customer_code, payment_reference, rule, confidence, proposals, reason, "
        f"decided_by FROM {{p}}bank_lines {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY value_day, "
        "position LIMIT ?",
        (*params, first),
    )
    return [
        {
            "line": r[0],
            "account": r[1],
            "bankReference": r[2],
            "bookedOn": date.fromordinal(r[3]).isoformat(),
            "valueOn": date.fromordinal(r[4]).isoformat(),
            "amount": format_minor(r[5], r[6]),
            "currency": r[6],
            "counterparty": r[7],
            "remittance": r[8],
            "reference": r[9],
            "status": r[10],
            "customerCode": r[11],
            "paymentReference": r[12],
            "rule": r[13],
            "confidence": r[14],
            "proposals": orjson.loads(r[15]) if r[15] else [],
            "reason": r[16],
            "decidedBy": r[17],
        }
        for r in rows
    ]
