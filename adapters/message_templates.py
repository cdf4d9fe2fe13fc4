"""Renders a dunning notice into what each channel sends: an e-mail (subject and body), an SMS, a letter's text,
or a collector's task, in the customer's locale (zh-CN or en; others fall back to en). Templates are Jinja2 files
`<template>.<locale>.j2` with the blocks subject, email, sms, letter and task (the macros of `_lines.<locale>.j2`
are there as `l`), looked up first in
ARLEDGER_TEMPLATE_DIR (if set), then in the shipped `templates/dunning/`. A template that names a missing value
fails loudly (StrictUndefined) rather than sending a blank."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from ledger.collections.dunning import Notice
from ledger.money import format_amount
from ledger.vocabulary import MESSAGE_CHANNELS, language
from policies.dunning import DunningConfig

SHIPPED_TEMPLATES = Path(__file__).with_name("templates") / "dunning"


class TemplateError(ValueError):
    """A template is missing or does not render (named)."""


@dataclass(frozen=True)
class Contact:
    code: str
    name: str
    email: Optional[str]
    phone: Optional[str]
    locale: Optional[str]


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str  # the e-mail body, the SMS text, the letter's text or the task's instructions


class Renderer:
    def __init__(self, config: DunningConfig, template_dir: Optional[str] = None) -> None:
        self.config = config
        folders = [str(template_dir)] if template_dir else []
        self.environment = Environment(
            loader=FileSystemLoader([*folders, str(SHIPPED_TEMPLATES)]),
            undefined=StrictUndefined,
            keep_trailing_newline=False,
            autoescape=False,
        )

    def context(self, notice: Notice, contact: Contact, locale: str) -> dict[str, Any]:
        money = lambda amount: format_amount(amount, notice.currency)  # noqa: E731
        level = notice.level
        name = (
            self.config.level_names_zh.get((notice.policy, level.level), level.name)
            if locale == "zh-CN"
            else level.name
        )
        rate = level.annual_interest_rate
        return {
            "company": self.config.company,
            "customer": contact,
            "n": {
                "id": notice.notice_id,
                "level": level.level,
                "level_name": name,
                "as_of": notice.as_of.isoformat(),
                "currency": notice.currency,
                "numbers": ", ".join(line.invoice_number for line in notice.lines),
                "lines": [
                    {
                        "invoice": line.invoice_number,
                        "due_on": line.due_on.isoformat(),
                        "days_overdue": line.days_overdue,
                        "outstanding": money(line.outstanding),
                        "interest": money(line.interest),
                    }
                    for line in notice.lines
                ],
                "outstanding": money(notice.outstanding),
                "interest": money(notice.interest),
                "fee": money(notice.fee),
                "total_due": money(notice.total_due),
                "charges_interest": rate > 0,
                "charges_fee": notice.fee > 0,
                "rate_percent": f"{(rate * 100).normalize():f}" if rate else "0",
            },
        }

    def render_statement(self, values: dict[str, Any], contact: Contact) -> Rendered:
        """A statement's cover e-mail (`statement.<locale>.j2`, blocks subject and email); `values` are its id,
        period, currency and balances as `s`."""
        locale = language(contact.locale)
        name = f"statement.{locale}.j2"
        try:
            template = self.environment.get_template(name)
            context = template.new_context({"company": self.config.company, "customer": contact, "s": values})
            return Rendered(
                "".join(template.blocks["subject"](context)).strip(),
                "".join(template.blocks["email"](context)).strip() + "\n",
            )
        except TemplateNotFound:
            raise TemplateError(f"statement template {name} not found") from None
        except Exception as error:  # jinja2's UndefinedError and friends: name the template
            raise TemplateError(f"statement template {name}: {error}") from None

    def render(self, notice: Notice, contact: Contact, channel: str) -> Rendered:
        """What `channel` sends for this notice (EMAIL, SMS and LETTER: a message; the others: a task)."""
        locale = language(contact.locale)
        name = f"{notice.level.template}.{locale}.j2"
        try:
            template = self.environment.get_template(name)
        except TemplateNotFound:
            raise TemplateError(
                f"dunning template {name} not found (level {notice.level.level} of policy {notice.policy})"
            ) from None
        values = self.context(notice, contact, locale)
        values["l"] = self.environment.get_template(f"_lines.{locale}.j2").module  # the table and totals macros
        context = template.new_context(values)
        block = channel.lower() if channel in MESSAGE_CHANNELS else "task"  # a template block per message channel
        try:
            subject = "".join(template.blocks["subject"](context)).strip()
            body = "".join(template.blocks[block](context)).strip()
        except KeyError as missing:
            raise TemplateError(f"dunning template {name} has no block {missing}") from None
        except Exception as error:  # jinja2's UndefinedError and friends: name the template
            raise TemplateError(f"dunning template {name}: {error}") from None
        return Rendered(subject, body + "\n" if channel in ("EMAIL", "LETTER") else body)
