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
from decimal import Decimal
from typing import Any, Optional

from adapters.bank_files import BankFileError
from ledger.bank.commands import ApplyBankLine, ImportBankLine, ProposeBankMatches
from ledger.bank.decisions import line_fingerprint
from ledger.bank.line import bank_line_id
from ledger.bank.matching import OpenInvoice, propose
from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.handlers import APPLIED
from ledger.money import format_minor
from ledger.payments.commands import Allocation
from projections.bank_lines import bank_lines as projected_bank_lines
from projections.bank_lines import matching_customers, unmatched_lines
from projections.invoices import open_invoices
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


def reconcile_file(
    ledger: Ledger, lines: list[ImportBankLine], debits: int, actor: str, threshold: Decimal = DEFAULT_THRESHOLD
) -> ImportReport:
    """Record the file's lines (refused whole when any is wrong), then match every line still unmatched."""
    _validate(ledger, lines)
    report = ImportReport(lines=len(lines) + debits, debits_skipped=debits)
    context = CommandContext(actor=actor)
    for line, result in zip(lines, ledger.app.perform_many([(line, context) for line in lines])):
        if isinstance(result, LedgerError):  # only a concurrent import of other content gets here
            report.exceptions.append(f"{line.account}:{line.bank_reference}: {result.message}")
        elif result.status == APPLIED:
            report.imported += 1
        else:
            report.already_imported += 1
    ledger.runner.catch_up()
    customers, invoices = matching_customers(ledger.database), open_invoices(ledger.database)
    for unmatched in unmatched_lines(ledger.database):
        account, reference, credit = unmatched.account, unmatched.bank_reference, unmatched.credit
        label = f"{account}:{reference}"
        proposals = propose(credit, customers, invoices)
        best = proposals[0] if proposals else None
        try:
            if best is not None and best.confidence >= threshold and len(proposals) == 1:
                ledger.app.perform(
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
                ledger.app.perform(
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
    return [
        {
            "line": line.label,
            "account": line.account,
            "bankReference": line.bank_reference,
            "bookedOn": line.booked_on.isoformat(),
            "valueOn": line.value_on.isoformat(),
            "amount": format_minor(line.amount_minor, line.currency),
            "currency": line.currency,
            "counterparty": line.counterparty,
            "remittance": line.remittance,
            "reference": line.reference,
            "status": line.status,
            "customerCode": line.customer_code,
            "paymentReference": line.payment_reference,
            "rule": line.rule,
            "confidence": line.confidence,
            "proposals": list(line.proposals),
            "reason": line.reason,
            "decidedBy": line.decided_by,
        }
        for line in projected_bank_lines(ledger.database, open_only, first, label)
    ]
