"""Collections: dunning (policies, runs' notices and their deliveries), a person's dunning actions, promises to
pay and disputes on invoices, and collectors' tasks with their outcomes."""
