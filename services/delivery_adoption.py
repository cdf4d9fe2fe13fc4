"""Handing the outbox the deliveries an earlier version recorded on customers' accounts (`arledger migrate`): each
open one (PENDING, SENDING, RETRY) is adopted into a Delivery aggregate that continues it with its state, attempts,
retry time and lease, so it is sent once, under its original message id. Delivered and given-up ones stay where
they are: the read models show them from the account's events. Running it again adopts nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from ledger.collections.adoption import AdoptAccountDelivery
from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.handlers import APPLIED
from projections.outbox import unadopted_deliveries
from services.books import Ledger

BATCH = 200  # adoptions per transaction


@dataclass
class AdoptionReport:
    adopted: int = 0
    already_adopted: int = 0
    failed: list[str] = field(default_factory=list)  # "delivery id: CODE message"


def adopt_account_deliveries(ledger: Ledger, actor: str = "cli:migrate") -> AdoptionReport:
    """Adopt every open delivery still recorded on a customer's account; what was done."""
    ledger.runner.catch_up()
    commands = [AdoptAccountDelivery(code, delivery_id) for code, delivery_id in unadopted_deliveries(ledger.database)]
    report = AdoptionReport()
    for start in range(0, len(commands), BATCH):
        batch = commands[start : start + BATCH]
        context = CommandContext(actor=actor)
        for command, result in zip(batch, ledger.app.perform_many([(command, context) for command in batch])):
            if isinstance(result, LedgerError):
                report.failed.append(f"{command.delivery_id}: {result.code} {result.message}")
            elif result.status == APPLIED:
                report.adopted += 1
            else:
                report.already_adopted += 1
    ledger.runner.catch_up()
    return report
