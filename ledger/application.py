"""The ledger application: loads accounts, decides, and saves, with optimistic-concurrency retries.

It is configured only by the `env` mapping the composition root passes in (never by reading os.environ here).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, OperationalError, Transcoder
from eventsourcing.utils import Environment, EnvType

import ledger.events  # noqa: F401  (registers every pinned topic: stored events load by topic)
from ledger.account import CustomerAccount, account_id
from ledger.commands import Command
from ledger.context import CommandContext
from ledger.document_key import DocumentKey, document_key_id
from ledger.errors import Conflict, LedgerError, UnindexedLog
from ledger.handlers import APPLIED, Outcome
from ledger.instants import micros
from ledger.limits import COMMAND_RETRY_ATTEMPTS
from ledger.operations import handle, references
from ledger.store.chain_index import UnindexedEvents
from ledger.store.loading import AggregateLoader
from ledger.store.recorders import BatchSQLiteRecorder, IndexedPostgresRecorder
from ledger.store.transcoder import OrjsonTranscoder
from ledger.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


def _is_retryable(error: BaseException) -> bool:
    """A lost optimistic-concurrency race, or SQLite busy: deciding again from fresh state may succeed."""
    if isinstance(error, IntegrityError):
        return True
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def _with_position(results: list[Outcome | LedgerError], recordings: Any) -> list[Outcome | LedgerError]:
    """Stamp applied outcomes with the batch's last log position: readers wait for it (read-your-writes)."""
    if not recordings:
        return results
    position = max(recording.notification.id for recording in recordings)
    return [
        replace(result, position=position) if isinstance(result, Outcome) and result.status == APPLIED else result
        for result in results
    ]


class LedgerApplication(Application):
    """Every write goes through `perform` (one operation) or `perform_many` (a batch in one transaction)."""

    name = "arledger"

    def __init__(self, env: EnvType | None = None) -> None:
        super().__init__(env)
        self.after_save_hooks: list[Any] = []
        self.loader = AggregateLoader(self.events, cache=True)  # for deciding
        self.reader = AggregateLoader(self.events, cache=False)  # for reading: callers get their own copy

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        # Unlike the library default, do not merge os.environ: configuration comes from the composition root.
        return Environment(name, dict(env or {}))

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder()

    def perform(self, command: Command, context: CommandContext) -> Outcome:
        """Apply one operation. Raises its LedgerError on refusal (nothing written), Conflict after retries."""
        result = self.perform_many([(command, context)])[0]
        if isinstance(result, LedgerError):
            raise result
        return result

    def perform_many(self, operations: Sequence[tuple[Command, CommandContext]]) -> list[Outcome | LedgerError]:
        """Apply operations in order in one transaction; each is all-or-nothing and a refusal does not stop the rest.

        A concurrent writer touching the same accounts makes the save fail; the whole batch is then decided again
        from fresh state, so a refusal (such as CREDIT_LIMIT_EXCEEDED) always reflects committed facts. A log
        holding events outside the hash chain refuses the whole batch with UnindexedLog (ledger/store/chain_index.py).
        """
        loader = self.loader
        for attempt in range(COMMAND_RETRY_ATTEMPTS):
            uow = UnitOfWork(loader)
            try:
                uow.prefetch(name for command, _context in operations for name in references(command))
                results = [self._decide(uow, command, context) for command, context in operations]
                if uow.collect():  # an invariant that must hold under python -O too: it guards what is saved
                    raise AssertionError("an operation changed an account other than the one it reported")
                recordings = self.events.put(uow.recorded) if uow.recorded else []
            except UnindexedEvents as refused:  # rolled back: chaining after such events would vouch for them
                log.error("write refused, the event log holds events outside the hash chain: %s", refused)
                return [UnindexedLog(str(refused)) for _ in operations]
            except BaseException as error:
                # The unit's aggregates are dropped, not checked back in: they may hold unsaved changes.
                if not _is_retryable(error):
                    raise
                time.sleep(random.uniform(0, 0.002 * (2 ** min(attempt, 7))))
                continue
            uow.committed()
            self._run_hooks(recordings)
            return _with_position(results, recordings)
        codes = ", ".join(sorted(code for code, account in uow.accounts.items() if account is not None)) or "?"
        conflict = Conflict(
            f"customer account(s) {codes} kept changing under concurrent writers; nothing was written, "
            "retry the operation"
        )
        return [conflict for _ in operations]

    def _run_hooks(self, recordings: Any) -> None:
        """After the commit: a failing hook (read models, say) must not turn an acknowledged write into an error
        that a client would retry; the read models catch up on their next call."""
        for hook in self.after_save_hooks:
            try:
                hook(recordings)
            except Exception:
                log.exception("after-save hook %r failed; the write is committed", hook)

    @staticmethod
    def _decide(uow: UnitOfWork, command: Command, context: CommandContext) -> Outcome | LedgerError:
        try:
            outcome = handle(uow, command, context)
        except LedgerError as refusal:
            if uow.collect():  # must hold under python -O too: these events would otherwise be saved
                raise AssertionError(f"{command.op} decided events before refusing: {refusal}") from refusal
            return refusal
        uow.collect(outcome.customer_code)
        return outcome

    def account(self, code: str) -> CustomerAccount | None:
        """The current state of a customer's account, or None."""
        return self.reader.get(account_id(code))

    def account_known_at(self, code: str, known_at: datetime) -> CustomerAccount | None:
        """The customer's account as it was known at an instant: the last version recorded at or before it (found
        through the log index), or None if the customer was not registered yet."""
        recorder = self.recorder
        assert isinstance(recorder, (BatchSQLiteRecorder, IndexedPostgresRecorder)), "time travel needs the log index"
        version = recorder.version_known_at(account_id(code), micros(known_at))
        return None if version is None else self.reader.get_at(account_id(code), version)

    def document_owner(self, kind: str, number: str) -> str | None:
        """The customer code owning an invoice, payment or credit-note number, or None."""
        key: DocumentKey | None = self.reader.get(document_key_id(kind, number))
        return None if key is None else key.customer_code
