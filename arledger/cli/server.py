"""Server-side commands: serve (GraphQL over HTTP) and token create / revoke."""

from __future__ import annotations

import json
import sys
from datetime import date
from urllib.parse import quote

import click

from arledger.cli.common import DateParam, database_url_option, main, open_ledger_for, refuse_unindexed, settings_for
from arledger.config import Settings
from arledger.logs import configure_logging
from graphql_api.tokens import ROLES, TokenStore
from ledger.store.chain_index import UnindexedEvents
from ledger.store.recorder_postgres import IndexedPostgresRecorder
from ledger.store.recorder_sqlite import BatchSQLiteRecorder
from replay.verify import digest_at
from services.books import Ledger
from services.delivery_adoption import adopt_account_deliveries


@main.command("serve")
@click.option("--host", default=None, help="listen address (default ARLEDGER_HOST or 127.0.0.1)")
@click.option("--port", type=int, default=None, help="port (default ARLEDGER_PORT or 8000)")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="API processes (default ARLEDGER_WORKERS or 1); more than one: PostgreSQL, with `arledger project`",
)
@database_url_option
def serve_command(host: str | None, port: int | None, workers: int | None, database_url: str | None) -> None:
    """Serve GraphQL at /graphql (GraphiQL in a browser), /dashboard, /metrics, /healthz and /readyz."""
    settings = settings_for(database_url)
    configure_logging(settings.log_format, settings.log_level)
    ledger = open_ledger_for(
        database_url, waiting=True
    )  # creates or upgrades the schema once, before any worker starts
    refuse_unindexed(ledger, "serve")
    host, port, workers = host or settings.host, port or settings.port, workers or settings.workers
    click.echo(f"arledger serving GraphQL at http://{host}:{port}/graphql ({workers} process(es))", err=True)
    if workers == 1:
        _serve(ledger, host, port, settings)
        return
    import os

    import uvicorn

    from graphql_api.http.server import MAX_REQUEST_BYTES

    ledger.close()
    os.environ["ARLEDGER_DATABASE_URL"] = settings.database_url  # each worker builds its app from the environment
    uvicorn.run(
        "arledger.asgi:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        ws_max_size=MAX_REQUEST_BYTES,
        log_config=None,
    )


@main.command("migrate")
@click.option(
    "--accept-unindexed",
    is_flag=True,
    help="also index events after the chain's head of a log whose chain was already started (written "
    "around arledger, or their chain entries deleted), as they stand now: check them with "
    "`arledger verify` first",
)
@database_url_option
def migrate_command(accept_unindexed: bool, database_url: str | None) -> None:
    """Create the event store and read-model tables if missing, index a log written before the hash chain existed
    (saying how many events, from which position), rebuild read models of an older schema, and hand the outbox
    the open deliveries an earlier version recorded on customers' accounts (saying how many); print where things
    stand. Safe to run at every deployment: it indexes and adopts nothing twice, and refuses (exit 1, nothing changed) to
    index events of a log whose chain was already started unless told to with --accept-unindexed."""
    from projections.schema import SCHEMA_VERSION

    ledger = open_ledger_for(database_url, waiting=True)
    try:
        chain = _index_unindexed(ledger, accept_unindexed)
        ledger.runner.catch_up()
        click.echo(
            f"schema {SCHEMA_VERSION}: log at position {ledger.app.recorder.max_notification_id() or 0}, "
            f"read models at {ledger.runner.position()}"
        )
        click.echo(f"hash chain: {chain}")
        click.echo(f"deliveries: {_adopt_deliveries(ledger)}")
    finally:
        ledger.close()


def _adopt_deliveries(ledger: Ledger) -> str:
    """Adopt the open deliveries recorded on customers' accounts by an earlier version; what it did."""
    report = adopt_account_deliveries(ledger)
    for failure in report.failed:
        click.echo(f"delivery not adopted: {failure}", err=True)
    if report.failed:
        sys.exit(1)  # the caller's `finally` closes the ledger
    return f"adopted {report.adopted} open delivery(ies) recorded on customers' accounts into the outbox"


