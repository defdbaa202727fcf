"""/courses: повышение квалификации — records, verification, import."""
