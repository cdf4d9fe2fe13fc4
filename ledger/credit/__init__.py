"""Credit control: the credit limit, credit holds, scored credit assessments and the use of the limit."""
