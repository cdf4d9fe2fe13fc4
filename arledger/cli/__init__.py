"""The `arledger` command line: the root group with every feature's commands registered on it.

Each feature module (one per area: records, reports, audit, risk, dunning, statements, bank, outbox, KPIs, server)
defines its commands on the root group from `arledger.cli.common`; importing them here registers them. Feature
modules import `common` (and, for subcommands, another feature's group), never this package, so there is no cycle.
"""

from arledger.cli import (  # noqa: F401  (importing a feature module registers its commands)
    alerts,
    audit,
    bank,
    dunning,
    kpis,
    outbox,
    records,
    reports,
    risk,
    server,
    statements,
)
from arledger.cli.common import main

__all__ = ["main"]
