"""Use cases: what the CLI and GraphQL both call (dunning runs, statements, bank reconciliation, credit
assessment, risk scan and watch, import, outbox, demo data). Configuration-dependent checks live here and raise
the ledger's errors, so both entry points report them alike.
"""
