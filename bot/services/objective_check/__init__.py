"""The objective check of the self-assessment (issue 16, second part): the task bank and its
validation, scoring to the questionnaire's zones and the divergence rule.

Not wired into any dialog yet: there is no check attempt model, no /content kind and no screen.
The pieces here are complete and tested so that the flow can be built on them."""
