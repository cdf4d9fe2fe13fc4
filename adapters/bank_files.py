"""Bank files: the documented CSV layout, or CAMT.053 XML through `pycamt`, read into import commands.

CSV layout (UTF-8, header row, one credit per line; debits — negative amounts — are skipped):
`bankReference,bookedOn,valueOn,amount,currency,counterparty,reference,remittance` — `bankReference` is the bank's
own unique id for the line, `valueOn` may be empty (then `bookedOn`), amounts are decimal strings.

Text fields follow the rules of every operation's text (`ledger.text`): references and the account are
identifiers, the counterparty one line, the remittance information free text that may span lines; a NUL or other
control character is refused, naming the line and column, like any other malformed value.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date
from decimal import Decimal
from typing import Optional

from pycamt.parser import Camt053Parser

from ledger.bank.commands import ImportBankLine
from ledger.errors import ValidationError
from ledger.inputs import parse_date
from ledger.limits import EARLIEST_DATE_YEAR, LATEST_DATE_YEAR, MAX_AMOUNT_DIGITS
from ledger.money import Money, check_currency, parse_decimal
from ledger.text import FREE, IDENTIFIER, LINE, check_text

CSV_COLUMNS = ("bankReference", "bookedOn", "valueOn", "amount", "currency", "counterparty", "reference", "remittance")


class BankFileError(ValueError):
    """The file cannot be read as a bank statement: the message names the line and column."""


def _amount(text: object, where: str) -> Decimal:
    try:
        return parse_decimal(str(text or "").strip(), ())
    except ValidationError:
        raise BankFileError(
            f"{where}: {text!r} is not an amount (a decimal such as 120.50, at most "
            f"{MAX_AMOUNT_DIGITS} digits before the point)"
        ) from None


def _date(text: str, where: str) -> date:
    try:
        return parse_date(text.strip(), ())
    except ValidationError:
        raise BankFileError(
            f"{where}: {text.strip()!r} is not a date (YYYY-MM-DD, in the years "
            f"{EARLIEST_DATE_YEAR}-{LATEST_DATE_YEAR})"
        ) from None


def _text(value: object, where: str, kind: str) -> Optional[str]:
    """A text field stripped of surrounding spaces (None when empty), checked against the text rules."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return check_text(text, (), "value", kind)
    except ValidationError as error:
        raise BankFileError(f"{where}: {error.message}") from None


def _check_money(amount: Decimal, currency: str, where: str) -> None:
    """A known currency, and no more decimals than it has (the rules of every operation's amounts)."""
    try:
        Money.of(amount, check_currency(currency, ()), ())
    except ValidationError as error:
        raise BankFileError(f"{where}: {error.message}") from None


def read_csv(content: str, account: str) -> tuple[list[ImportBankLine], int]:
    """The credit lines of a CSV file, and how many debits were skipped."""
    account = _text(account, "--account", IDENTIFIER) or "BANK"
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [
        column
        for column in ("bankReference", "bookedOn", "amount", "currency")
        if column not in (reader.fieldnames or [])
    ]
    if missing:
        raise BankFileError(f"line 1: the header lacks {', '.join(missing)} (columns: {', '.join(CSV_COLUMNS)})")
    lines, debits = [], 0
    for row in reader:
        where = f"line {reader.line_num}"
        amount = _amount(row.get("amount"), f"{where}, amount")
        if amount <= 0:
            debits += 1
            continue
        reference = _text(row.get("bankReference"), f"{where}, bankReference", IDENTIFIER)
        currency = (row.get("currency") or "").strip().upper()
        if not reference:
            raise BankFileError(f"{where}, bankReference: empty — the bank's id for the line is required")
        _check_money(amount, currency, f"{where}, amount")
        booked = _date(row.get("bookedOn") or "", f"{where}, bookedOn")
        value = _date(row["valueOn"], f"{where}, valueOn") if (row.get("valueOn") or "").strip() else booked
        lines.append(
            ImportBankLine(
                account,
                reference,
                booked,
                value,
                amount,
                currency,
                _text(row.get("counterparty"), f"{where}, counterparty", LINE),
                _text(row.get("remittance"), f"{where}, remittance", FREE),
                _text(row.get("reference"), f"{where}, reference", IDENTIFIER),
            )
        )
    return lines, debits


def read_camt053(content: bytes, account: Optional[str]) -> tuple[list[ImportBankLine], int]:
    """The credit lines of a CAMT.053 statement (ISO 20022), parsed by pycamt; reversals count as debits."""
    try:
        transactions = Camt053Parser(content).get_transactions()
    except Exception as error:  # lxml's syntax errors and pycamt's own: the file is not a statement
        raise BankFileError(f"not a CAMT.053 statement: {error}") from None
    lines: list[ImportBankLine] = []
    debits = 0
    seen: dict[str, int] = {}  # transactions so far per entry reference
    for index, tx in enumerate(transactions, start=1):
        where = f"entry {index}"
        if (
            tx.get("CreditDebitIndicator") != "CRDT"
            or (tx.get("ReversalIndicator") or "").lower() == "true"
            or _status(tx) not in ("BOOK", "")
        ):
            debits += 1  # debits, reversals and entries not yet booked are not payments received
            continue
        currency = (tx.get("Currency") or "").upper()
        amount = _amount(tx.get("Amount"), f"{where}, Amt")
        _check_money(amount, currency, f"{where}, Amt")
        base = (
            _text(tx.get("TransactionID"), f"{where}, TxId", IDENTIFIER)
            or hashlib.sha256(repr(sorted(tx.items())).encode("utf-8", "backslashreplace")).hexdigest()[:20]
        )
        seen[base] = seen.get(base, 0) + 1  # a batched entry lends its reference to each of its transactions
        reference = base if seen[base] == 1 else f"{base}/{seen[base]}"
        booked = _date(tx.get("BookingDate") or tx.get("ValueDate") or "", f"{where}, BookgDt")
        value = _date(tx["ValueDate"], f"{where}, ValDt") if tx.get("ValueDate") else booked
        end_to_end = _text(tx.get("EndToEndId"), f"{where}, EndToEndId", IDENTIFIER)
        lines.append(
            ImportBankLine(
                _text(account or tx.get("AccountIBAN"), f"{where}, IBAN", IDENTIFIER) or "BANK",
                reference,
                booked,
                value,
                amount,
                currency,
                _text(tx.get("DebtorName"), f"{where}, Dbtr", LINE),
                _text(
                    tx.get("RemittanceInformationFull") or tx.get("AdditionalEntryInformation"),
                    f"{where}, RmtInf",
                    FREE,
                ),
                None if end_to_end == "NOTPROVIDED" else end_to_end,
            )
        )
    return lines, debits


def _status(tx: dict) -> str:
    status = tx.get("Status")
    return (status.get("Code", "") if isinstance(status, dict) else str(status or "")).upper()
