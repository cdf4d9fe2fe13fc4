"""E-statements: each customer's statement of account for a period with its aging, as PDF and CSV (zh-CN or en),
issued as an event and e-mailed through the outbox — the same outbox as dunning, so nothing is lost or sent
under two ids — and answered by the customer (confirmed or disputed), which closes the reconciliation (对账) loop.

The documents are rendered from the read models as known at the instant the statement was issued, so the
attachment sent on a retry is the one first prepared, whatever was recorded since.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Optional

from adapters.letters import statement_pdf
from adapters.message_templates import Contact
from ledger.collections.notice_commands import DeliveryRequest
from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.handlers import APPLIED
from ledger.instants import EPOCH
from ledger.money import format_minor
from ledger.statements.commands import IssueStatement
from ledger.vocabulary import language
from projections.aging import AgingQuery, aging_report, bucket_labels
from projections.customers import customer_codes
from projections.dunning import contacts
from projections.sent_statements import issued_statement, sent_statements
from projections.statement import statement
from services.books import Ledger
from services.checks import require_customer, require_period

BATCH = 200


def statement_id(customer_code: str, as_of: date) -> str:
    return f"ST:{customer_code}:{as_of.isoformat()}"


def documents(
    ledger: Ledger,
    code: str,
    period_from: date,
    period_to: date,
    known_at: Optional[datetime],
    locale: str,
    name: str,
    identifier: str,
) -> tuple[bytes, bytes]:
    """(PDF, CSV) of a customer's statement with its aging at the period's last day, as known at `known_at`."""
    found = statement(ledger.database, code, period_from, period_to, known_at)
    aging = aging_report(ledger.database, AgingQuery(as_of=period_to, known_at=known_at, customer_code=code))
    pdf = statement_pdf(ledger.dunning.company, locale, name, found, aging, identifier)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(
        [
            "statement",
            identifier,
            "customer",
            code,
            "currency",
            found["currency"],
            "from",
            found["from"],
            "to",
            found["to"],
        ]
    )
    writer.writerow(["date", "kind", "number", "debit", "credit", "balance"])
    writer.writerow(["", "OPENING", "", "", "", found["openingBalance"]])
    for line in found["lines"]:
        writer.writerow([line["date"], line["kind"], line["number"], line["debit"], line["credit"], line["balance"]])
    writer.writerow(["", "CLOSING", "", "", "", found["closingBalance"]])
    if aging["rows"]:
        row = aging["rows"][0]
        writer.writerow(["aging", "current", *bucket_labels(aging["basis"], aging["boundaries"])])
        writer.writerow(["", row["current"], *row["buckets"]])
    return pdf, text.getvalue().encode("utf-8-sig")  # with a BOM, so spreadsheet programs read Chinese right


def attachments_for(ledger: Ledger, source_id: str) -> list[tuple[str, str, bytes]]:
    """The statement's PDF and CSV for an outbox e-mail whose source is a statement (none for other sources)."""
    issued = issued_statement(ledger.database, source_id)
    if issued is None:
        return []
    known_at = EPOCH + timedelta(microseconds=issued.recorded_us)  # as known when the statement was issued
    pdf, text = documents(
        ledger,
        issued.customer_code,
        issued.period_from,
        issued.period_to,
        known_at,
        issued.locale or "en",
        issued.customer_name,
        source_id,
    )
    base = source_id.replace(":", "_")
    return [(f"{base}.pdf", "application/pdf", pdf), (f"{base}.csv", "text/csv", text)]


@dataclass
class SendReport:
    as_of: date
    issued: list[str] = field(default_factory=list)  # statement ids
    already_issued: int = 0
    without_email: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def send(
    ledger: Ledger, as_of: date, actor: str, customer_code: Optional[str] = None, period_from: Optional[date] = None
) -> SendReport:
    """Issue the statement for [period_from (default: the 1st of D's month), D] to every customer with a balance or
    a line in the period (or one), each with its e-mail; a second run for D issues nothing. Raises ValidationError
    for a period starting after D, NotFound for a customer that is not registered."""
    require_period(period_from, as_of)
    if customer_code:
        require_customer(ledger, customer_code)
    ledger.runner.catch_up()
    first = period_from or as_of.replace(day=1)
    codes = [customer_code] if customer_code else customer_codes(ledger.database)
    known = contacts(ledger.database, codes)
    report, commands = SendReport(as_of), []
    for code in codes:
        found = statement(ledger.database, code, first, as_of)
        if not found["lines"] and Decimal(found["closingBalance"]) == 0:
            continue
        name, email, _phone, locale, _policy, _excluded = known[code]
        identifier = statement_id(code, as_of)
        values = {
            "id": identifier,
            "from": found["from"],
            "to": found["to"],
            "currency": found["currency"],
            "opening": found["openingBalance"],
            "closing": found["closingBalance"],
        }
        cover = ledger.renderer.render_statement(values, Contact(code, name, email, None, locale))
        if not email:
            report.without_email.append(code)
        delivery = DeliveryRequest(f"{identifier}:EMAIL", "EMAIL", email, cover.subject, cover.body, language(locale))
        commands.append(
            IssueStatement(
                code,
                identifier,
                as_of,
                first,
                as_of,
                found["currency"],
                Decimal(found["openingBalance"]),
                Decimal(found["closingBalance"]),
                delivery,
            )
        )
    for start in range(0, len(commands), BATCH):
        batch = commands[start : start + BATCH]
        operations = [(command, CommandContext(actor=actor, operation_key=command.statement_id)) for command in batch]
        for command, result in zip(batch, ledger.app.perform_many(operations)):
            if isinstance(result, LedgerError):
                report.failed.append(f"{command.customer_code}: {result.code} {result.message}")
            elif result.status == APPLIED:
                report.issued.append(command.statement_id)
            else:
                report.already_issued += 1
    ledger.runner.catch_up()
    return report


def reconciliation(
    ledger: Ledger,
    as_of: Optional[date] = None,
    status: Optional[str] = None,
    statement_id: Optional[str] = None,
    customer_code: Optional[str] = None,
) -> list[dict[str, Any]]:
    """Statements (of one run date, or all, or one; of one customer or all) with the customer's answer: SENT (no
    answer yet), CONFIRMED, DISPUTED."""
    return [
        {
            "statementId": sent.statement_id,
            "customerCode": sent.customer_code,
            "customerName": sent.customer_name,
            "asOf": sent.as_of.isoformat(),
            "from": sent.period_from.isoformat(),
            "to": sent.period_to.isoformat(),
            "currency": sent.currency,
            "closingBalance": format_minor(sent.closing_minor, sent.currency),
            "status": sent.status,
            "note": sent.note,
            "theirBalance": None
            if sent.their_balance_minor is None
            else format_minor(sent.their_balance_minor, sent.currency),
            "respondedBy": sent.responded_by,
        }
        for sent in sent_statements(ledger.database, as_of, status, statement_id, customer_code)
    ]
