"""/stats and /report."""
