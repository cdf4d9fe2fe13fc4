"""Risk alerts on an account: raised when a condition begins to hold, cleared by the rule when it stops, never
twice for the same condition, resolvable by a person (and then quiet until the condition has stopped once),
with a credit hold where the rule says so; applying the same conditions twice records nothing."""

from datetime import date

import pytest

from ledger.context import CommandContext
from ledger.errors import LedgerError
from ledger.risk.commands import AcknowledgeRiskAlert, ApplyRiskConditions, ResolveRiskAlert
from ledger.risk.rules import Condition
from tests.builders import Scenario, a_customer

LATE = Condition("consecutive_late", "", {"count": 3}, False)
BOUNCED = Condition("bounced_payment", "P-7", {}, True)


@pytest.fixture
def books():
    scenario = Scenario()
    scenario.given("registerCustomer", a_customer("C1"))
    return scenario


def _apply(books, *conditions, on=date(2026, 6, 1)):
    before = books.event_count()
    books.app.perform(ApplyRiskConditions("C1", on, tuple(conditions)), CommandContext(actor="risk:scan"))
    return books.event_count() - before


def _alerts(books):
    return {alert_id: alert["status"] for alert_id, alert in books.account().alerts.items()}


def test_a_condition_raises_one_alert_and_clears_when_it_stops(books):
    assert _apply(books, LATE) == 1
    assert _apply(books, LATE) == 0  # the same condition again: nothing new
    assert _alerts(books) == {"consecutive_late::1": "OPEN"}
    assert _apply(books) == 1  # it stopped holding: cleared by the rule
    assert _alerts(books) == {"consecutive_late::1": "CLEARED"}
    assert _apply(books, LATE) == 1  # a new episode is a new alert
    assert _alerts(books)["consecutive_late::2"] == "OPEN"


def test_a_hold_rule_places_one_credit_hold(books):
    assert _apply(books, BOUNCED, LATE) == 3  # two alerts and the hold
    assert books.account().on_credit_hold
    assert _apply(books, BOUNCED, LATE, Condition("bounced_payment", "P-8", {}, True)) == 1  # already on hold


def test_a_person_resolves_and_the_condition_stays_quiet_until_it_has_stopped(books):
    _apply(books, LATE)
    books.app.perform(AcknowledgeRiskAlert("C1", "consecutive_late::1", "calling them"), CommandContext(actor="a"))
    assert _alerts(books) == {"consecutive_late::1": "ACKNOWLEDGED"}
    assert _apply(books, LATE) == 0
    books.app.perform(ResolveRiskAlert("C1", "consecutive_late::1", "agreed a plan"), CommandContext(actor="a"))
    assert _apply(books, LATE) == 0  # still holding, but a person dealt with it
    assert _apply(books) == 1  # it stopped: the quiet ends (RiskConditionsEnded)
    assert _apply(books, LATE) == 1 and _alerts(books)["consecutive_late::2"] == "OPEN"


def test_acknowledging_or_resolving_what_is_not_live_is_refused(books):
    _apply(books, LATE)
    _apply(books)
    for command, code in (
        (AcknowledgeRiskAlert("C1", "consecutive_late::1", "x"), "INVALID_STATE"),
        (ResolveRiskAlert("C1", "nope", "x"), "NOT_FOUND"),
    ):
        before = books.event_count()
        with pytest.raises(LedgerError) as refused:
            books.app.perform(command, CommandContext(actor="a"))
        assert refused.value.code == code and books.event_count() == before


def test_conditions_older_than_the_latest_alert_are_refused_and_record_nothing(books):
    assert _apply(books, LATE, on=date(2026, 6, 10)) == 1
    before = books.event_count()
    with pytest.raises(LedgerError) as refused:
        books.app.perform(ApplyRiskConditions("C1", date(2026, 6, 9), ()), CommandContext(actor="risk:scan"))
    assert refused.value.code == "INVALID_STATE" and "2026-06-10" in refused.value.message
    assert books.event_count() == before and _alerts(books) == {"consecutive_late::1": "OPEN"}
    assert _apply(books, LATE, on=date(2026, 6, 10)) == 0  # the same day again: allowed, and nothing new
    assert _apply(books, on=date(2026, 6, 11)) == 1  # a later day clears by rule
