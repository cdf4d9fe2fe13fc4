"""The event store: recorders for SQLite and PostgreSQL with the hash-chain index, reading stored events,
the orjson transcoder, database URLs, and telling a briefly unavailable database from a fault.
"""
