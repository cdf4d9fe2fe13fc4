"""The closed lists of values the ledger speaks, each written once.

Commands refuse a value outside its list (`Reader.choice`), the command line offers them as choices, GraphQL
arguments are checked against them, and the read models store and filter by them; all of those import the list
from here, so a value is added or renamed in one place. The order is the one messages and `--help` show.
"""

from __future__ import annotations

# How a customer paid (recordPayment's `method`).
PAYMENT_METHODS = ("BANK_TRANSFER", "CARD", "ONLINE", "CASH", "CHEQUE", "OTHER")

# Dunning channels, in two kinds: messages are sent through the outbox (each becomes a delivery); tasks are work
# for a collector (each becomes a collection task). A dunning level names channels of either kind.
MESSAGE_CHANNELS = ("EMAIL", "SMS", "LETTER")
TASK_CHANNELS = ("PHONE", "VISIT", "AGENCY", "LEGAL")
DUNNING_CHANNELS = MESSAGE_CHANNELS + TASK_CHANNELS

# The languages letters, messages and statements are written in (a customer's `locale`).
LOCALES = ("zh-CN", "en")


def language(locale: object) -> str:
    """The locale messages are written in: the customer's when it is one of LOCALES, English otherwise."""
    return locale if locale in LOCALES else "en"


# What a collector records for a task (recordCollectionOutcome's `outcome`); NO_ANSWER leaves the task open.
COLLECTION_OUTCOMES = ("REACHED", "PROMISED", "DISPUTED", "NO_ANSWER", "HANDED_OVER")

# A collection task is OPEN until an outcome other than NO_ANSWER closes it.
TASK_STATUSES = ("OPEN", "DONE")

# A risk alert's life: raised OPEN, perhaps ACKNOWLEDGED by a person; CLEARED when its condition stops holding,
# RESOLVED when a person closes it. The first two are live.
ALERT_STATUSES = ("OPEN", "ACKNOWLEDGED", "CLEARED", "RESOLVED")
LIVE_ALERT_STATUSES = ("OPEN", "ACKNOWLEDGED")

# A statement of account is SENT until the customer CONFIRMED or DISPUTED its balance.
STATEMENT_STATUSES = ("SENT", "CONFIRMED", "DISPUTED")

# An outbox delivery: PENDING, SENDING while leased, RETRY after a failed attempt with tries left, then DELIVERED
# or FAILED for good.
DELIVERY_STATUSES = ("PENDING", "SENDING", "RETRY", "DELIVERED", "FAILED")
