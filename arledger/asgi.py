"""The ASGI application built from the environment alone (ARLEDGER_* variables): what `arledger serve --workers N`
hands to each uvicorn worker process, and what any ASGI server can run (`uvicorn --factory arledger.asgi:create_app`).
A worker started by `serve --workers N` exits when its supervisor does (arledger.parent_watch)."""

from __future__ import annotations

from typing import Any

from arledger.config import load_settings
from arledger.logs import configure_logging
from arledger.parent_watch import exit_with_supervisor
from arledger.wiring import open_ledger
from ledger.store.chain_index import unindexed_problem


def create_app() -> Any:
    from graphql_api.http.server import build_app

    settings = load_settings()
    configure_logging(settings.log_format, settings.log_level)
    exit_with_supervisor()  # a uvicorn worker must not outlive its supervisor (and keep serving on its port)
    ledger = open_ledger(
        settings.database_url,
        settings.credit_policy,
        settings.risk_watch,
        settings.dunning_policy,
        settings.template_dir,
    )
    problem = unindexed_problem(ledger.app)
    if problem is not None:  # as `arledger serve`: never serve on events outside the hash chain
        ledger.close()
        raise RuntimeError(f"not serving: {problem}")
    return build_app(ledger, settings.ready_max_lag)
