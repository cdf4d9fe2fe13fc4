"""A worker process exits with its supervisor.

`arledger serve --workers N` runs one uvicorn supervisor and N worker processes it starts (with multiprocessing's
spawn). The supervisor stops its workers when it is told to stop, but if it dies without doing so (SIGKILL, the
OOM killer) the workers would go on serving and keep the port: a restarted `serve` could not bind it, and a
process manager would believe the service is down while old workers still answer. So each worker watches its
supervisor and shuts down when it goes.

The watch waits on the pipe multiprocessing keeps between a spawned process and its parent: the parent holds its
end until it exits, so the worker's end turns readable the moment the supervisor is gone — however it died, on
any POSIX system, without polling. The worker then asks itself to stop with SIGTERM, which uvicorn handles as a
graceful shutdown (requests in flight finish); one that has not finished within `GRACE_S` exits at once.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time

log = logging.getLogger(__name__)

GRACE_S = 30.0  # how long a worker whose supervisor died may finish its requests in flight before it exits anyway


def exit_with_supervisor(grace_s: float = GRACE_S) -> bool:
    """In a process started by multiprocessing (a uvicorn worker), start a thread that shuts the process down when
    its parent exits; return whether it watches. A process started otherwise (a shell, systemd) is not watched:
    its parent's exit says nothing about whether it should keep serving."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return False
    threading.Thread(target=_watch, args=(parent, grace_s), name="arledger-supervisor-watch", daemon=True).start()
    return True


def _watch(parent: multiprocessing.process.BaseProcess, grace_s: float) -> None:
    parent.join()  # returns when the parent's end of the pipe closes, i.e. when the supervisor has exited
    log.warning("supervisor process %s has exited: worker %s is shutting down", parent.pid, os.getpid())
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's own handler: stop accepting, finish requests, exit
    time.sleep(grace_s)
    log.error("worker %s still running %.0f s after its supervisor exited: exiting now", os.getpid(), grace_s)
    os._exit(1)
