"""Adapters to the world outside the ledger: mail and SMS senders, PDF letters and statements, message
templates, bank file readers. No business rule lives here.
"""
