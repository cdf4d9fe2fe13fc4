"""The ledger application: loads accounts, decides, and saves, with optimistic-concurrency retries.

It is configured only by the `env` mapping the composition root passes in (never by reading os.environ here).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, OperationalError, Transcoder
from eventsourcing.utils import Environment, EnvType

from ledger.commands import Command
from ledger.context import CommandContext
from ledger.customer import CustomerAccount, account_id
from ledger.document_key import DocumentKey, document_key_id
from ledger.errors import Conflict, LedgerError
from ledger.handlers import Outcome, handle
from ledger.limits import COMMAND_RETRY_ATTEMPTS
from ledger.transcoder import OrjsonTranscoder
from ledger.unit_of_work import UnitOfWork

_RETRYABLE = (IntegrityError, OperationalError)


class LedgerApplication(Application):
    """Every write goes through `execute` (one operation) or `execute_many` (a batch in one transaction)."""

    name = "arledger"

    def __init__(self, env: EnvType | None = None) -> None:
        super().__init__(env)
        self.after_save_hooks: list[Any] = []

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        # Unlike the library default, do not merge os.environ: configuration comes from the composition root.
        return Environment(name, dict(env or {}))

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder()

    def execute(self, command: Command, context: CommandContext) -> Outcome:
        """Apply one operation. Raises its LedgerError on refusal (nothing written), Conflict after retries."""
        result = self.execute_many([(command, context)])[0]
        if isinstance(result, LedgerError):
            raise result
        return result

    def execute_many(self, operations: Sequence[tuple[Command, CommandContext]]) -> list[Outcome | LedgerError]:
        """Apply operations in order in one transaction; each is all-or-nothing and a refusal does not stop the rest.

        A concurrent writer touching the same accounts makes the save fail; the whole batch is then decided again
        from fresh state, so a refusal (such as CREDIT_LIMIT_EXCEEDED) always reflects committed facts.
        """
        for attempt in range(COMMAND_RETRY_ATTEMPTS):
            uow = UnitOfWork(self.repository)
            results = [self._decide(uow, command, context) for command, context in operations]
            changed = uow.changed()
            if not changed:
                return results
            try:
                recordings = self.save(*changed)
            except _RETRYABLE as error:
                if isinstance(error, OperationalError) and "locked" not in str(error).lower():
                    raise
                time.sleep(random.uniform(0, 0.002 * (2 ** min(attempt, 7))))
                continue
            for hook in self.after_save_hooks:
                hook(recordings)
            return results
        conflict = Conflict("the customer's account kept changing under concurrent writers; nothing was written, "
                            "retry the operation")
        return [conflict for _ in operations]

    @staticmethod
    def _decide(uow: UnitOfWork, command: Command, context: CommandContext) -> Outcome | LedgerError:
        before = uow.pending_event_count()
        try:
            return handle(uow, command, context)
        except LedgerError as refusal:
            assert uow.pending_event_count() == before, f"{command.op} recorded events before refusing: {refusal}"
            return refusal

    def account(self, code: str) -> CustomerAccount | None:
        """The current state of a customer's account, or None."""
        try:
            return self.repository.get(account_id(code))
        except AggregateNotFoundError:
            return None

    def document_owner(self, kind: str, number: str) -> str | None:
        """The customer code owning an invoice, payment or credit-note number, or None."""
        try:
            key: DocumentKey = self.repository.get(document_key_id(kind, number))
        except AggregateNotFoundError:
            return None
        return key.customer_code
