"""/communities: professional communities. `browse` is everyone's entry point (the list, a card,
joining and leaving, members, a leader's or methodist's adding and removing), `manage` the
methodist's creating, editing, archiving and leader appointment, `announce` a leader's
announcements to members, `groups` the linked Telegram group's join requests."""
