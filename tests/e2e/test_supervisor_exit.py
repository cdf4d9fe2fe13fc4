"""`arledger serve --workers N` as real processes: when its supervisor dies without stopping its workers (SIGKILL,
the OOM killer), the workers exit with it within seconds, and the port is free for the next `serve`."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_server_process import free_port, wait_healthy

WORKERS = 2


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # exited meanwhile
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Whether `pid` still runs (a zombie waiting for init to reap it has exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _workers(supervisor: int) -> list[int]:
    def command(pid: int) -> bytes:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return b""

    return [pid for pid in _children(supervisor) if b"spawn_main" in command(pid)]


@pytest.mark.postgres
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from Linux /proc")
def test_workers_exit_when_their_supervisor_is_killed_and_the_port_is_free_again(postgres_url, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "ARLEDGER_LOG_FORMAT": "text", "ARLEDGER_LOG_LEVEL": "WARNING"}
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "arledger",
            "serve",
            "--workers",
            str(WORKERS),
            "--port",
            str(port),
            "--database-url",
            postgres_url,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    descendants: list[int] = []
    try:
        wait_healthy(base, supervisor)
        deadline = time.monotonic() + 60
        while len(_workers(supervisor.pid)) < WORKERS:  # both workers started (the port answers once one has)
            assert time.monotonic() < deadline, (_children(supervisor.pid), log.read_text())
            time.sleep(0.1)
        descendants = _children(supervisor.pid)  # the workers, and multiprocessing's resource tracker
        for _ in range(4):
            assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200

        supervisor.send_signal(signal.SIGKILL)  # no chance to stop its workers
        supervisor.wait(timeout=10)
        killed = time.monotonic()
        deadline = killed + 10
        while any(_running(pid) for pid in descendants):
            assert time.monotonic() < deadline, (
                f"still running after the supervisor was killed: {[p for p in descendants if _running(p)]}"
            )
            time.sleep(0.1)
        print(f"{len(descendants)} processes gone {time.monotonic() - killed:.2f} s after the supervisor was killed")

        with pytest.raises(httpx.ConnectError):  # nothing answers on the port any more...
            httpx.get(f"{base}/healthz", timeout=5)
        with socket.socket() as rebind:  # ...and a new server can listen on it (SO_REUSEADDR, as uvicorn binds)
            rebind.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            rebind.bind(("127.0.0.1", port))
            rebind.listen()
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait(timeout=10)
        for pid in descendants:  # a failed run must not leave workers behind
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
    logged = log.read_text()
    assert "Traceback" not in logged, logged
    assert logged.count("has exited: worker") == WORKERS, logged  # each worker said why it stopped
