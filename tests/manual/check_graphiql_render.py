"""On demand, not in the test suite: GraphiQL actually renders in a real headless browser.

The suite checks that the page loads all seven scripts from this server with intact bytes
(tests/e2e/test_server_process.py); whether React then draws the editor needs a browser, which a fresh machine
does not have and pip cannot install. Run this where Debian's `chromium` is installed (`apt-get install
chromium`):

    .venv/bin/python tests/manual/check_graphiql_render.py

It starts `arledger demo` on a throwaway database, loads /graphql in headless Chromium and exits 0 when the
editor and its run button are drawn, 1 when they are not, 2 when there is no browser.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time

import httpx


def main() -> int:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("no chromium on this machine: install Debian's `chromium` package to run this check", file=sys.stderr)
        return 2
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen([sys.executable, "-m", "arledger", "demo", "--customers", "5", "--port", str(port),
                                   "--database-url", f"sqlite:///{folder}/demo.db"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                                  f"--user-data-dir={folder}/profile", "--virtual-time-budget=15000", "--dump-dom",
                                  f"{base}/graphql"], capture_output=True, text=True, timeout=120).stdout
        finally:
            server.terminate()
            server.wait(timeout=10)
    drawn = "graphiql-editors" in dom and "graphiql-execute-button" in dom
    print("GraphiQL rendered: editor and run button drawn" if drawn else f"GraphiQL did not render:\n{dom[:2000]}")
    return 0 if drawn else 1


if __name__ == "__main__":
    sys.exit(main())
