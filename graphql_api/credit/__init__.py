"""Credit in GraphQL: credit profiles and assessments, and risk alerts and the watchlist."""
