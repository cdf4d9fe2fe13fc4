"""Read models folded from the event log: a two-clock journal (for aging and statements at any business date
as known at any instant), current open items per installment, and customer balances.

Each projection is a pure fold from an event to SQL row operations; `runner.py` applies them in batches with
the tracking position in the same transaction, live after each save (SQLite) or in a worker (PostgreSQL).
"""
