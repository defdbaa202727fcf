"""Registration, profile, data export and erasure, invite links."""
