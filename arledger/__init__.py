"""Composition root: configuration, wiring of stores and application, and the `arledger` command line."""
