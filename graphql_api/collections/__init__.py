"""Collections in GraphQL: dunning notices and their deliveries, the collectors' worklist, previews, and running
dunning, assigning dunning policies and recording collection outcomes."""
