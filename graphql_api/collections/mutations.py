"""Collections mutations (admin and collector), thin over `services.dunning_run` and `services.dunning_policies`:
`runDunning` (notices due as of a date), `setDunningPolicy` (a customer's policy, or its exclusion), and
`recordCollectionOutcome` (what came of a collector's task)."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from graphql_api.arguments import as_plain
from graphql_api.collections.queries import CollectionTask
from graphql_api.context import caller, command_context
from graphql_api.errors import UserError
from ledger.collections.commands import RecordCollectionOutcome, SetDunningPolicy
from ledger.errors import LedgerError
from ledger.inputs import parse_date
from ledger.operations import parse_as
from projections.dunning import worklist
from services.dunning_policies import assign_policy
from services.dunning_run import run


@strawberry.type
class NoticeSummary:
    noticeId: str
    customerCode: str
    level: int
    levelName: str
    channels: list[str]
    invoices: list[str]
    currency: str
    outstanding: str
    interest: str
    fee: str
    totalDue: str


@strawberry.type
class DunningRunReport:
    asOf: str
    dryRun: bool
    issued: int
    alreadyIssued: int
    notices: list[NoticeSummary]
    excluded: list[str]
    failed: list[str]


@strawberry.input
class RunDunningInput:
    asOf: str
    dryRun: Optional[bool] = False
    customerCode: Optional[str] = None


@strawberry.type
class RunDunningPayload:
    userErrors: list[UserError]
    report: Optional[DunningRunReport]


@strawberry.input
class SetDunningPolicyInput:
    customerCode: str
    reason: str
    policy: Optional[str] = None
    excluded: Optional[bool] = False


@strawberry.type
class SetDunningPolicyPayload:
    userErrors: list[UserError]
    customerCode: Optional[str]
    policy: Optional[str]  # the policy now in force (the default when none is assigned); None when excluded
    excluded: Optional[bool]


@strawberry.input
class RecordCollectionOutcomeInput:
    customerCode: str
    taskId: str
    outcome: str  # REACHED, PROMISED, DISPUTED, NO_ANSWER, HANDED_OVER
    note: str
    promisedOn: Optional[str] = None


@strawberry.type
class RecordCollectionOutcomePayload:
    userErrors: list[UserError]
    task: Optional[CollectionTask]


@strawberry.type
class DunningMutation:
    @strawberry.mutation(
        description="Run dunning as of a date: one notice per customer and level, each invoice one "
        "level up at most; running it again for the date issues nothing. `dryRun` "
        "decides only. The outbox worker sends the messages."
    )
    def runDunning(self, info: Info, input: RunDunningInput) -> RunDunningPayload:  # noqa: A002
        principal = caller(info)
        ledger = info.context.ledger
        try:
            as_of = parse_date(input.asOf, ("asOf",), "asOf")
            done = run(ledger, as_of, principal.actor, bool(input.dryRun), input.customerCode)
        except LedgerError as refusal:
            return RunDunningPayload(userErrors=[UserError.of(refusal)], report=None)
        return RunDunningPayload(
            userErrors=[],
            report=DunningRunReport(
                asOf=as_of.isoformat(),
                dryRun=done.dry_run,
                issued=done.issued,
                alreadyIssued=done.already_issued,
                notices=[NoticeSummary(**notice) for notice in done.notices],
                excluded=done.excluded,
                failed=done.failed,
            ),
        )

    @strawberry.mutation(
        description="Put a customer on a dunning policy (absent: the default) or exclude it, with "
        "a reason (admin or collector)."
    )
    def setDunningPolicy(self, info: Info, input: SetDunningPolicyInput) -> SetDunningPolicyPayload:  # noqa: A002
        principal = caller(info)
        ledger = info.context.ledger
        try:
            command = parse_as(SetDunningPolicy, "setDunningPolicy", as_plain(input))
            assign_policy(ledger, command, command_context(info, principal, command))
        except LedgerError as refusal:
            return SetDunningPolicyPayload(
                userErrors=[UserError.of(refusal)], customerCode=None, policy=None, excluded=None
            )
        return SetDunningPolicyPayload(
            userErrors=[],
            customerCode=command.customer_code,
            excluded=command.excluded,
            policy=None if command.excluded else command.policy or ledger.dunning.default_policy,
        )

    @strawberry.mutation(
        description="Record what came of a collector's task: PROMISED (with promisedOn) records "
        "promises that pause dunning, DISPUTED opens disputes, NO_ANSWER keeps it open."
    )
    def recordCollectionOutcome(
        self,
        info: Info,
        input: RecordCollectionOutcomeInput,  # noqa: A002
    ) -> RecordCollectionOutcomePayload:
        principal = caller(info)
        ledger = info.context.ledger
        try:
            command = parse_as(RecordCollectionOutcome, "recordCollectionOutcome", as_plain(input))
            outcome = ledger.app.perform(command, command_context(info, principal, command))
        except LedgerError as refusal:
            return RecordCollectionOutcomePayload(userErrors=[UserError.of(refusal)], task=None)
        ledger.runner.catch_up(outcome.position)
        found = worklist(ledger.database, None, None, 1, command.task_id)
        return RecordCollectionOutcomePayload(userErrors=[], task=CollectionTask(**found[0]) if found else None)
