"""Many threads of one process writing and reading at once on SQLite, as a busy `arledger serve` does: every write
succeeds and no thread times out waiting for a connection. (A fold that read the log while holding the file's write
lock deadlocked against the event store's writers until the pool's 5 s timeout broke it: found under load.)"""

import threading

from arledger.wiring import open_ledger
from ledger.context import CommandContext
from ledger.operations import parse_command

THREADS = 40
ROUNDS = 6


def test_forty_threads_writing_and_folding_at_once_all_succeed(sqlite_url):
    ledger = open_ledger(sqlite_url)
    context = CommandContext(actor="load")
    for c in range(4):
        ledger.app.perform(
            parse_command("registerCustomer", {"code": f"F{c}", "name": "F", "currency": "CNY"}), context
        )
    barrier = threading.Barrier(THREADS, timeout=60)
    failures: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            for k in range(ROUNDS):
                ledger.app.perform(
                    parse_command(
                        "issueInvoice",
                        {
                            "number": f"F-{n}-{k}",
                            "customerCode": f"F{(n + k) % 4}",
                            "issueDate": "2026-01-01",
                            "lines": [{"description": "x", "quantity": "1", "unitPrice": "10"}],
                        },
                    ),
                    context,
                )
                ledger.runner.catch_up()  # as every report does before it answers
        except BaseException as error:  # noqa: BLE001 (collected and reported below)
            failures.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    ledger.runner.catch_up()
    assert ledger.database.execute("SELECT COUNT(*) FROM ar_invoices") == [(THREADS * ROUNDS,)]
    ledger.close()
