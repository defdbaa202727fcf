"""/start, registration, /profile, privacy (/my_data, /delete_me) and /invite."""
