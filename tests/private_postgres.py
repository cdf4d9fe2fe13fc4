"""A private PostgreSQL cluster for tests that stop, restart or reconfigure a server: the machine's own server (and
every other client on it) is never touched.

`initdb` into a fresh temporary directory, its own free port on 127.0.0.1 and its own socket directory inside that
directory, trust authentication for its local clients only; started, restarted and stopped with `pg_ctl`; stopped
and removed afterwards, also when the test fails. PostgreSQL refuses to run as root, so when the tests run as root
the cluster runs as the `postgres` OS user (with `runuser`), which owns the directory.

Binaries are found on PATH or under /usr/lib/postgresql/<version>/bin (the newest version). Where there are none
the test skips with the reason, except under ARLEDGER_REQUIRE_POSTGRES=1 (CI), where it fails.

The cluster runs on the machine's clock even when the tests run under libfaketime (the variables are removed from
its environment), as the shared server does: a database server's clock is not the application's.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import REQUIRE_POSTGRES
from tests.shifted_clock import FAKETIME_VARIABLES


def find_bin_dir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres: PATH first, else the newest /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    versions = (
        sorted(
            (path for path in Path("/usr/lib/postgresql").glob("*/bin") if path.parent.name.isdigit()),
            key=lambda path: int(path.parent.name),
        )
        if Path("/usr/lib/postgresql").is_dir()
        else []
    )
    for candidate in reversed(versions):
        if all((candidate / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCluster:
    """One PostgreSQL cluster of our own: `url` reaches its `arledger` database over TCP on 127.0.0.1."""

    def __init__(self, bin_dir: Path, run_as: str | None) -> None:
        self.bin_dir = bin_dir
        self.run_as = run_as  # the OS user running the server, when we are root; None: ourselves
        self.root = Path(tempfile.mkdtemp(prefix="arledger-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/arledger"
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / arguments[0]), *arguments[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        env = {key: value for key, value in os.environ.items() if key not in FAKETIME_VARIABLES}
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, cwd=self.root, stdin=subprocess.DEVNULL
        )
        if finished.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} exited {finished.returncode}: {finished.stderr}{log[-3000:]}")
        return finished

    def create(self) -> None:
        """initdb, our own port and socket directory, then start it and create the `arledger` database."""
        self.sockets.mkdir()
        if self.run_as:
            user = pwd.getpwnam(self.run_as)
            for path in (self.root, self.sockets):
                os.chown(path, user.pw_uid, user.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\n# arledger test cluster: only its own port, socket directory and loopback\n"
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.sockets}'\nfsync = off\nmax_connections = 100\n"
            )
        self.start()
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as connection:
            connection.execute("CREATE DATABASE arledger")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def restart(self) -> None:
        """Stop (fast: open connections are cut, as in a crash or failover) and start again."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-m", "fast", "restart")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", "fast", "stop")

    def started_at(self) -> object:
        with psycopg.connect(self.admin_url, connect_timeout=10) as connection:
            return connection.execute("SELECT pg_postmaster_start_time()").fetchone()[0]

    def remove(self) -> None:
        """Stop the server if it runs (immediately: nothing in it is kept), then delete the directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _unavailable(reason: str) -> None:
    if REQUIRE_POSTGRES:
        pytest.fail(f"ARLEDGER_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


def _server_user() -> str | None:
    """Who runs the server: ourselves, or (as root, which PostgreSQL refuses) the `postgres` OS user."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        _unavailable("a private PostgreSQL cluster cannot run as root and there is no `postgres` OS user")
    if shutil.which("runuser") is None:
        _unavailable("a private PostgreSQL cluster run as root needs runuser (util-linux) to run as `postgres`")
    return "postgres"


@pytest.fixture
def private_postgres() -> Iterator[PrivateCluster]:
    """A running private cluster, removed after the test (whatever the test did to it)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        _unavailable("no PostgreSQL server binaries (initdb, pg_ctl, postgres) on PATH or in /usr/lib/postgresql/*/bin")
    cluster = PrivateCluster(bin_dir, _server_user())
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.remove()
