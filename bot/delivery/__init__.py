"""The outbox worker: claim due messages, pace them, send, record the outcome (design.md §3)."""
