"""Loading aggregates from their events, optionally through a cache that is fast-forwarded on every load.

The library's repository checks protocols on every event it folds, which dominated import time; folding with
`event.mutate` directly is several times faster. The cache is for one single-threaded writer (an import or a
seed run): each load still reads the events recorded after the cached version, so decisions see committed
facts, and a unit of work whose save fails evicts what it touched.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from uuid import UUID

from eventsourcing.persistence import EventStore

CACHE_MAX_AGGREGATES = 20_000


class AggregateLoader:
    """Loads aggregates by id; with `cache=True`, keeps them between units of work."""

    def __init__(self, events: EventStore, *, cache: bool = False) -> None:
        self.events = events
        self.cache: OrderedDict[UUID, Any] | None = OrderedDict() if cache else None

    def get(self, aggregate_id: UUID) -> Any | None:
        aggregate = None
        if self.cache is not None:
            aggregate = self.cache.pop(aggregate_id, None)
        after = None if aggregate is None else aggregate.version
        for event in self.events.get(aggregate_id, gt=after):
            aggregate = event.mutate(aggregate)
        if self.cache is not None and aggregate is not None:
            self.cache[aggregate_id] = aggregate
            if len(self.cache) > CACHE_MAX_AGGREGATES:
                self.cache.popitem(last=False)
        return aggregate

    def evict(self, aggregate_ids: list[UUID]) -> None:
        if self.cache is not None:
            for aggregate_id in aggregate_ids:
                self.cache.pop(aggregate_id, None)
