"""Infrastructure: database engine and sessions, FSM storage, Redis isolation, migrations and seeding,
backup, metrics, GC tuning."""
