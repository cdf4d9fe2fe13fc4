"""The bank feature's operations: a line read from the bank's file, the matcher's proposals (both built by the
bank import service), and a person's decision on a line. Bank lines are aggregates of their own: each decision
takes the unit of work."""

from __future__ import annotations

from ledger.bank import commands as c
from ledger.bank.decisions import apply_bank_line, ignore_bank_line, import_bank_line, propose_bank_matches
from ledger.operation import Operation, OwnHandler
from ledger.roles import DOCUMENTS

OPERATIONS = (
    Operation("importBankLine", c.ImportBankLine, import_bank_line, OwnHandler()),
    Operation("proposeBankMatches", c.ProposeBankMatches, propose_bank_matches, OwnHandler()),
    Operation(
        "applyBankLine",
        c.ApplyBankLine,
        apply_bank_line,
        OwnHandler(),
        parse=c.parse_apply_bank_line,
        roles=DOCUMENTS,
    ),
    Operation(
        "ignoreBankLine",
        c.IgnoreBankLine,
        ignore_bank_line,
        OwnHandler(),
        parse=c.parse_ignore_bank_line,
        roles=DOCUMENTS,
    ),
)
