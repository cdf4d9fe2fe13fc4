"""Assigning a customer's dunning policy: the policy must be one of the dunning configuration's (which the ledger's
decision does not read), checked here for the CLI and GraphQL alike."""

from __future__ import annotations

from ledger.collections.commands import SetDunningPolicy
from ledger.context import CommandContext
from ledger.errors import ValidationError
from ledger.handlers import Outcome
from services.books import Ledger


def assign_policy(ledger: Ledger, command: SetDunningPolicy, context: CommandContext) -> Outcome:
    """Raises ValidationError (on policy: not in the configuration) and the refusals of the decision."""
    policies = ledger.dunning.policies
    if command.policy is not None and command.policy not in policies:
        raise ValidationError(f"policy {command.policy!r} is not one of {', '.join(policies)}", ("policy",))
    return ledger.app.perform(command, context)
