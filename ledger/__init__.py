"""The write side of arledger: value types, the customer-account aggregate, and the application that decides and saves."""
