"""What the processes do while the read models are halted at an event they cannot fold (projections/halt.py).

Commands that need the read models stop with exit 1 and the operator's message; the long-running workers
(`project`, `outbox run`, the risk watch) keep running and wait for the fix, logging the halt once when it begins
and once when it ends, while the runner retries the fold with backoff.
"""

from __future__ import annotations

import logging

from projections.halt import ReadModelsHalted

log = logging.getLogger(__name__)

RECOVERY = (
    "read the reason (also at /readyz and in the log), remove its cause (upgrade arledger to a release "
    "that folds the event), then run `arledger rebuild`, or restart `arledger project` (it also retries "
    'by itself); the README\'s Production section, "When the read models halt", has the steps'
)


def operator_message(error: ReadModelsHalted) -> str:
    return f"{error}. To recover: {RECOVERY}"


class HaltWatch:
    """For a worker loop: one log line when a halt begins (or moves to another position), one when it ends."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.position: int | None = None

    def halted(self, error: ReadModelsHalted) -> None:
        if self.position != error.halt.position:
            self.position = error.halt.position
            log.error("%s: waiting, %s", self.what, operator_message(error))

    def running(self) -> None:
        if self.position is not None:
            log.warning(
                "%s: the read models are no longer halted at position %d; carrying on", self.what, self.position
            )
            self.position = None
