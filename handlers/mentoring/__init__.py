"""Mentoring: the methodist's /pairs, the mentor's /mentees, and the relay between a pair."""
