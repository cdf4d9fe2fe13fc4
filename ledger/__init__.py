"""The write side of arledger: one package per business feature (customers, invoicing, payments, credit, risk,
collections, statements, bank) with its commands, decisions and events; the customer-account aggregate they share;
and the application that decides and saves. Shared pieces (money, errors, limits, text, inputs) sit at the top."""
