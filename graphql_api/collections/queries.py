"""Dunning and collections in GraphQL, thin over `services.dunning_run` and `projections.dunning`: notices,
deliveries and the collectors' worklist (staff), previews of what a level sends (staff), and `runDunning`,
`setDunningPolicy`, `recordCollectionOutcome` (admin and collector)."""

from __future__ import annotations

from datetime import date
from typing import Optional

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from graphql_api.context import caller, command_context
from graphql_api.documents.connections import page_size
from graphql_api.documents.inputs import as_plain
from graphql_api.documents.types import UserError
from graphql_api.reports import plain as reports
from ledger.collections.dunning import MESSAGE_CHANNELS, TASK_CHANNELS
from ledger.errors import LedgerError
from ledger.inputs import parse_date
from ledger.operations import parse_command
from ledger.vocabulary import LOCALES, TASK_STATUSES
from projections.dunning import DELIVERY_STATUSES, deliveries, notices, worklist
from services.dunning_policies import assign_policy
from services.dunning_run import PreviewError, preview, run


def _one_of(name: str, value: Optional[str], choices: tuple[str, ...]) -> Optional[str]:
    if value is not None and value not in choices:
        raise reports.bad_input(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


@strawberry.type
class DunningNotice:
    noticeId: str
    customerCode: str
    asOf: str
    policy: str
    level: int
    levelName: str
    currency: str
    outstanding: str
    interest: str
    fee: str
    totalDue: str
    channels: list[str]
    lines: JSON  # [{invoiceNumber, dueOn, daysOverdue, outstanding, interest}]
    actor: str


@strawberry.type
class Delivery:
    deliveryId: str
    customerCode: str
    noticeId: str
    channel: str
    recipient: Optional[str]
    subject: str
    status: str  # PENDING, SENDING, RETRY, DELIVERED, FAILED
    attempts: int
    lastError: Optional[str]
    detail: Optional[str]
    worker: Optional[str]


@strawberry.type
class CollectionTask:
    taskId: str
    customerCode: str
    customerName: str
    phone: Optional[str]
    noticeId: str
    kind: str
    instructions: str
    invoices: list[str]
    amount: str
    currency: str
    daysOverdue: int
    grade: Optional[str]
    riskWeight: str
    priority: str
    status: str
    outcome: Optional[str]
    note: Optional[str]
    changedBy: str


@strawberry.type
class RenderedMessage:
    channel: str
    subject: str
    body: str


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


@strawberry.type
class DunningQuery:
    @strawberry.field(description="Dunning notices, newest first; filter by customer and run date.")
    def dunningNotices(
        self, info: Info, customerCode: Optional[str] = None, asOf: Optional[str] = None, first: int = 100
    ) -> list[DunningNotice]:
        caller(info)
        on = None if asOf is None else reports.parse_date(asOf, "asOf")
        return [
            DunningNotice(**row) for row in notices(info.context.ledger.database, customerCode, on, page_size(first))
        ]

    @strawberry.field(
        description="The outbox's deliveries, newest first: state, attempts, last error, the "
        "receiver's reply. Filter by status, channel, customer."
    )
    def deliveries(
        self,
        info: Info,
        status: Optional[str] = None,
        channel: Optional[str] = None,
        customerCode: Optional[str] = None,
        first: int = 100,
    ) -> list[Delivery]:
        caller(info)
        _one_of("status", status, DELIVERY_STATUSES)
        _one_of("channel", channel, MESSAGE_CHANNELS)
        return [
            Delivery(**row)
            for row in deliveries(info.context.ledger.database, status, channel, customerCode, page_size(first))
        ]

    @strawberry.field(
        description="Collectors' tasks (PHONE, VISIT, AGENCY, LEGAL), highest priority first: "
        "amount x days overdue x the customer's risk weight."
    )
    def collectionWorklist(
        self, info: Info, status: Optional[str] = "OPEN", kind: Optional[str] = None, first: int = 100
    ) -> list[CollectionTask]:
        caller(info)
        _one_of("status", status, TASK_STATUSES)
        _one_of("kind", kind, TASK_CHANNELS)
        return [CollectionTask(**row) for row in worklist(info.context.ledger.database, status, kind, page_size(first))]

    @strawberry.field(
        description="What a dunning level would send a customer for its open invoices as of a date "
        "(default today), channel by channel; nothing is recorded."
    )
    def dunningPreview(
        self,
        info: Info,
        customerCode: str,
        level: int,
        asOf: Optional[str] = None,
        channel: Optional[str] = None,
        locale: Optional[str] = None,
    ) -> list[RenderedMessage]:
        caller(info)
        _one_of("locale", locale, LOCALES)
        on = date.today() if asOf is None else reports.parse_date(asOf, "asOf")
        try:
            rendered = preview(info.context.ledger, customerCode, level, on, channel, locale)
        except PreviewError as error:
            raise reports.bad_input(str(error)) from None
        return [RenderedMessage(channel=each, subject=message.subject, body=message.body) for each, message in rendered]


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
            command = parse_command("setDunningPolicy", as_plain(input))
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
            command = parse_command("recordCollectionOutcome", as_plain(input))
            outcome = ledger.app.execute(command, command_context(info, principal, command))
        except LedgerError as refusal:
            return RecordCollectionOutcomePayload(userErrors=[UserError.of(refusal)], task=None)
        ledger.runner.catch_up(outcome.position)
        found = worklist(ledger.database, None, None, 1, command.task_id)
        return RecordCollectionOutcomePayload(userErrors=[], task=CollectionTask(**found[0]) if found else None)
