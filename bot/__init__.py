"""Teacher professional growth bot."""

# Bumped with every release, together with a CHANGELOG.md entry (tests/unit/test_version.py checks
# the two agree); pyproject.toml reads it from here.
__version__ = "0.2.0"
