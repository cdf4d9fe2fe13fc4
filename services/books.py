"""The books a use case works with: the event-sourced application, its read models and runner, and the
policies and templates it was opened with (arledger/wiring.py opens them from the configuration)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from adapters.message_templates import Renderer
from ledger.application import LedgerApplication
from policies.credit import CreditPolicy, load_policy
from policies.dunning import DunningConfig, load_dunning_policy
from projections.database import Database
from projections.runner import ProjectionRunner


@dataclass
class Ledger:
    """The application with its read models: what the CLI and the server work with."""

    app: LedgerApplication
    database: Database
    runner: ProjectionRunner
    credit_policy_path: str | None = None  # None: the shipped policy
    risk_watch: bool = False  # evaluate the early-warning rules as events arrive (services.risk_watch)
    dunning_policy_path: str | None = None  # None: the shipped dunning policy
    template_dir: str | None = None  # dunning templates overriding the shipped ones

    @cached_property
    def dunning(self) -> DunningConfig:
        return load_dunning_policy(self.dunning_policy_path)

    @cached_property
    def renderer(self) -> Renderer:
        return Renderer(self.dunning, self.template_dir)

    @cached_property
    def credit_policy(self) -> CreditPolicy:
        return load_policy(self.credit_policy_path)

    def recover(self) -> None:
        """After a database outage: drop the dead pooled connections at once (the event store's pool checks each
        idle one and replaces the dead; the read models' pool closes its idle ones), so that the next requests do
        not each meet one of them."""
        self.database.drop_idle()
        pool = getattr(getattr(self.app.recorder, "datastore", None), "pool", None)  # PostgreSQL's only
        if pool is not None and not pool.closed:
            pool.check()

    def close(self) -> None:
        self.database.close()
        self.app.close()
