"""Who is acting and under which correlation id: passed to every command, stamped on every event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class CommandContext:
    """The caller's identity for one operation.

    `operation_key` makes operations without a natural key idempotent (an import derives one per line);
    `recorded_at` overrides the recorded instant and is only for seeding demo history and for tests.
    """

    actor: str
    correlation_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    operation_key: str | None = None
    recorded_at: datetime | None = None

    def event_meta(self) -> dict[str, Any]:
        return {"actor": self.actor, "correlation_id": self.correlation_id, "timestamp": self.recorded_at}
