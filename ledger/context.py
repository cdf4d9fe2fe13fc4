"""Who is acting and under which correlation id: passed to every command, stamped on every event."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The correlation id of the request being served (set by the server per request; None elsewhere): a command
# decided while serving it carries the request's id, so logs and events of one request share it.
CORRELATION: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def _correlation_id() -> str:
    return CORRELATION.get() or uuid.uuid4().hex


@dataclass(frozen=True)
class CommandContext:
    """The caller's identity for one operation.

    `operation_key` makes operations without a natural key idempotent (an import derives one per line);
    `recorded_at` overrides the recorded instant and is only for seeding demo history and for tests.
    """

    actor: str
    correlation_id: str = field(default_factory=_correlation_id)
    operation_key: str | None = None
    recorded_at: datetime | None = None

    def event_meta(self) -> dict[str, Any]:
        return {"actor": self.actor, "correlation_id": self.correlation_id, "timestamp": self.recorded_at}
