"""Professional communities (issue 14, domain.md §7): school and municipal методические
объединения, network communities and the young teachers' community.

`common` holds the lookups and the access rules every action passes (a methodist acts inside
their scope, a leader only in their own community, ids from buttons are re-checked), `catalog`
what a teacher sees and joining or leaving, `manage` a methodist's and a leader's changes,
`auto` the subject rule and the offer after registration, `announcements` the leader's message to
the members through the broadcast machinery, `totals` the monitoring figures, `erasure` /delete_me.
"""
