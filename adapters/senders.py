"""How each channel sends one delivery: e-mail over SMTP (standard library), SMS through an HTTP gateway (a JSON
POST), letters as PDF files in a folder. Each returns what the receiver said, or raises DeliveryError saying why
and whether trying again could help (a 4xx SMTP reply or a 5xx from the gateway: yes; a refused address: no).

Every message carries a stable id derived from its delivery id (the e-mail's Message-ID, the gateway's
Idempotency-Key and `id`, the letter's file name), so a message sent again after a crash left its outcome in
doubt is recognisable as the same message by a receiver that deduplicates.
"""

from __future__ import annotations

import hashlib
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path
from typing import Optional

import httpx

from adapters.letters import letter_pdf
from policies.dunning import Company

SMTP_TIMEOUT_S = 30
SMS_TIMEOUT_S = 15


class DeliveryError(Exception):
    def __init__(self, reason: str, retry: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


@dataclass(frozen=True)
class Outgoing:
    """One delivery as the outbox read model holds it."""

    delivery_id: str
    customer_code: str
    channel: str
    recipient: Optional[str]
    subject: str
    body: str
    locale: str
    requested_on: str  # the notice's (or statement's) date, printed on letters
    source_id: str = ""  # the notice or statement the message carries


def message_id(delivery_id: str, domain: str) -> str:
    return f"<{hashlib.sha256(delivery_id.encode()).hexdigest()[:32]}@{domain}>"


def file_name(delivery_id: str) -> str:
    """Readable and unique: the id with unsafe characters replaced, and a digest of the real id (A:1 and A_1 differ)."""
    return f"{re.sub(r'[^A-Za-z0-9._-]', '_', delivery_id)}-{hashlib.sha256(delivery_id.encode()).hexdigest()[:8]}.pdf"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = ""
    user: Optional[str] = None
    password: Optional[str] = None
    starttls: bool = False


Attachments = Callable[[Outgoing], list[tuple[str, str, bytes]]]  # (file name, MIME type, content)


def email_sender(
    settings: SmtpSettings, company: Company, attachments: Optional[Attachments] = None
) -> Callable[[Outgoing], str]:
    sender = settings.sender or company.email
    domain = sender.rpartition("@")[2] or "arledger.invalid"

    def send(item: Outgoing) -> str:
        if not item.recipient:
            raise DeliveryError(f"customer {item.customer_code} has no e-mail address on file", retry=False)
        message = EmailMessage()
        message["From"] = formataddr((company.name_zh if item.locale == "zh-CN" else company.name, sender))
        message["To"] = item.recipient
        message["Subject"] = item.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id(item.delivery_id, domain)
        message["X-Arledger-Delivery"] = item.delivery_id
        message.set_content(item.body)
        for name, mime, content in attachments(item) if attachments else []:
            main, _, sub = mime.partition("/")
            message.add_attachment(content, maintype=main, subtype=sub, filename=name)
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_S) as smtp:
                if settings.starttls:
                    smtp.starttls()
                if settings.user:
                    smtp.login(settings.user, settings.password or "")
                refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            raise DeliveryError(
                f"recipient refused: {error.recipients}", retry=all(400 <= c < 500 for c in codes)
            ) from error
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(f"SMTP {error.smtp_code}: {error.smtp_error!r}", retry=error.smtp_code < 500) from error
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"SMTP server {settings.host}:{settings.port}: {error}", retry=True) from error
        if refused:
            raise DeliveryError(f"recipient refused: {refused}", retry=False)
        return f"accepted by {settings.host}:{settings.port} as {message['Message-ID']}"

    return send


def sms_sender(url: str, token: Optional[str]) -> Callable[[Outgoing], str]:
    def send(item: Outgoing) -> str:
        if not item.recipient:
            raise DeliveryError(f"customer {item.customer_code} has no phone number on file", retry=False)
        headers = {"Idempotency-Key": item.delivery_id}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = httpx.post(
                url,
                json={"id": item.delivery_id, "to": item.recipient, "text": item.body},
                headers=headers,
                timeout=SMS_TIMEOUT_S,
            )
        except httpx.HTTPError as error:
            raise DeliveryError(f"SMS gateway {url}: {error}", retry=True) from None
        if response.is_success:
            return f"SMS gateway {response.status_code}: {response.text[:200]}"
        retry = response.status_code >= 500 or response.status_code in (408, 429)
        raise DeliveryError(f"SMS gateway {response.status_code}: {response.text[:200]}", retry=retry)

    return send


def letter_writer(folder: Path, company: Company) -> Callable[[Outgoing], str]:
    def send(item: Outgoing) -> str:
        target = folder / file_name(item.delivery_id)
        try:
            letter_pdf(
                target,
                company,
                item.locale,
                item.recipient or item.customer_code,
                item.requested_on,
                item.subject,
                item.body,
            )
        except OSError as error:
            raise DeliveryError(f"letter {target}: {error}", retry=True) from None
        return f"written to {target}"

    return send
