"""Events: the teacher's side (teacher*), the methodist's list and card (manage*) and /new_event
(create)."""
