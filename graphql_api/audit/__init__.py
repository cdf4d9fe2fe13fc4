"""Audit in GraphQL: replay from the event log, the hash chain's verification and digests, history with provenance,
and what a caller may see of an event in the live stream."""
