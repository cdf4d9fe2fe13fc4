"""Bank reconciliation: bank credit lines as aggregates of their own, the matcher's proposals, and a person's (or
the matcher's) decision to apply a line as a customer payment or set it aside."""
