"""Invoicing: issuing invoices (priced per line, split into installments, within the credit limit), voiding them
and writing them off."""
