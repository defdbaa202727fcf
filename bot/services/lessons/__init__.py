"""Open lessons (взаимопосещение): offering, booking, hosting and observation cards."""
