"""Domain rules every feature uses: errors, access (roles), the organization tree and scope, the
outbox, the audit record, time formatting, typed-text validation."""
