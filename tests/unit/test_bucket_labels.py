"""Aging bucket labels: the ages each bucket of the contract's aging holds, on either basis."""

import pytest

from projections.aging import DUE_DATE, ISSUE_DATE, bucket_labels


@pytest.mark.parametrize(
    "basis, boundaries, labels",
    [
        (DUE_DATE, (30, 60, 90), ["1-30", "31-60", "61-90", "91+"]),  # age 0 and below is current
        (ISSUE_DATE, (30, 60, 90), ["0-30", "31-60", "61-90", "91+"]),  # nothing is current: bucket 1 holds 0
        (DUE_DATE, (15, 45), ["1-15", "16-45", "46+"]),
        (DUE_DATE, (1,), ["1-1", "2+"]),
    ],
)
def test_each_bucket_is_labelled_with_the_ages_it_holds(basis, boundaries, labels):
    assert bucket_labels(basis, boundaries) == labels
