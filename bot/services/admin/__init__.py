"""Admin tools: the audit trail and content uploads."""
