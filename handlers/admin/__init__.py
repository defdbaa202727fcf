"""Admin tools: methodists' roles, the audit trail, content uploads."""
