"""Mentoring: pairs and who may make them, mentor suggestions, young specialists, what a mentor
sees of a mentee and does for them (comments, ИОМ approval, proposed steps, check-ins), the relay
between the two sides, and the check-in cadence with escalation to methodists.

Pair, step, proposal and user ids all arrive from buttons, i.e. from the user. Every action loads
its pair through one of three gates in `access` (the methodist's scope, the mentor's own active
pair, a member of the pair), so a forged id is refused before anything changes.

Callers import the sub-feature they need:
- `rules`: constants and pure rules (young specialist, term, dates, texts, labels);
- `callbacks`: callback strings the outbox carries, packed like the handlers' CallbackData;
- `access`: the methodist's scope and the three gates;
- `common`: paging, pair rows, latest results, one outbox message;
- `suggestions`: young specialists, teacher search, ranked mentor candidates;
- `pairing`: creating a pair, its terms, listing, ending and final reviews;
- `dashboard`: the mentor's mentee summaries and card, the mentee's mentors;
- `interactions`: comments, ИОМ approval, proposed steps, check-ins, the relay;
- `cadence`: check-in reminders to mentors and escalations to methodists.
"""
