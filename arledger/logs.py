"""Logging for the long-running processes (serve, demo, project, outbox run): one JSON object per line on stderr
(ARLEDGER_LOG_FORMAT=json, the default) or plain text (=text), at ARLEDGER_LOG_LEVEL (INFO). Every line carries
the correlation id of the request being served, if any."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from ledger.context import CORRELATION


class CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "correlation_id"):
            record.correlation_id = CORRELATION.get()
        return True


def configure_logging(log_format: str = "json", level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(levelname)s %(name)s %(message)s %(correlation_id)s",
                rename_fields={"levelname": "level", "name": "logger"},
                timestamp="time",
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"))
    handler.addFilter(CorrelationFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = True  # the server writes its own access lines, with the ids
