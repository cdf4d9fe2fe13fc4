"""Every limit in one place (TIGER_STYLE): sizes of inputs, batches and pages, checked where they are used."""

MAX_CODE_LENGTH = 64  # customer codes, invoice/credit-note numbers, payment references
MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 1000  # reasons, notes, line descriptions
MAX_EMAIL_LENGTH = 254
MAX_PHONE_LENGTH = 32
MAX_LINES_PER_INVOICE = 500
MAX_INSTALLMENTS_PER_INVOICE = 120
MAX_ALLOCATIONS_PER_OPERATION = 500
MAX_PAYMENT_TERMS_DAYS = 3650
MAX_DUNNING_LEVEL = 99
MAX_AMOUNT_DIGITS = 15  # integer digits of any one amount: up to 999 trillion
MAX_AMOUNT_MINOR_DIGITS = 18  # digits of any one amount counted in minor units (4-decimal CLF, UYW: 14 integer digits)
# Each of a customer's lifetime totals (invoiced, voided invoices included; payments received, reversed ones
# included; credit notes issued) stays at or below this many minor units. Every per-customer sum the read models
# keep or compute is made of at most three such totals, so it stays below 3 x 10^18 < 2^63: it fits the BIGINT
# columns, SQLite's integer SUM and PostgreSQL's bigint, however many documents the customer has.
MAX_ACCOUNT_TOTAL_MINOR = 10**18 - 1
# Precision of the decimal context amount arithmetic runs in: a product of the largest quantity and price (40
# digits), a sum of any number of customers' totals, never rounded and never InvalidOperation.
WIDE_DECIMAL_DIGITS = 100
MAX_QUANTITY_DECIMALS = 6
MAX_TAX_RATE_DECIMALS = 6
MAX_PORTION_DECIMALS = 10
EARLIEST_DATE_YEAR = 1900
LATEST_DATE_YEAR = 2200

MAX_IMPORT_LINE_BYTES = 1_048_576
IMPORT_BATCH_LINES = 500  # operations per transaction during import
COMMAND_RETRY_ATTEMPTS = 30  # optimistic-concurrency retries before CONFLICT

VERIFY_MAX_FINDINGS = 100  # problems `verify` lists one by one (it counts the rest)
