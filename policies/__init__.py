"""Policy files (credit scoring, dunning levels) and their strict readers."""
