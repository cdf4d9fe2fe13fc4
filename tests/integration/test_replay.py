"""Audit replay folds the log itself up to an instant and agrees with the read models' knownAt answers, on
random histories at random instants (between operations and exactly on them)."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.aging import AgingQuery, aging_report
from replay.books import replay
from tests import oracle
from tests.integration.test_read_model_properties import START, _history, operation

FAR = date(2030, 1, 1)


def _net(balance):
    d = {
        key: Decimal(value) for key, value in balance.items() if key not in ("customerCode", "currency", "onCreditHold")
    }
    return d["invoiced"] - d["voided"] - d["paid"] - d["credited"] - d["writtenOff"] + d["reversed"]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    operations=st.lists(operation, min_size=1, max_size=25),
    checks=st.lists(
        st.tuples(
            st.integers(0, 300),
            st.integers(1, 30),
            st.sampled_from([0, 1, 30]),
            st.sampled_from(["DUE_DATE", "ISSUE_DATE"]),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_replay_agrees_with_the_read_models_known_at_answers(tmp_path_factory, operations, checks):
    ledger, books, events = _history(f"sqlite:///{tmp_path_factory.mktemp('r') / 'r.db'}", operations)
    try:
        for as_of_offset, step, seconds, basis in checks:
            known_at = books.recorded_at(min(step, books.operations)) + timedelta(seconds=seconds)
            as_of = START + timedelta(days=as_of_offset)
            replayed = replay(ledger.app, known_at, as_of, basis, (30, 60, 90))
            live = aging_report(ledger.database, AgingQuery(as_of, known_at, basis, (30, 60, 90)))
            assert replayed["aging"]["rows"] == live["rows"]
            assert replayed["aging"]["totals"] == live["totals"]
            assert replayed["aging"]["knownAt"] == live["knownAt"]
            for balance in replayed["balances"]:
                assert _net(balance) == oracle.net_balance(events, balance["customerCode"], FAR, known_at)
    finally:
        ledger.close()
