"""/diagnostics: the self-diagnosis dialog and its result."""
