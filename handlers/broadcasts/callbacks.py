"""Broadcast callback data and dialog states: the action buttons of one broadcast (`BcCb`), the
«announce» button on an event card, and the compose / «when?» states of /broadcast."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from handlers.shared.callbacks import Int64


class BcCb(CallbackData, prefix="bc"):
    """Every action on one broadcast; the id is re-checked (author, status) on each press."""

    action: str
    id: Int64
    value: str = ""
    parent: Int64 = 0
    page: Int64 = 0


class BroadcastAnnounceCb(CallbackData, prefix="bcann"):
    event_id: Int64


class BroadcastFlow(StatesGroup):
    compose = State()  # data: {"id": draft id} when replacing the message of an existing draft
    when = State()  # data: {"id": broadcast id}
