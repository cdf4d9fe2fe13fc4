"""Read-model tables. Amounts are integer minor units, dates day ordinals, instants microseconds since the epoch.

`{p}` is the table prefix: `ar_` for the live models, `scratch_ar_` for the rebuild that `reconcile` compares.
"""

TABLES = {
    "customers": """CREATE TABLE IF NOT EXISTS {p}customers (
        customer_code TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL, currency TEXT NOT NULL,
        credit_limit_minor BIGINT, payment_terms_days INTEGER NOT NULL, email TEXT, phone TEXT, locale TEXT,
        on_credit_hold INTEGER NOT NULL, registered_us BIGINT NOT NULL,
        invoiced_minor BIGINT NOT NULL, voided_minor BIGINT NOT NULL, paid_minor BIGINT NOT NULL,
        credited_minor BIGINT NOT NULL, written_off_minor BIGINT NOT NULL, reversed_minor BIGINT NOT NULL,
        outstanding_minor BIGINT NOT NULL, unallocated_minor BIGINT NOT NULL)""",
    "invoices": """CREATE TABLE IF NOT EXISTS {p}invoices (
        invoice_number TEXT PRIMARY KEY, customer_code TEXT NOT NULL, currency TEXT NOT NULL,
        issue_day INTEGER NOT NULL, due_day INTEGER NOT NULL, total_minor BIGINT NOT NULL,
        recorded_us BIGINT NOT NULL, position BIGINT NOT NULL, void_day INTEGER, void_recorded_us BIGINT,
        settled_minor BIGINT NOT NULL, written_off_minor BIGINT NOT NULL, dispute_open INTEGER NOT NULL)""",
    "installments": """CREATE TABLE IF NOT EXISTS {p}installments (
        invoice_number TEXT NOT NULL, seq INTEGER NOT NULL, customer_code TEXT NOT NULL, currency TEXT NOT NULL,
        issue_day INTEGER NOT NULL, due_day INTEGER NOT NULL, amount_minor BIGINT NOT NULL,
        cum_before_minor BIGINT NOT NULL, outstanding_minor BIGINT NOT NULL, PRIMARY KEY (invoice_number, seq))""",
    "settlements": """CREATE TABLE IF NOT EXISTS {p}settlements (
        position BIGINT PRIMARY KEY, invoice_number TEXT NOT NULL, customer_code TEXT NOT NULL, kind TEXT NOT NULL,
        source TEXT NOT NULL, amount_minor BIGINT NOT NULL, effective_day INTEGER NOT NULL,
        recorded_us BIGINT NOT NULL, undone_day INTEGER, undone_recorded_us BIGINT)""",
    "credits": """CREATE TABLE IF NOT EXISTS {p}credits (
        kind TEXT NOT NULL, source TEXT NOT NULL, customer_code TEXT NOT NULL, currency TEXT NOT NULL,
        amount_minor BIGINT NOT NULL, date_day INTEGER NOT NULL, recorded_us BIGINT NOT NULL, position BIGINT NOT NULL,
        reversed_day INTEGER, reversed_recorded_us BIGINT, allocated_minor BIGINT NOT NULL,
        PRIMARY KEY (kind, source))""",
    "meta": """CREATE TABLE IF NOT EXISTS {p}meta (name TEXT PRIMARY KEY, value BIGINT NOT NULL)""",
    # Credit assessments, one row each: the score in tenths, amounts in minor units, factors as JSON text.
    "assessments": """CREATE TABLE IF NOT EXISTS {p}assessments (
        position BIGINT PRIMARY KEY, customer_code TEXT NOT NULL, assessed_day INTEGER NOT NULL,
        recorded_us BIGINT NOT NULL, actor TEXT NOT NULL, policy_version TEXT NOT NULL, score_tenths INTEGER NOT NULL,
        grade TEXT NOT NULL, monthly_invoicing_minor BIGINT NOT NULL, recommended_limit_minor BIGINT NOT NULL,
        recommended_terms_days INTEGER NOT NULL, applied INTEGER NOT NULL, factors TEXT NOT NULL, note TEXT)""",
    # Risk alerts: raised by early-warning rules, acknowledged, cleared by the rule or resolved by a person.
    "alerts": """CREATE TABLE IF NOT EXISTS {p}alerts (
        alert_id TEXT NOT NULL, customer_code TEXT NOT NULL, rule TEXT NOT NULL, subject TEXT NOT NULL,
        raised_day INTEGER NOT NULL, raised_us BIGINT NOT NULL, position BIGINT NOT NULL, evidence TEXT NOT NULL,
        hold INTEGER NOT NULL, status TEXT NOT NULL, changed_us BIGINT NOT NULL, closed_day INTEGER, reason TEXT,
        changed_by TEXT NOT NULL, PRIMARY KEY (customer_code, alert_id))""",
    # Collection facts per invoice, in log order: promises to pay, disputes opened and resolved, dunning actions.
    "collection_log": """CREATE TABLE IF NOT EXISTS {p}collection_log (
        position BIGINT PRIMARY KEY, invoice_number TEXT NOT NULL, customer_code TEXT NOT NULL, kind TEXT NOT NULL,
        day INTEGER NOT NULL, amount_minor BIGINT, level INTEGER, channel TEXT, note TEXT, made_day INTEGER NOT NULL,
        recorded_us BIGINT NOT NULL)""",
    # Collection: each customer's dunning policy (absent: the default), the notices dunning runs issued, the
    # outbox's deliveries with their state, and collectors' tasks with their outcome.
    "dunning_settings": """CREATE TABLE IF NOT EXISTS {p}dunning_settings (
        customer_code TEXT PRIMARY KEY, policy TEXT, excluded INTEGER NOT NULL, reason TEXT NOT NULL,
        changed_us BIGINT NOT NULL, changed_by TEXT NOT NULL)""",
    "notices": """CREATE TABLE IF NOT EXISTS {p}notices (
        notice_id TEXT PRIMARY KEY, customer_code TEXT NOT NULL, as_of_day INTEGER NOT NULL, policy TEXT NOT NULL,
        level INTEGER NOT NULL, level_name TEXT NOT NULL, currency TEXT NOT NULL, outstanding_minor BIGINT NOT NULL,
        interest_minor BIGINT NOT NULL, fee_minor BIGINT NOT NULL, total_minor BIGINT NOT NULL, channels TEXT NOT NULL,
        lines TEXT NOT NULL, recorded_us BIGINT NOT NULL, position BIGINT NOT NULL, actor TEXT NOT NULL)""",
    "deliveries": """CREATE TABLE IF NOT EXISTS {p}deliveries (
        delivery_id TEXT PRIMARY KEY, customer_code TEXT NOT NULL, notice_id TEXT NOT NULL, channel TEXT NOT NULL,
        recipient TEXT, subject TEXT NOT NULL, body TEXT NOT NULL, locale TEXT NOT NULL, status TEXT NOT NULL,
        attempts INTEGER NOT NULL, retry_us BIGINT, lease_us BIGINT, last_error TEXT, detail TEXT,
        requested_us BIGINT NOT NULL, changed_us BIGINT NOT NULL, position BIGINT NOT NULL, worker TEXT)""",
    # Deliveries an earlier version recorded on the customer's account, until `arledger migrate` adopts them into
    # aggregates of their own: the outbox leaves them alone meanwhile (and says why).
    "unadopted_deliveries": """CREATE TABLE IF NOT EXISTS {p}unadopted_deliveries (
        delivery_id TEXT PRIMARY KEY, customer_code TEXT NOT NULL)""",
    "tasks": """CREATE TABLE IF NOT EXISTS {p}tasks (
        task_id TEXT PRIMARY KEY, customer_code TEXT NOT NULL, notice_id TEXT NOT NULL, kind TEXT NOT NULL,
        instructions TEXT NOT NULL, invoices TEXT NOT NULL, amount_minor BIGINT NOT NULL, days_overdue INTEGER NOT NULL,
        status TEXT NOT NULL, outcome TEXT, note TEXT, created_us BIGINT NOT NULL, changed_us BIGINT NOT NULL,
        changed_by TEXT NOT NULL, position BIGINT NOT NULL)""",
    # Statements of account sent, and the customer's answer: SENT (no answer yet), CONFIRMED or DISPUTED.
    "statements": """CREATE TABLE IF NOT EXISTS {p}statements (
        statement_id TEXT PRIMARY KEY, customer_code TEXT NOT NULL, as_of_day INTEGER NOT NULL,
        from_day INTEGER NOT NULL, to_day INTEGER NOT NULL, currency TEXT NOT NULL, opening_minor BIGINT NOT NULL,
        closing_minor BIGINT NOT NULL, status TEXT NOT NULL, note TEXT, their_balance_minor BIGINT,
        responded_us BIGINT, responded_by TEXT, recorded_us BIGINT NOT NULL, position BIGINT NOT NULL,
        actor TEXT NOT NULL)""",
    # Bank credits imported, the matcher's proposals, and what was decided: MATCHED (to a customer's payment),
    # IGNORED (with a reason), or still open (UNMATCHED, PROPOSED): the exception queue.
    "bank_lines": """CREATE TABLE IF NOT EXISTS {p}bank_lines (
        line_id TEXT PRIMARY KEY, account TEXT NOT NULL, bank_reference TEXT NOT NULL, booked_day INTEGER NOT NULL,
        value_day INTEGER NOT NULL, amount_minor BIGINT NOT NULL, currency TEXT NOT NULL, counterparty TEXT,
        remittance TEXT, reference TEXT, status TEXT NOT NULL, customer_code TEXT, payment_reference TEXT, rule TEXT,
        confidence TEXT, proposals TEXT, reason TEXT, decided_by TEXT NOT NULL, recorded_us BIGINT NOT NULL,
        changed_us BIGINT NOT NULL, position BIGINT NOT NULL, label TEXT NOT NULL)""",
}

