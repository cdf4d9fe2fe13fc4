"""Customers: registering a customer account, with its currency, terms, contact details and locale."""
