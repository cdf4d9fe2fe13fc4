"""Event recorders: batched inserts, and the log index written in the same transaction as the events.

The log index holds one row per log position: the event's originator, version and recorded instant (for time
travel by instant: "which version of this account was known at T") and the position's hash in the tamper-evident
chain (`ledger/store/chain.py`). Writers are serialised (SQLite's write lock; the PostgreSQL recorder locks the events
table per insert), so the highest indexed position read inside the transaction is the chain's head. A write
indexes only its own events: finding un-indexed events before them, it is refused (`ledger/store/chain_index.py`), and
only `arledger migrate` indexes a log written before the index existed (`index_tail`). A marker row (the `_chain`
table) records that the chain was started, so a log whose index rows were all deleted is not taken for such an
old log.
"""

from ledger.store.chain_index import IndexRow
from ledger.store.recorder_postgres import IndexedPostgresRecorder
from ledger.store.recorder_sqlite import BatchSQLiteRecorder

__all__ = ["BatchSQLiteRecorder", "IndexRow", "IndexedPostgresRecorder"]  # the topics arledger/config.py names
