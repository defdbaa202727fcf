"""The objective check of the self-assessment (issue 16, second part): the task bank and its
validation (bank), scoring to the questionnaire's zones and the divergence rule (scoring), and a
teacher taking the check one question at a time (attempts; the dialog is handlers/objective_check).

The bank is the shipped bot/content/objective_tasks.yaml; it is not loaded through /content yet."""
