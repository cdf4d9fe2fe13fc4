"""Bank reconciliation: read a bank file (the documented CSV layout, or CAMT.053 XML through `pycamt`), record each
credit line once, run the matcher (`ledger.bank_matching`) and apply as payments only the proposals at or above
the threshold; the rest wait, with their proposals, in the exception queue a person works through.

CSV layout (UTF-8, header row, one credit per line; debits — negative amounts — are skipped):
`bankReference,bookedOn,valueOn,amount,currency,counterparty,reference,remittance` — `bankReference` is the bank's
own unique id for the line, `valueOn` may be empty (then `bookedOn`), amounts are decimal strings.

A file with a malformed line is refused whole, naming the line and column: nothing is recorded.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

import orjson

from pycamt.parser import Camt053Parser

from arledger.wiring import Ledger
from ledger.bank_matching import Credit, Customer, OpenInvoice, propose
from ledger.commands import Allocation, ApplyBankLine, ImportBankLine, ProposeBankMatches
from ledger.context import CommandContext
from ledger.currencies import is_known_currency, minor_unit_exponent
from ledger.errors import LedgerError
from ledger.handlers import APPLIED

CSV_COLUMNS = ("bankReference", "bookedOn", "valueOn", "amount", "currency", "counterparty", "reference", "remittance")
DEFAULT_THRESHOLD = Decimal("0.95")


class BankFileError(ValueError):
    """The file cannot be read as a bank statement: the message names the line and column."""


@dataclass
class ImportReport:
    lines: int = 0
    imported: int = 0
    already_imported: int = 0
    debits_skipped: int = 0
    applied: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)  # lines left for a person (labels)


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BankFileError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None


def read_csv(content: str, account: str) -> tuple[list[ImportBankLine], int]:
    """The credit lines of a CSV file, and how many debits were skipped."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [column for column in ("bankReference", "bookedOn", "amount", "currency") if
               column not in (reader.fieldnames or [])]
    if missing:
        raise BankFileError(f"line 1: the header lacks {', '.join(missing)} (columns: {', '.join(CSV_COLUMNS)})")
    lines, debits = [], 0
    for number, row in enumerate(reader, start=2):
        where = f"line {number}"
        try:
            amount = Decimal((row.get("amount") or "").strip())
        except InvalidOperation:
            raise BankFileError(f"{where}, amount: {row.get('amount')!r} is not a decimal number") from None
        if amount <= 0:
            debits += 1
            continue
        reference = (row.get("bankReference") or "").strip()
        currency = (row.get("currency") or "").strip().upper()
        if not reference:
            raise BankFileError(f"{where}, bankReference: empty — the bank's id for the line is required")
        if not is_known_currency(currency):
            raise BankFileError(f"{where}, currency: unknown currency {currency!r}")
        if amount != amount.quantize(Decimal(1).scaleb(-minor_unit_exponent(currency))):
            raise BankFileError(f"{where}, amount: {amount} has more decimals than {currency} allows")
        booked = _date(row.get("bookedOn") or "", f"{where}, bookedOn")
        value = _date(row["valueOn"], f"{where}, valueOn") if (row.get("valueOn") or "").strip() else booked
        lines.append(ImportBankLine(account, reference, booked, value, amount, currency,
                                    (row.get("counterparty") or "").strip() or None,
                                    (row.get("remittance") or "").strip() or None,
                                    (row.get("reference") or "").strip() or None))
    return lines, debits


def read_camt053(content: bytes, account: Optional[str]) -> tuple[list[ImportBankLine], int]:
    """The credit lines of a CAMT.053 statement (ISO 20022), parsed by pycamt; reversals count as debits."""
    try:
        transactions = Camt053Parser(content).get_transactions()
    except Exception as error:  # lxml's syntax errors and pycamt's own: the file is not a statement
        raise BankFileError(f"not a CAMT.053 statement: {error}") from None
    lines, debits = [], 0
    for index, tx in enumerate(transactions, start=1):
        where = f"entry {index}"
        if tx.get("CreditDebitIndicator") != "CRDT" or (tx.get("ReversalIndicator") or "").lower() == "true":
            debits += 1
            continue
        currency = (tx.get("Currency") or "").upper()
        try:
            amount = Decimal(tx.get("Amount") or "")
        except InvalidOperation:
            raise BankFileError(f"{where}: amount {tx.get('Amount')!r} is not a number") from None
        if not is_known_currency(currency):
            raise BankFileError(f"{where}: unknown currency {currency!r}")
        reference = tx.get("TransactionID") or tx.get("EndToEndId") or hashlib.sha256(
            repr(sorted(tx.items())).encode()).hexdigest()[:20]
        booked = _date(tx.get("BookingDate") or tx.get("ValueDate") or "", f"{where}, BookgDt")
        value = _date(tx["ValueDate"], f"{where}, ValDt") if tx.get("ValueDate") else booked
        lines.append(ImportBankLine(account or tx.get("AccountIBAN") or "BANK", reference, booked, value, amount,
                                    currency, tx.get("DebtorName"), tx.get("RemittanceInformationFull") or
                                    tx.get("AdditionalEntryInformation"), tx.get("EndToEndId")))
    return lines, debits


