"""The objective check of the self-assessment (issue 16, second part): the task bank, versioned
content loaded and replaced through /content (bank), scoring to the questionnaire's zones and the
divergence rule (scoring), a teacher taking the check one question at a time (attempts; the dialog
is handlers/objective_check), the lesson review a teacher may ask for instead (review_requests) and,
for methodists, how often self-assessment and check agree (agreement)."""
