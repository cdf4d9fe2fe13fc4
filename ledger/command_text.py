"""Every string a command carries checked against the text rules (`ledger.text`) before it is decided on.

The input parsers already check the fields they read, with their exact paths; this is the one check every
command passes whatever built it — a GraphQL argument, a CLI option, a bank file, a dunning run, the outbox — so
no path can record text a store cannot hold. Which rule applies is decided by the field's name, because the same
names mean the same things in every command (a `reason` is always free text, a `reference` always an identifier);
a field not named below is one-line text, the strict default a new field gets until someone decides otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledger.context import CommandContext
from ledger.text import FREE, IDENTIFIER, LINE, check_text

FREE_TEXT_FIELDS = frozenset(
    {"description", "reason", "note", "body", "instructions", "detail", "remittance", "credit_override_reason"}
)
IDENTIFIER_FIELDS = frozenset(
    {
        "code",
        "customer_code",
        "number",
        "reference",
        "invoice_number",
        "email",
        "phone",
        "alert_id",
        "policy",
        "delivery_id",
        "task_id",
        "notice_id",
        "statement_id",
        "account",
        "bank_reference",
    }
)


def camel(name: str) -> str:
    """customer_code -> customerCode: the input's own spelling, for the field path of a refusal."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _text_rule(name: str | None) -> str:
    if name in FREE_TEXT_FIELDS:
        return FREE
    return IDENTIFIER if name in IDENTIFIER_FIELDS else LINE


def _walk(value: Any, path: tuple[str | int, ...], name: str | None) -> None:
    if isinstance(value, str):
        check_text(value, path, camel(name) if name else ".".join(map(str, path)) or "text", _text_rule(name))
    elif isinstance(value, (tuple, list)):
        for index, item in enumerate(value):
            _walk(item, (*path, index), name)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _walk(key, path, name)
            _walk(item, (*path, str(key)), name)
    elif hasattr(value, "__dataclass_fields__"):
        for field_name in value.__dataclass_fields__:
            _walk(getattr(value, field_name), (*path, camel(field_name)), field_name)


def check_fields_text(command: object) -> None:
    """Raises ValidationError naming the first string of the command a store may not hold."""
    _walk(command, (), None)


def check_command_text(command: object, context: CommandContext) -> None:
    """Raises ValidationError naming the first string of the command (or of who sent it) a store may not hold."""
    check_fields_text(command)
    check_text(context.actor, ("actor",), "actor")
    if context.operation_key is not None:
        check_text(context.operation_key, ("operationKey",), "operation key")
