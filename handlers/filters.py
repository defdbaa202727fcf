"""Message filters every dialog shares. A command is never an answer: "/events" typed at a name
step must run, not become the name."""

from aiogram import F

IS_COMMAND = F.text.startswith("/")
NOT_COMMAND = ~IS_COMMAND
TYPED = F.text & NOT_COMMAND  # text the user typed as an answer
