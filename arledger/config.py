"""Configuration from the environment: the only module that reads it (database URLs are read by ledger/store/urls.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ledger.store.urls import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///arledger.db"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class Settings:
    database_url: str
    host: str
    port: int
    credit_policy: str | None = None  # ARLEDGER_CREDIT_POLICY: a TOML file replacing the shipped credit policy
    risk_watch: bool = False  # ARLEDGER_RISK_WATCH=on: evaluate early-warning rules as events arrive
    dunning_policy: str | None = None  # ARLEDGER_DUNNING_POLICY: a TOML file replacing the shipped dunning policy
    template_dir: str | None = None  # ARLEDGER_TEMPLATE_DIR: dunning templates that override the shipped ones
    outbox: dict[str, object] | None = None  # ARLEDGER_SMTP_*, ARLEDGER_SMS_*, ARLEDGER_LETTER_DIR, ARLEDGER_OUTBOX_*
    log_format: str = "json"  # ARLEDGER_LOG_FORMAT: json or text
    log_level: str = "INFO"  # ARLEDGER_LOG_LEVEL
    ready_max_lag: int = 1000  # ARLEDGER_READY_MAX_LAG: /readyz fails when the read models trail the log by more
    workers: int = 1  # ARLEDGER_WORKERS: API processes `serve` starts
    startup_wait_s: int = 60  # ARLEDGER_STARTUP_WAIT_S: how long serve/project/outbox/migrate wait for the database


SWITCH = {"on": True, "1": True, "true": True, "yes": True, "off": False, "0": False, "false": False, "no": False}


def load_settings(database_url: str | None = None) -> Settings:
    """Settings from ARLEDGER_* variables; an explicit --database-url wins over the variable."""
    port_text = os.environ.get("ARLEDGER_PORT", str(DEFAULT_PORT))
    try:
        port = int(port_text)
    except ValueError:
        raise ConfigError(f"ARLEDGER_PORT must be a port number, got {port_text!r}") from None
    return Settings(
        database_url=database_url or os.environ.get("ARLEDGER_DATABASE_URL") or DEFAULT_DATABASE_URL,
        host=os.environ.get("ARLEDGER_HOST", DEFAULT_HOST),
        port=port,
        credit_policy=os.environ.get("ARLEDGER_CREDIT_POLICY") or None,
        risk_watch=_switch("ARLEDGER_RISK_WATCH", "off"),
        dunning_policy=os.environ.get("ARLEDGER_DUNNING_POLICY") or None,
        template_dir=os.environ.get("ARLEDGER_TEMPLATE_DIR") or None,
        outbox=_outbox_settings(),
        log_format=_choice("ARLEDGER_LOG_FORMAT", "json", ("json", "text")),
        log_level=_choice("ARLEDGER_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        ready_max_lag=_number("ARLEDGER_READY_MAX_LAG", 1000, 0),
        workers=_number("ARLEDGER_WORKERS", 1, 1),
        startup_wait_s=_number("ARLEDGER_STARTUP_WAIT_S", 60, 0),
    )


def _switch(name: str, default: str) -> bool:
    text = os.environ.get(name, default)
    if text.strip().lower() not in SWITCH:
        raise ConfigError(f"{name} must be on or off, got {text!r}")
    return SWITCH[text.strip().lower()]


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip()
    value = value.upper() if choices[0].isupper() else value.lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {os.environ.get(name)!r}")
    return value


def _number(name: str, default: int, minimum: int) -> int:
    text = os.environ.get(name, str(default))
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {text!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be {minimum} or more, got {value}")
    return value


def _outbox_settings() -> dict[str, object]:
    """Where the outbox sends: SMTP for e-mail, an HTTP gateway for SMS, a folder for letters; and its pacing."""
    return {
        "smtp_host": os.environ.get("ARLEDGER_SMTP_HOST") or None,
        "smtp_port": _number("ARLEDGER_SMTP_PORT", 25, 1),
        "smtp_from": os.environ.get("ARLEDGER_SMTP_FROM", ""),
        "smtp_user": os.environ.get("ARLEDGER_SMTP_USER") or None,
        "smtp_password": os.environ.get("ARLEDGER_SMTP_PASSWORD") or None,
        "smtp_starttls": _switch("ARLEDGER_SMTP_STARTTLS", "off"),
        "sms_url": os.environ.get("ARLEDGER_SMS_URL") or None,
        "sms_token": os.environ.get("ARLEDGER_SMS_TOKEN") or None,
        "letter_dir": os.environ.get("ARLEDGER_LETTER_DIR") or "letters",
        "lease_s": _number("ARLEDGER_OUTBOX_LEASE_S", 120, 1),
        "max_attempts": _number("ARLEDGER_OUTBOX_MAX_ATTEMPTS", 6, 1),
        "backoff_s": _number("ARLEDGER_OUTBOX_BACKOFF_S", 30, 0),
    }
