"""End to end: `arledger serve` as a real process, a real websocket client, and `arledger token revoke` run as
another process against the same database: the revoked token's open subscription is closed with 4403 within two
seconds, and the token opens no new one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.e2e.test_server_process import free_port, wait_healthy


def _arledger(*args: str, url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "arledger", *args, "--database-url", url],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture
def server(tmp_path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    admin = _arledger("token", "create", "--role", "admin", "--name", "desk", url=url)
    watcher = _arledger("token", "create", "--role", "auditor", "--name", "leaving", url=url)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "arledger", "serve", "--port", str(port), "--database-url", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        yield base, url, admin, watcher
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.timeout(120)
def test_a_token_revoked_from_another_process_loses_its_open_subscription_within_two_seconds(server):
    base, url, admin, watcher = server
    with connect(
        base.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"], open_timeout=10
    ) as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {watcher}"}}))
        assert json.loads(socket.recv(timeout=10))["type"] == "connection_ack"
        socket.send(
            json.dumps(
                {
                    "id": "s1",
                    "type": "subscribe",
                    "payload": {"query": "subscription { ledgerEvents(after: 0) { type customerCode } }"},
                }
            )
        )
        registered = httpx.post(
            f"{base}/graphql",
            headers={"Authorization": f"Bearer {admin}"},
            timeout=30,
            json={
                "query": 'mutation { registerCustomer(input: {code: "RV1", name: "Revoked Ltd", currency: "CNY"}) '
                "{ userErrors { code } } }"
            },
        ).json()
        assert registered["data"]["registerCustomer"]["userErrors"] == []
        streamed = json.loads(socket.recv(timeout=15))
        assert streamed["payload"]["data"]["ledgerEvents"] == {"type": "CustomerRegistered", "customerCode": "RV1"}
        assert _arledger("token", "revoke", "leaving", url=url) == "revoked 1 token(s)"
        revoked_at = time.monotonic()
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                socket.recv(timeout=5)
        waited_s = time.monotonic() - revoked_at
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403, closed.value
    assert waited_s < 2, f"closed {waited_s:.2f} s after the revocation"
    with connect(
        base.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"], open_timeout=10
    ) as again:
        again.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {watcher}"}}))
        with pytest.raises(ConnectionClosed) as refused:
            again.recv(timeout=10)
    assert refused.value.rcvd.code == 4403