def _index_unindexed(ledger: Ledger, accept: bool) -> str:
    """The explicit step that indexes events without a chain entry (nothing else ever does); what it did."""
    recorder = ledger.app.recorder
    if not isinstance(recorder, (BatchSQLiteRecorder, IndexedPostgresRecorder)):  # only ours keep the chain
        return "none (an in-memory store)"
    try:
        indexed = recorder.index_tail(accept=accept)
    except UnindexedEvents as refused:
        click.echo(
            f"migrate refused: {refused}. Nothing was indexed and nothing else was changed; to take them "
            "into the chain as they stand now, check them and run `arledger migrate --accept-unindexed`",
            err=True,
        )
        sys.exit(1)  # the caller's `finally` closes the ledger
    recorder.record_chain_started()
    if indexed is None:
        return (
            "no event after the chain's head lacks its entry (nothing to index; `arledger verify` checks every "
            "position)"
        )
    span = f"positions {indexed.first}–{indexed.last}" if indexed.count > 1 else f"position {indexed.first}"
    why = (
        "written before the hash chain existed"
        if indexed.old_log
        else "not written by arledger's write path, accepted as they stood (--accept-unindexed)"
    )
    head = digest_at(recorder, position=indexed.last)
    return (
        f"indexed {indexed.count} event(s), {span}, {why}; chain head now {head}. Run `arledger verify`, and "
        "keep `arledger digest` elsewhere to prove later that this history is unchanged"
    )


def _serve(ledger: Ledger, host: str, port: int, settings: Settings) -> None:
    import uvicorn

    from graphql_api.http.server import MAX_REQUEST_BYTES, build_app
    from services.risk_watch import RiskWatcher, WatcherThread

    if ledger.risk_watch and not ledger.database.postgres:  # on PostgreSQL the projection worker watches
        watching = WatcherThread(RiskWatcher(ledger)).start()
        ledger.app.after_save_hooks.append(watching.wake)
    uvicorn.run(
        build_app(ledger, settings.ready_max_lag),
        host=host,
        port=port,
        log_level="warning",
        ws_max_size=MAX_REQUEST_BYTES,
        log_config=None,
    )


@main.group("token")
def token_group() -> None:
    """Bearer tokens for the GraphQL API."""


@token_group.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--customer", default=None, help="customer code (customer role only)")
@click.option("--name", default=None, help="who the token is for (shown as the actor of its changes)")
@database_url_option
def token_create(role: str, customer: str | None, name: str | None, database_url: str | None) -> None:
    """Print a new bearer token as the last line of stdout (it is stored only as a hash)."""
    ledger = open_ledger_for(database_url)
    if customer and ledger.app.account(customer) is None:
        raise click.UsageError(f"--customer {customer}: no such customer is registered")
    try:
        token = TokenStore(ledger.database).create(role, name or role, customer)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"token for {name or role} ({role}{', customer ' + customer if customer else ''}):", err=True)
    click.echo(token)


@token_group.command("revoke")
@click.argument("token_or_name")
@database_url_option
def token_revoke(token_or_name: str, database_url: str | None) -> None:
    """Revoke a token, given the token itself or its name."""
    revoked = TokenStore(open_ledger_for(database_url).database).revoke(token_or_name)
    click.echo(f"revoked {revoked} token(s)")
    sys.exit(0 if revoked else 1)


@main.command("demo")
@click.option("--customers", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--seed", "random_seed", type=int, default=1, show_default=True)
@click.option(
    "--end-date",
    type=DateParam(),
    default=None,
    help="last business date of the history, and the date of its first risk scan (default today)",
)
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@database_url_option
def demo_command(
    customers: int,
    random_seed: int,
    end_date: date | None,
    host: str | None,
    port: int | None,
    database_url: str | None,
) -> None:
    """On an empty database, load a realistic demo history ending on --end-date (today by default); print an admin
    token; serve. The server's risk watch, if on, evaluates as of the machine's date as always."""
    from services.risk_scan import scan
    from services.seed import seed_history

    settings = settings_for(database_url)
    configure_logging(settings.log_format, settings.log_level)
    ledger = open_ledger_for(database_url)
    host, port = host or settings.host, port or settings.port
    if ledger.app.recorder.max_notification_id():
        click.echo("the database already holds a history: serving it as it is", err=True)
    else:
        click.echo(f"loading a demo history of {customers} customers…", err=True)
        end_date = end_date or date.today()  # read once: a run across midnight seeds and scans the same day
        report = seed_history(ledger.app, customers, random_seed, end_date)
        click.echo(f"{report.applied} operations applied", err=True)
        scanned = scan(ledger, ledger.credit_policy, end_date, actor="risk:demo")
        click.echo(f"early-warning scan as of {end_date}: {scanned.raised} risk alert(s) raised", err=True)
    refuse_unindexed(ledger, "demo")
    token = TokenStore(ledger.database).create("admin", "demo-admin")
    headers = json.dumps({"Authorization": f"Bearer {token}"})
    click.echo(f"GraphiQL: http://{host}:{port}/graphql   (Headers pane: {headers})", err=True)
    click.echo(f"  or, token filled in: http://{host}:{port}/graphql?headers={quote(headers)}", err=True)
    click.echo(f"Dashboard: http://{host}:{port}/dashboard#token={token}", err=True)
    click.echo(token)
    sys.stdout.flush()
    _serve(ledger, host, port, settings)
