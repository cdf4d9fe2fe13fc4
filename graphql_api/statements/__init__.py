"""Statements of account in GraphQL: the statements sent, sending them, and the customers' answers."""
