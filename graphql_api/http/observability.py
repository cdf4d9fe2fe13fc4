"""Observability of a serving process: a correlation id per request (the caller's `X-Request-ID`, or a new one;
returned in the response, stamped on every log line and on every event the request records), a JSON access log
line per request, Prometheus metrics at `/metrics` and readiness at `/readyz`.

Metrics (this process's view; with several processes, scrape each):
- `arledger_http_request_duration_seconds{method, route, status}` — histogram;
- `arledger_events_appended_total` — events this process wrote;
- `arledger_log_position`, `arledger_projection_position`, `arledger_projection_lag_events` — read at scrape time;
- `arledger_projection_halted{projection}` — 1 while the read models are halted at an event they cannot fold (0
  otherwise), and `arledger_projection_halted_position{projection}`, that event's position (0 when not halted);
- `arledger_outbox_deliveries{status}` — the outbox backlog by state (PENDING, SENDING, RETRY, FAILED, DELIVERED).

`/readyz` answers 200 only when the database answers, the log holds no event after the hash chain's head without
its entry (writes are refused then: see ledger/store/chain_index.py), the read models are not halted, and they are within
`max_lag` events of the log (ARLEDGER_READY_MAX_LAG, default 1000); 503 with the reason otherwise (halted: the
failing event's position and type, the error, since when). A ready answer also says how many open deliveries an
earlier version recorded on customers' accounts wait for `arledger migrate` (when any do: the outbox leaves them
alone until then). `/healthz` says the process is up.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ledger.context import CORRELATION
from ledger.store.availability import is_unavailable
from ledger.store.chain_index import unindexed_problem
from projections.outbox import delivery_counts, unadopted_count
from projections.runner import PROJECTION
from services.books import Ledger
from services.halting import RECOVERY

log = logging.getLogger("arledger.access")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")  # matched whole: "$" would allow a trailing newline
CLIENT_GONE = 499  # no answer was sent: the client went away first (the status nginx logs for it)
ROUTES = ("/graphql", "/dashboard", "/healthz", "/readyz", "/metrics")


DATABASE_UP = "1 when this process could read the database at the scrape, 0 while it is unavailable."


class LedgerCollector:
    """Gauges read from the database when scraped."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def collect(self) -> Any:
        """The gauges; while the database is unavailable, only `arledger_database_up 0` (the process's own metrics
        are still served: a scrape must not fail because of what it is meant to report)."""
        try:
            log_position = self.ledger.app.recorder.max_notification_id() or 0
            folded = self.ledger.runner.position()
            halt = self.ledger.runner.halt()
            backlog_by_status = delivery_counts(self.ledger.database)
        except Exception as error:
            if not is_unavailable(error):
                raise
            yield GaugeMetricFamily("arledger_database_up", DATABASE_UP, value=0)
            return
        yield GaugeMetricFamily("arledger_database_up", DATABASE_UP, value=1)
        yield GaugeMetricFamily("arledger_log_position", "The last position of the event log.", value=log_position)
        yield GaugeMetricFamily(
            "arledger_projection_position", "The last position folded into the read models.", value=folded
        )
        yield GaugeMetricFamily(
            "arledger_projection_lag_events",
            "Events recorded but not yet in the read models.",
            value=max(0, log_position - folded),
        )
        halted = GaugeMetricFamily(
            "arledger_projection_halted",
            "1 while the read models are halted at an event they cannot fold (see /readyz for why).",
            labels=["projection"],
        )
        halted.add_metric([PROJECTION], 1 if halt else 0)
        yield halted
        where = GaugeMetricFamily(
            "arledger_projection_halted_position",
            "The position of the event the read models are halted at (0 when not halted).",
            labels=["projection"],
        )
        where.add_metric([PROJECTION], halt.position if halt else 0)
        yield where
        backlog = GaugeMetricFamily("arledger_outbox_deliveries", "Outbox deliveries by state.", labels=["status"])
        for status, count in backlog_by_status.items():
            backlog.add_metric([status], count)
        yield backlog


class Metrics:
    def __init__(self, ledger: Ledger) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "arledger_http_request_duration_seconds",
            "HTTP request latency.",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.events = Counter(
            "arledger_events_appended", "Events this process appended to the log.", registry=self.registry
        )
        self.registry.register(LedgerCollector(ledger))
        ledger.app.after_save_hooks.append(lambda recordings: self.events.inc(len(recordings)))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class Observe:
    """ASGI middleware: correlation id, timing, access log, latency histogram."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = CORRELATION.set(request_id)
        started, status = time.perf_counter(), [0]

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except BaseException:
            status[0] = status[0] or 500  # Starlette's error handler, outside this middleware, answers 500
            raise
        finally:
            CORRELATION.reset(token)
            if scope["type"] == "http":
                elapsed = time.perf_counter() - started
                route = scope["path"] if scope["path"] in ROUTES else "other"
                status[0] = status[0] or CLIENT_GONE
                self.metrics.requests.labels(scope["method"], route, str(status[0])).observe(elapsed)
                log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status[0],
                        "duration_ms": round(elapsed * 1000, 2),
                        "correlation_id": request_id,
                    },
                )


def endpoints(ledger: Ledger, metrics: Metrics, max_lag: int) -> tuple[Any, Any]:
    async def metrics_endpoint(_request: Request) -> Response:
        return Response(await run_in_threadpool(metrics.render), media_type=CONTENT_TYPE_LATEST)

    def readiness() -> tuple[int, dict[str, Any]]:
        try:
            log_position = ledger.app.recorder.max_notification_id() or 0
            folded = ledger.runner.position()
            unindexed = unindexed_problem(ledger.app)  # written around arledger since it started: writes are refused
            halt = ledger.runner.halt()
            waiting = unadopted_count(ledger.database)  # open deliveries recorded on accounts by an earlier version
        except Exception as error:  # noqa: BLE001 (whatever the database says, the answer is "not ready")
            return 503, {"status": "unavailable", "reason": f"database: {type(error).__name__}: {error}"}
        if unindexed is not None:
            return 503, {"status": "unindexed events", "reason": unindexed, "position": folded}
        lag = max(0, log_position - folded)
        if halt is not None:
            return 503, {
                "status": "halted",
                "reason": halt.describe(),
                "position": halt.position,
                "eventType": halt.event_type,
                "error": halt.error,
                "foldedThrough": halt.folded_through,
                "since": halt.halted_at,
                "attempts": halt.attempts,
                "lag": lag,
                "recovery": RECOVERY,
            }
        if lag > max_lag:
            return 503, {"status": "catching up", "lag": lag, "maxLag": max_lag, "position": folded}
        if waiting:
            return 200, {"status": "ready", "lag": lag, "position": folded, "deliveriesAwaitingMigrate": waiting}
        return 200, {"status": "ready", "lag": lag, "position": folded}

    async def readyz(_request: Request) -> JSONResponse:
        status, body = await run_in_threadpool(readiness)
        return JSONResponse(body, status_code=status)

    return metrics_endpoint, readyz