INDEXES = [
    "CREATE INDEX IF NOT EXISTS {p}installments_customer ON {p}installments (customer_code, due_day)",
    # current aging reads only open items: a partial index keeps it proportional to what is open
    "CREATE INDEX IF NOT EXISTS {p}installments_open ON {p}installments (customer_code, currency, due_day, issue_day, "
    "outstanding_minor) WHERE outstanding_minor > 0",
    "CREATE INDEX IF NOT EXISTS {p}invoices_customer ON {p}invoices (customer_code, issue_day)",
    "CREATE INDEX IF NOT EXISTS {p}settlements_invoice ON {p}settlements (invoice_number)",
    "CREATE INDEX IF NOT EXISTS {p}settlements_source ON {p}settlements (kind, source)",
    "CREATE INDEX IF NOT EXISTS {p}settlements_customer ON {p}settlements (customer_code)",
    "CREATE INDEX IF NOT EXISTS {p}credits_customer ON {p}credits (customer_code)",
    "CREATE INDEX IF NOT EXISTS {p}alerts_status ON {p}alerts (status, customer_code)",
    "CREATE INDEX IF NOT EXISTS {p}assessments_customer ON {p}assessments (customer_code, assessed_day)",
    "CREATE INDEX IF NOT EXISTS {p}collection_log_customer ON {p}collection_log (customer_code, kind)",
    "CREATE INDEX IF NOT EXISTS {p}collection_log_invoice ON {p}collection_log (invoice_number)",
    "CREATE INDEX IF NOT EXISTS {p}deliveries_due ON {p}deliveries (status, retry_us)",
    "CREATE INDEX IF NOT EXISTS {p}tasks_status ON {p}tasks (status, customer_code)",
    "CREATE INDEX IF NOT EXISTS {p}notices_customer ON {p}notices (customer_code, as_of_day)",
    "CREATE INDEX IF NOT EXISTS {p}statements_as_of ON {p}statements (as_of_day, status)",
    "CREATE INDEX IF NOT EXISTS {p}bank_lines_status ON {p}bank_lines (status, value_day)",
]

