"""Given/when/then helpers: input builders in the contract's camelCase shape, and a ledger scenario."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ledger.account import CustomerAccount
from ledger.application import LedgerApplication
from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.handlers import Outcome
from ledger.operations import parse_command


def a_customer(code: str = "C1", **overrides: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Customer {code}", "currency": "CNY", **overrides}


def a_line(
    unit_price: str = "100.00", quantity: str = "1", tax_rate: str | None = None, description: str = "Widget"
) -> dict[str, Any]:
    line = {"description": description, "quantity": quantity, "unitPrice": unit_price}
    if tax_rate is not None:
        line["taxRate"] = tax_rate
    return line


def an_invoice(
    number: str = "INV-1",
    customer: str = "C1",
    amount: str = "100.00",
    issued: str = "2026-01-01",
    due: str | None = "2026-01-31",
    **overrides: Any,
) -> dict[str, Any]:
    invoice: dict[str, Any] = {
        "number": number,
        "customerCode": customer,
        "issueDate": issued,
        "lines": [a_line(amount)],
    }
    if due is not None:
        invoice["dueDate"] = due
    invoice.update(overrides)
    return invoice


def a_payment(
    reference: str = "PAY-1",
    customer: str = "C1",
    amount: str = "100.00",
    received: str = "2026-01-15",
    allocations: list[tuple[str, str]] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    payment: dict[str, Any] = {
        "reference": reference,
        "customerCode": customer,
        "amount": amount,
        "receivedOn": received,
        "method": "BANK_TRANSFER",
    }
    if allocations is not None:
        payment["allocations"] = [{"invoiceNumber": number, "amount": value} for number, value in allocations]
    payment.update(overrides)
    return payment


class Scenario:
    """A ledger on a store (in-memory by default), driven by contract operations."""

    def __init__(
        self, app: LedgerApplication | None = None, actor: str = "tester", recorded_from: datetime | None = None
    ) -> None:
        self.app = app or LedgerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self.actor = actor
        self.recorded_from = recorded_from  # when set, operation n is recorded at recorded_from + n minutes
        self.operations = 0

    def recorded_at(self, n: int) -> datetime:
        """The recorded instant of the n-th operation (1-based) when the scenario runs on its own clock."""
        assert self.recorded_from is not None
        return self.recorded_from + timedelta(minutes=n)

    def given(self, op: str, data: dict[str, Any], **context: Any) -> Outcome:
        """An operation that must be accepted."""
        result = self.when(op, data, **context)
        assert not isinstance(result, LedgerError), f"given {op} was refused: {result!r}"
        return result

    def when(self, op: str, data: dict[str, Any], **context: Any) -> Outcome | LedgerError:
        """An operation under test: its outcome, or the refusal it raised."""
        self.operations += 1
        if self.recorded_from is not None:
            context.setdefault("recorded_at", self.recorded_at(self.operations))
        try:
            command = parse_command(op, data)
            return self.app.perform(command, CommandContext(actor=self.actor, **context))
        except LedgerError as refusal:
            return refusal

    def refused(self, op: str, data: dict[str, Any], code: str, **context: Any) -> LedgerError:
        """An operation that must be refused with `code` and must write nothing."""
        before = self.event_count()
        result = self.when(op, data, **context)
        assert isinstance(result, LedgerError), f"{op} was accepted, expected {code}"
        assert result.code == code, f"{op} refused with {result.code} ({result.message}), expected {code}"
        assert self.event_count() == before, f"refused {op} wrote events"
        return result

    def account(self, code: str = "C1") -> CustomerAccount:
        account = self.app.account(code)
        assert account is not None
        return account

    def invoice(self, number: str = "INV-1", customer: str = "C1"):
        return self.account(customer).invoices[number]

    def payment(self, reference: str = "PAY-1", customer: str = "C1"):
        return self.account(customer).payments[reference]

    def event_count(self) -> int:
        return self.app.recorder.max_notification_id() or 0
