"""Monitoring: the indicators of domain.md §5 and the rows of the /report workbook."""
