"""Positions kept in the read models' tracking table by followers of the log other than the projection runner
(the risk watch): where each got to, moved only forward."""

from __future__ import annotations

from projections.database import Database


def start_tracking(database: Database, follower: str) -> None:
    """A tracking row for `follower` at position 0, unless it has one."""
    database.execute("INSERT INTO {p}tracking VALUES (?, 0) ON CONFLICT (projection) DO NOTHING", (follower,))


def tracked_position(database: Database, follower: str) -> int:
    return database.execute("SELECT position FROM {p}tracking WHERE projection = ?", (follower,))[0][0]


def advance_tracking(database: Database, follower: str, position: int) -> None:
    """Move `follower` to `position` if that is further than it was (never back)."""
    database.execute(
        "UPDATE {p}tracking SET position = ? WHERE projection = ? AND position < ?", (position, follower, position)
    )
