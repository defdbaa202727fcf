"""What the open-lessons screens share: callback data and dialog states."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from handlers.shared.callbacks import Int64


class LessonCb(CallbackData, prefix="lsn"):
    """list | open | book | unbook | mine | host | visitors | held | cancel_ask | cancel | offer | observe"""

    action: str
    lesson_id: Int64 = 0
    page: Int64 = 0


class OfferCb(CallbackData, prefix="lso"):
    """area | areas_done | subject | send"""

    action: str
    value: str = ""


class ObsCb(CallbackData, prefix="lsr"):
    """One rating of the observation card: item `index` of the lesson's items rated `value`."""

    lesson_id: Int64
    index: Int64
    value: Int64 = -1  # -1: no question for the host


class Lessons(StatesGroup):
    when = State()
    class_name = State()
    subject = State()
    topic = State()
    areas = State()
    places = State()
    confirm = State()
    rating = State()
    takeaway = State()
    question = State()
