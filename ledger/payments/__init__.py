"""Payments and credit notes: money received and credited, allocated to invoices (oldest due date first unless
named), and payments reversed."""