# Raised whenever a table is added or changed: read models of an older version are rebuilt from the log at start.
SCHEMA_VERSION = 8

TRACKING = "CREATE TABLE IF NOT EXISTS {p}tracking (projection TEXT PRIMARY KEY, position BIGINT NOT NULL)"

# Beside the tracking row: why a projection stopped, when folding the event at `position` failed (projections/halt.py).
# Not a fold result, so neither rebuilt nor compared by `reconcile`; `rebuild` deletes it, and a batch folded past
# `position` clears it. A new table starts empty (nothing halted), so adding it needs no schema version.
HALTS = """CREATE TABLE IF NOT EXISTS {p}halts (
    projection TEXT PRIMARY KEY, position BIGINT NOT NULL, event_type TEXT NOT NULL, error TEXT NOT NULL,
    halted_us BIGINT NOT NULL, attempts BIGINT NOT NULL, tried_us BIGINT NOT NULL)"""

# Tables compared by `reconcile`, with the columns that order their rows.
KEYS = {
    "customers": "customer_code",
    "invoices": "invoice_number",
    "installments": "invoice_number, seq",
    "settlements": "position",
    "credits": "kind, source",
    "meta": "name",
    "collection_log": "position",
    "assessments": "position",
    "alerts": "customer_code, alert_id",
    "dunning_settings": "customer_code",
    "notices": "notice_id",
    "deliveries": "delivery_id",
    "unadopted_deliveries": "delivery_id",
    "tasks": "task_id",
    "statements": "statement_id",
    "bank_lines": "line_id",
}
