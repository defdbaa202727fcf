"""Professional communities (issue 14, domain.md §7): school and municipal методические
объединения, network communities and the young teachers' community.

`common` holds the lookups and the access rules every action passes (a methodist acts inside
their scope, a leader only in their own community, ids from buttons are re-checked), `catalog`
what a teacher sees and joining or leaving, `manage` the methodist's creating, editing, archiving
and the year's plan, `people` members and leaders, `auto` the subject rule and the offer after
registration, `announcements` the leader's message to the members through the broadcast
machinery, `meetings` meetings as events with attendance and protocol, `groups` the linked
Telegram group and its join requests, `totals` the monitoring figures, `erasure` /my_data and
/delete_me.
"""
