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

from ledger import events
from ledger.store.availability import is_unavailable, reason, recovering
from projections.halt import ReadModelsHalted
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
        ledger.database.execute("INSERT INTO {p}tracking VALUES (?, 0) ON CONFLICT (projection) DO NOTHING", (WATCH,))

    def position(self) -> int:
        return self.ledger.database.execute("SELECT position FROM {p}tracking WHERE projection = ?", (WATCH,))[0][0]

    def changed_customers(self, start: int, end: int) -> list[str] | None:
        """Codes of the customers with events in (start, end], not counting alert events; None: all of them."""
        if start == 0:
            return None  # the first look at a log: every customer is new to the watcher
        accounts = set()
        recorder = self.ledger.app.recorder
        while start < end:
            notifications = recorder.select_notifications(start=start + 1, limit=BATCH_EVENTS, stop=end)
            if not notifications:
                break
            accounts.update(n.originator_id.hex for n in notifications if n.topic not in QUIET_TOPICS)
            start = notifications[-1].id
        ids = sorted(accounts)
        codes = []
        for offset in range(0, len(ids), BATCH_EVENTS):
            chunk = ids[offset : offset + BATCH_EVENTS]  # natural-key claims are not accounts: they match nothing
            codes += [
                row[0]
                for row in self.ledger.database.execute(
                    f"SELECT customer_code FROM {{p}}customers WHERE account_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
            ]
        return sorted(codes)

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
        self.ledger.database.execute(
            "UPDATE {p}tracking SET position = ? WHERE projection = ? AND position < ?", (end, WATCH, end)
        )
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
