"""Bank reconciliation in GraphQL: the bank lines and a person's decision on one."""
