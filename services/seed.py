"""`arledger seed`: a deterministic, realistic receivables history written through the ordinary operations.

Each customer gets a payment profile (early, on time, late, partial, never) and 18+ months of invoices (some
with installments), payments with bank-statement lag, credit notes, voids, disputes, promises to pay, dunning
actions, bounced cheques, write-offs, credit holds, and credit-limit reviews when volume grows. Everything is
decided by a random generator seeded per customer, so the same seed gives the same history.

Recorded instants are set to the business date (plus the bank lag for payments), as if each fact had been
recorded on its day; this gives the two clocks something to show. `import` never does this.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime

from ledger.application import LedgerApplication
from ledger.context import CommandContext
from ledger.limits import IMPORT_BATCH_LINES
from ledger.operations import parse_command
from services.importer import ImportReport
from services.seed_story import Action, customer_story

SEED_ACTOR = "seed"


def seed_actions(customers: int, random_seed: int, end_date: date) -> list[tuple[str, Action]]:
    """All customers' actions merged in recorded order."""
    width = max(4, len(str(customers)))
    merged: list[tuple[str, Action]] = []
    for index in range(1, customers + 1):
        code = f"C{index:0{width}d}"
        for action in customer_story(code, random.Random(f"{random_seed}:{code}"), end_date):
            merged.append((code, action))
    merged.sort(key=lambda item: (item[1].at, item[0], item[1].order))
    return merged


def seed_history(
    app: LedgerApplication,
    customers: int,
    random_seed: int,
    end_date: date,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Write the history through perform_many in batches; returns the same report as an import."""
    report = ImportReport()
    now = datetime.now(UTC)
    actions = seed_actions(customers, random_seed, end_date)
    for start in range(0, len(actions), IMPORT_BATCH_LINES):
        chunk = actions[start : start + IMPORT_BATCH_LINES]
        operations = []
        for code, action in chunk:
            recorded_at = min(action.at, now)
            context = CommandContext(
                actor=SEED_ACTOR, operation_key=f"seed:{random_seed}:{code}:{action.order}", recorded_at=recorded_at
            )
            operations.append((parse_command(action.op, action.input), context))
        results = app.perform_many(operations)
        for offset, (result, (command, _context)) in enumerate(zip(results, operations)):
            report.count(start + offset + 1, command.op, result)
        report.lines += len(chunk)
        if progress:
            progress(len(chunk), len(actions))
    return report
