"""The read-model connection pool: bounded, reuses connections, and a dropped broken connection frees its slot
for a thread already waiting (it does not wait out the timeout)."""

import threading
import time

from projections import database as db
from projections.database import Database


def test_a_waiting_thread_gets_the_slot_of_a_dropped_connection(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "POOL_WAIT_S", 5.0)
    database = Database(f"sqlite:///{tmp_path / 'pool.db'}", pool_size=1)
    got = {}

    def waiter():
        started = time.monotonic()
        assert database.execute("SELECT 1") == [(1,)]
        got["waited_s"] = time.monotonic() - started

    with database.session() as connection:
        thread = threading.Thread(target=waiter)
        thread.start()
        time.sleep(0.2)
        connection.execute("BEGIN")  # left in a transaction: not reusable, so it is dropped on release
    thread.join(timeout=10)
    assert got["waited_s"] < 2 and database.opened == 1
    database.close()


def test_nested_sessions_share_one_connection_and_the_pool_stays_bounded(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'pool.db'}", pool_size=2)
    with database.transaction():
        database.execute("CREATE TABLE t (x INTEGER)")
        with database.transaction():  # nested: part of the outer one
            database.execute("INSERT INTO t VALUES (1)")
    threads = [threading.Thread(target=lambda: database.execute("SELECT COUNT(*) FROM t")) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert database.opened <= 2 and database.execute("SELECT x FROM t") == [(1,)]
    database.close()