def _open_invoices(ledger: Ledger) -> tuple[list[Customer], list[OpenInvoice]]:
    customers = [Customer(code, name, currency) for code, name, currency in ledger.database.execute(
        "SELECT customer_code, name, currency FROM {p}customers")]
    scale = {c.code: -minor_unit_exponent(c.currency) for c in customers}
    invoices = [OpenInvoice(code, number, date.fromordinal(due), Decimal(outstanding).scaleb(scale[code]))
                for number, code, due, outstanding in ledger.database.execute(
                    "SELECT invoice_number, customer_code, MIN(due_day), SUM(outstanding_minor) FROM {p}installments "
                    "WHERE outstanding_minor > 0 GROUP BY invoice_number, customer_code")]
    return customers, invoices


def reconcile_file(ledger: Ledger, lines: list[ImportBankLine], debits: int, actor: str,
                   threshold: Decimal = DEFAULT_THRESHOLD) -> ImportReport:
    report = ImportReport(lines=len(lines) + debits, debits_skipped=debits)
    context = CommandContext(actor=actor)
    fresh = []
    for line, result in zip(lines, ledger.app.execute_many([(line, context) for line in lines])):
        if isinstance(result, LedgerError):
            raise BankFileError(f"bank line {line.bank_reference}: {result.message}")
        if result.status == APPLIED:
            report.imported += 1
            fresh.append(line)
        else:
            report.already_imported += 1
    ledger.runner.catch_up()
    customers, invoices = _open_invoices(ledger)
    for line in fresh:
        proposals = propose(Credit(line.amount, line.currency, line.reference, line.remittance, line.counterparty),
                            customers, invoices)
        label = f"{line.account}:{line.bank_reference}"
        best = proposals[0] if proposals else None
        if best is not None and best.confidence >= threshold and len(proposals) == 1:
            command = ApplyBankLine(line.account, line.bank_reference, best.customer_code,
                                    tuple(Allocation(number, amount) for number, amount in best.allocations),
                                    best.rule, best.confidence)
            try:
                ledger.app.execute(command, context)
            except LedgerError as refusal:
                report.exceptions.append(f"{label}: {refusal.message}")
                continue
            paid = dict(best.allocations)
            invoices = [i if i.number not in paid else OpenInvoice(i.customer_code, i.number, i.due_on,
                                                                     i.outstanding - paid[i.number]) for i in invoices]
            report.applied.append({"line": label, "customerCode": best.customer_code, "rule": best.rule,
                                   "amount": f"{line.amount:f}", "invoices": list(paid)})
            continue
        if proposals:
            ledger.app.execute(ProposeBankMatches(line.account, line.bank_reference, tuple(
                (p.customer_code, p.allocations, p.rule, p.confidence) for p in proposals)), context)
        report.exceptions.append(label)
    ledger.runner.catch_up()
    return report


def bank_lines(ledger: Ledger, open_only: bool = True, first: int = 200,
               label: Optional[str] = None) -> list[dict[str, Any]]:
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
        "position LIMIT ?", (*params, first))
    return [{"line": r[0], "account": r[1], "bankReference": r[2], "bookedOn": date.fromordinal(r[3]).isoformat(),
             "valueOn": date.fromordinal(r[4]).isoformat(),
             "amount": f"{Decimal(r[5]).scaleb(-minor_unit_exponent(r[6])):f}", "currency": r[6],
             "counterparty": r[7], "remittance": r[8], "reference": r[9], "status": r[10], "customerCode": r[11],
             "paymentReference": r[12], "rule": r[13], "confidence": r[14],
             "proposals": orjson.loads(r[15]) if r[15] else [], "reason": r[16], "decidedBy": r[17]} for r in rows]
