"""Real receivers on loopback for the outbox tests: an SMTP server (aiosmtpd) that keeps every message it
accepts, and an HTTP SMS gateway that keeps every JSON request. Both can be told to fail the next requests, and
both count what arrived by the message's own id, as a deduplicating receiver would."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: accepted messages in order; `fail_next` answers 451 that many times; `delay_s` holds
    each message before accepting it (so a client can be killed mid-batch)."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.messages: list = []
        self.fail_next = 0
        self.delay_s = delay_s
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.delay_s:
            time.sleep(self.delay_s)
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                return "451 4.3.0 try again later"
            self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 2.0.0 OK queued"

    def ids(self) -> Counter:
        with self.lock:
            return Counter(message["Message-ID"] for message in self.messages)


class SmtpServer:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self.port = free_port()  # aiosmtpd checks its server by connecting to the port it was given: not 0
        self.controller = Controller(mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.controller.stop()


class SmsGateway:
    """A JSON SMS gateway on loopback: POST {id, to, text}; `fail_next` answers 503, `refuse_next` 400."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict, dict]] = []  # (headers, body)
        self.fail_next = 0
        self.refuse_next = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's hook name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if gateway.fail_next:
                    gateway.fail_next -= 1
                    self._answer(503, {"error": "gateway busy"})
                    return
                if gateway.refuse_next:
                    gateway.refuse_next -= 1
                    self._answer(400, {"error": "invalid number"})
                    return
                gateway.requests.append((dict(self.headers), body))
                self._answer(202, {"messageId": f"sms-{len(gateway.requests)}"})

            def _answer(self, status, document):
                payload = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def __enter__(self) -> SmsGateway:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()
