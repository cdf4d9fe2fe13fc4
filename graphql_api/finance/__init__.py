"""Finance views in GraphQL: receivables KPIs, their trend, and the cash forecast."""
