"""Teacher professional growth bot."""
