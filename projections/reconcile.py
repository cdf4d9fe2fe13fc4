"""Reconciliation: rebuild the read models from the log into scratch tables and compare them with the live ones.

Both are taken to the same log position first, so a difference means the live models drifted from what the
log says (a lost or doubled update, a fold changed without a rebuild, a hand edit), never a timing artefact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from projections.runner import ProjectionRunner
from projections.schema import KEYS, TABLES

SCRATCH_PREFIX = "scratch_ar_"
MAX_REPORTED_ROWS = 20


@dataclass
class TableDiff:
    table: str
    only_live: list[tuple] = field(default_factory=list)
    only_rebuilt: list[tuple] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.only_live) + len(self.only_rebuilt)


@dataclass
class Reconciliation:
    position: int
    diffs: list[TableDiff]

    @property
    def equal(self) -> bool:
        return not any(diff.count for diff in self.diffs)

    def lines(self) -> list[str]:
        text = [
            f"compared at log position {self.position}: "
            + ("live read models equal a rebuild" if self.equal else "live read models DIFFER from a rebuild")
        ]
        for diff in self.diffs:
            if not diff.count:
                continue
            text.append(
                f"table {diff.table}: {len(diff.only_live)} rows only in live, {len(diff.only_rebuilt)} only in rebuild"
            )
            text += [f"  - live    {row}" for row in diff.only_live[:MAX_REPORTED_ROWS]]
            text += [f"  + rebuilt {row}" for row in diff.only_rebuilt[:MAX_REPORTED_ROWS]]
        return text


def _rows(runner: ProjectionRunner, table: str, prefix: str) -> list[tuple]:
    return [
        tuple(row) for row in runner.database.execute(f"SELECT * FROM {{p}}{table} ORDER BY {KEYS[table]}", (), prefix)
    ]


def _live_snapshot(live: ProjectionRunner) -> tuple[int, dict[str, list[tuple]]]:
    """The live position and rows as one snapshot: the tracking row is locked (PostgreSQL) or the write lock held
    (SQLite) while reading, so a worker cannot move the live models in between."""
    with live.database.transaction():
        position = live._locked_position()
        return position, {table: _rows(live, table, live.prefix) for table in TABLES}


def reconcile(live: ProjectionRunner, progress: Callable[[int], None] | None = None) -> Reconciliation:
    """Catch the live models up, snapshot them, rebuild scratch models to the snapshot's position, diff every table."""
    live.catch_up()
    position, live_tables = _live_snapshot(live)
    scratch = ProjectionRunner(live.app, live.database, prefix=SCRATCH_PREFIX)
    try:
        scratch.rebuild(progress=progress, stop=position)
        diffs = []
        for table in TABLES:
            live_rows, rebuilt_rows = live_tables[table], _rows(scratch, table, SCRATCH_PREFIX)
            rebuilt_set, live_set = set(rebuilt_rows), set(live_rows)
            diffs.append(
                TableDiff(
                    table,
                    [r for r in live_rows if r not in rebuilt_set],
                    [r for r in rebuilt_rows if r not in live_set],
                )
            )
        return Reconciliation(position, diffs)
    finally:
        with live.database.transaction():
            for table in [*TABLES, "tracking", "halts"]:
                live.database.execute(f"DROP TABLE IF EXISTS {{p}}{table}", (), SCRATCH_PREFIX)
