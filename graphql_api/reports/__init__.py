"""The receivables reports in GraphQL: the aging report and the statement of account (contract shapes)."""
