"""Callback data and dialog states of /communities. Every id here is user input: the services
load the community again and check who may act on it."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from handlers.shared.callbacks import Int64


class CommCb(CallbackData, prefix="cm"):
    """action: list | open | join | leave | members | add | addpick | remove | unlead (browse);
    scope | new | kind | org | orgpick | subj | subjdone | auto | lead | leadpick | edit | archive |
    restore (manage); ann | annsend | anndrop (announce); glink | gunlink (groups); meet | mplan |
    mcard | matt | mtog | mprot | plan (meetings: `id` is a community for meet/mplan, else a meeting)."""

    action: str
    id: Int64 = 0  # a community (an organization for org/orgpick, a broadcast for annsend/anndrop)
    user: Int64 = 0
    page: Int64 = 0
    value: str = ""


class CommunityFlow(StatesGroup):
    title = State()  # creating: data {"kind", "org"}
    description = State()  # creating: data {"kind", "org", "title"}
    subjects = State()  # creating: data {..., "description", "subjects"}
    edit = State()  # data {"id", "field"}
    announce = State()  # data {"id"}
    meeting_title = State()  # data {"id"}
    meeting_when = State()  # data {"id", "title"}
    meeting_where = State()  # data {"id", "title", "when"}
    protocol = State()  # data {"meeting"}
    plan = State()  # data {"id"}
