"""Customers and their documents (invoices, payments, credit notes) in GraphQL: their types, the queries and
connections that read them, and the generic mutations derived from the operations' declarations."""
