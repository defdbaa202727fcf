"""What the practices screens share: callback data, dialog states, the labels of areas and levels."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from bot.services.practices.inputs import LEVELS
from bot.services.shared import labels
from handlers.shared.callbacks import Int64


class PracticeCb(CallbackData, prefix="prc"):
    """open | mine | mine_open | material | add | deadline | applied | reflections | fix | share | search |
    ask | answer (value: the question id)"""

    action: str
    practice_id: Int64 = 0
    value: Int64 = 0


class ListCb(CallbackData, prefix="prl"):
    page: Int64 = 0
    area: str = ""
    level: str = ""
    q: bool = False  # the search text the teacher typed (kept in the dialog data)
    my: bool = False  # only the subjects of the teacher's profile


class PubCb(CallbackData, prefix="prp"):
    """area | areas_done | item | items_done | subject | level | no_material | send"""

    action: str
    value: str = ""


class ModCb(CallbackData, prefix="prm"):
    """list | open | approve | return"""

    action: str
    practice_id: Int64 = 0
    value: str = ""
    page: Int64 = 0


class Practices(StatesGroup):
    title = State()
    areas = State()
    items = State()
    subject = State()
    level = State()
    description = State()
    material = State()
    confirm = State()
    reflection = State()
    search = State()
    return_comment = State()
    question = State()
    answer = State()


def area_name(code: str) -> str:
    return labels.area_label(code)


def level_name(code: str) -> str:
    return LEVELS.get(code, code)
