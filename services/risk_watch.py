"""Early warning as events arrive: follows the log behind the read models and, for every customer whose account
changed since it last looked, evaluates the credit policy's rules as of today — the same evaluation as
`arledger risk scan`, for just those customers.

Where it runs: in the projection worker (`arledger project`) and, on the embedded SQLite store, in the serving
process (`serve`, `demo`), woken by each save. Its position is kept in the read models' tracking table under
`risk_watch` and moved only after the customers' conditions are recorded: a crash in between evaluates them again,
which records nothing twice (`ApplyRiskConditions` records only changes). The alerts' own events do not wake it.
Conditions that begin by time alone (an invoice reaching 60 days past due) have no event to wake it: the daily
`risk scan --as-of D` finds them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date
from uuid import UUID

from ledger import events
from ledger.store.availability import is_unavailable, reason, recovering
from projections.customers import codes_of_accounts
from projections.halt import ReadModelsHalted
from projections.tracking import advance_tracking, start_tracking, tracked_position
from services.books import Ledger
from services.risk_scan import ScanReport, scan

log = logging.getLogger(__name__)

WATCH = "risk_watch"
BATCH_EVENTS = 1000
QUIET_TOPICS = frozenset(
    event_class.TOPIC
    for event_class in (
        events.RiskAlertRaised,
        events.RiskAlertAcknowledged,
        events.RiskAlertCleared,
        events.RiskConditionsEnded,
    )
)


class RiskWatcher:
    """Evaluates the rules for the customers changed since its last step."""

    def __init__(self, ledger: Ledger, today: Callable[[], date] = date.today, actor: str = "risk:watch") -> None:
        self.ledger = ledger
        self.today = today
        self.actor = actor
        start_tracking(ledger.database, WATCH)

    def position(self) -> int:
        return tracked_position(self.ledger.database, WATCH)

    def changed_customers(self, start: int, end: int) -> list[str] | None:
        """Codes of the customers with events in (start, end], not counting alert events; None: all of them."""
        if start == 0:
            return None  # the first look at a log: every customer is new to the watcher
        accounts: set[str] = set()  # hex ids
        recorder = self.ledger.app.recorder
        while start < end:
            notifications = recorder.select_notifications(start=start + 1, limit=BATCH_EVENTS, stop=end)
            if not notifications:
                break
            for notification in notifications:
                if notification.topic not in QUIET_TOPICS:
                    # the library types ids as UUID or text; our stores keep the default, UUID columns
                    assert isinstance(notification.originator_id, UUID)
                    accounts.add(notification.originator_id.hex)
            start = notifications[-1].id
        return codes_of_accounts(self.ledger.database, accounts)  # natural-key claims are not accounts: none match

    def step(self) -> ScanReport | None:
        """Evaluate the customers changed since the last step; None when the log has not moved.

        A customer whose conditions lost a race with concurrent writers beyond the retries keeps the position where
        it was, so the next step evaluates it again; other refusals (conditions older than the account's latest
        alert, after a clock moved back) are logged and passed over."""
        start = self.position()
        end = self.ledger.runner.catch_up()
        if end <= start:
            return None
        codes = self.changed_customers(start, end)
        report = (
            scan(self.ledger, self.ledger.credit_policy, self.today(), codes, self.actor)
            if codes != []
            else ScanReport(0, 0, 0, [])
        )
        if report.failed:
            log.warning(
                "risk watch: not recorded%s: %s", ", will retry" if report.conflicted else "", "; ".join(report.failed)
            )
        if report.conflicted:
            return report
        advance_tracking(self.ledger.database, WATCH, end)
        return report


class WatcherThread:
    """Runs a watcher in a daemon thread: woken by `wake()` (after each save) or every `interval_s` seconds."""

    def __init__(self, watcher: RiskWatcher, interval_s: float = 5.0) -> None:
        self.watcher = watcher
        self.interval_s = interval_s
        self.woken = threading.Event()
        self.thread = threading.Thread(target=self._run, name="risk-watch", daemon=True)

    def start(self) -> WatcherThread:
        self.thread.start()
        return self

    def wake(self, *_: object) -> None:
        self.woken.set()

    def _run(self) -> None:
        while True:  # a daemon thread: it ends with the server process
            self.woken.clear()
            try:
                self.watcher.step()
            except ReadModelsHalted as error:  # the runner logs it and retries the fold with backoff
                log.debug("risk watch: waiting, %s", error)
            except Exception as error:  # a database outage must not end early warning for the life of the server
                if is_unavailable(error):
                    log.warning("risk watch: the database is unavailable (%s); retrying", reason(error))
                    recovering(self.watcher.ledger.recover)
                else:
                    log.exception("risk watch step failed; retrying")
            self.woken.wait(self.interval_s)
