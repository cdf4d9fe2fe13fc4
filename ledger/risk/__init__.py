"""Risk: early-warning rules over a customer's behaviour, the alerts they raise and clear, a person's decisions on
them, and the credit holds a rule may place."""
