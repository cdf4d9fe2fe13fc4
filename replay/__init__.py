"""Audit replay, hash chain and verification: arrives with issue 5."""
