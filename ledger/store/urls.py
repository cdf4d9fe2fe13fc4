"""Database URLs: which store a URL names, the eventsourcing library's settings for it, and the URL without
its password for messages."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


class ConfigError(ValueError):
    """A configuration value is malformed; the message names it."""


def store_env(database_url: str) -> dict[str, str]:
    """The eventsourcing library's settings for a database URL.

    `sqlite:///relative.db`, `sqlite:////absolute.db`, `postgresql://user:pass@host:port/db`.
    """
    if database_url.startswith("sqlite:///"):
        path = database_url[len("sqlite:///") :]
        if not path:
            raise ConfigError(f"database URL {database_url!r} names no file")
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
            "APPLICATION_RECORDER_TOPIC": "ledger.store.recorders:BatchSQLiteRecorder",
        }
    parts = urlsplit(database_url)
    if parts.scheme in ("postgresql", "postgres"):
        dbname = parts.path.lstrip("/")
        if not dbname:
            raise ConfigError(f"database URL {database_url!r} names no database")
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(dbname),
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",  # on, it publishes notification ids late (DESIGN.md)
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_CONNECT_TIMEOUT": "10",
            "POSTGRES_LOCK_TIMEOUT": "30",
            "APPLICATION_RECORDER_TOPIC": "ledger.store.recorders:IndexedPostgresRecorder",
        }
    raise ConfigError(
        f"unsupported database URL {database_url!r}: use sqlite:///path.db or postgresql://user:pass@host:port/db"
    )


def redacted(database_url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(database_url)
    if not parts.password:
        return database_url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def is_postgres(database_url: str) -> bool:
    return urlsplit(database_url).scheme in ("postgresql", "postgres")
