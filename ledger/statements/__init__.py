"""Statements of account (对账): issuing one (with its e-mail), and the customer's confirmation or dispute."""
