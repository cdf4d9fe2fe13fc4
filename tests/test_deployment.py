"""The deployment files say what the README says: the image copies every package the project installs, runs as a
user that is not root and checks its health; every role the compose file starts is a real command; `migrate`
creates the schema on an empty PostgreSQL database and may run again; a process started before its database waits
for it, and one that cannot reach it says so plainly."""

import os
import re
import socket
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_image_copies_every_package_and_runs_unprivileged_with_a_healthcheck():
    dockerfile = (ROOT / "Dockerfile").read_text()
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = set(re.findall(r"^COPY (\w+) ", dockerfile, re.MULTILINE))
    assert {name.rstrip("*") for name in packages} <= copied
    assert re.search(r"^USER arledger$", dockerfile, re.MULTILINE) and "useradd --system" in dockerfile
    assert re.search(r"^HEALTHCHECK .*", dockerfile, re.MULTILINE) and "/healthz" in dockerfile
    assert dockerfile.splitlines()[0].startswith("#") and "FROM python:3.11-slim" in dockerfile


def test_every_role_in_the_compose_file_is_a_real_command():
    compose = (ROOT / "compose.yaml").read_text()
    commands = re.findall(r'command: \["arledger", ([^\]]*)\]', compose)
    assert len(commands) == 4
    for command in commands:
        args = [part.strip().strip('"') for part in command.split(",")]
        words = [arg for arg in args[: next((i for i, a in enumerate(args) if a.startswith("--")), len(args))]]
        result = subprocess.run([sys.executable, "-m", "arledger", *words, "--help"], capture_output=True, timeout=60)
        assert result.returncode == 0, (args, result.stderr)


@pytest.mark.postgres
def test_migrate_creates_the_schema_and_can_run_again(postgres_url):
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "arledger", "migrate", "--database-url", postgres_url],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert re.match(r"schema \d+: log at position 0, read models at 0", result.stdout)


def _arledger(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "arledger", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "ARLEDGER_LOG_FORMAT": "text", **(env or {})},
    )


def test_a_database_that_cannot_be_opened_is_a_clear_message_not_a_traceback():
    from tests.e2e.test_server_process import free_port

    url = f"postgresql://ops:s3cret@127.0.0.1:{free_port()}/ledger"  # nothing listens there
    waited = _arledger("project", "--once", "--database-url", url, env={"ARLEDGER_STARTUP_WAIT_S": "1"})
    assert waited.returncode == 1 and "Traceback" not in waited.stderr
    assert f"cannot open the database postgresql://ops:***@127.0.0.1:{url.split(':')[3]}" in waited.stderr
    assert "(waited 1 s)" in waited.stderr and "s3cret" not in waited.stderr
    assert "starting: the database is unavailable" in waited.stderr  # it did wait, saying so
    once = _arledger("report", "aging", "--as-of", "2026-11-24", "--database-url", url)
    assert once.returncode == 1 and "waited" not in once.stderr and "cannot open the database" in once.stderr


@pytest.mark.postgres
def test_a_worker_started_before_its_database_waits_for_it_and_then_works(postgres_url):
    """The database answers only 1.5 s after the worker started (a relay opened late in front of PostgreSQL)."""
    from tests.e2e.test_server_process import free_port

    port = free_port()
    relay = threading.Timer(1.5, _relay, args=(port, 5432))
    relay.daemon = True
    relay.start()
    url = postgres_url.replace(":5432/", f":{port}/")
    result = _arledger("migrate", "--database-url", url, env={"ARLEDGER_STARTUP_WAIT_S": "30"})
    assert result.returncode == 0, result.stderr
    assert "starting: the database is unavailable" in result.stderr and "available again" in result.stderr
    assert result.stdout.startswith("schema ")


def _relay(port: int, target: int) -> None:
    """Accept on `port` and pipe each connection to 127.0.0.1:`target`, in daemon threads."""
    listener = socket.create_server(("127.0.0.1", port))

    def pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()

    def serve() -> None:
        while True:
            client, _ = listener.accept()
            upstream = socket.create_connection(("127.0.0.1", target))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(a, b), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
