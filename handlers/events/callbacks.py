"""The events feature's callback data and dialog states, for both sides: the methodist's
(/new_event, its scope chooser, /events_admin and editing a published event) and the teacher's
(the catalogue, an event's card, waitlist offers and feedback). Outbox buttons
(handlers.shared.outbox_buttons) pack some of them, so they live apart from the screens."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from handlers.shared.callbacks import Int64


class NewEventCb(CallbackData, prefix="evnew"):
    action: str  # fmt | area | areas_done | cap0 | dl0 | pub | edit | field | back | drop
    value: Int64 = 0


class EventScopeCb(CallbackData, prefix="evscope"):
    action: str  # open | pick
    org_id: Int64 = 0
    page: Int64 = 0


class EventAdminCb(CallbackData, prefix="evadm"):
    action: str  # list | card | edit | field | cancel | cancel_yes | regs | xlsx | att | att_on | att_off
    event_id: Int64 = 0  #   | att_all | close | close_yes | fb
    page: Int64 = 0
    arg: Int64 = 0  # a field index or a registration id


class NewEvent(StatesGroup):
    title = State()
    description = State()
    format = State()
    areas = State()
    scope = State()
    starts_at = State()
    duration = State()
    location = State()
    capacity = State()
    deadline = State()
    preview = State()


class EventEdit(StatesGroup):
    value = State()  # FSM data: event_id, field, draft


class EventListCb(CallbackData, prefix="evlist"):
    view: str  # rec | all | my
    page: Int64 = 0


class EventCb(CallbackData, prefix="evcard"):
    action: str  # open | join | leave_ask | leave | ics
    event_id: Int64
    view: str = "all"  # where «Назад к списку» leads
    page: Int64 = 0


class AnnounceJoinCb(CallbackData, prefix="evjoin"):
    """«Записаться» under an event announcement (outbox kind "event_join"): signs up in one tap and
    sends the card as a new message, so the announcement stays in the chat."""

    event_id: Int64


class OfferCb(CallbackData, prefix="offer"):
    """The waitlist offer's buttons (outbox kind "seat_offer", see handlers.shared.outbox_buttons)."""

    reg_id: Int64
    accept: bool


class FeedbackCb(CallbackData, prefix="fb"):
    """The rating buttons of the event-closing outbox message (kind "event_feedback")."""

    event_id: Int64
    rating: Int64


class FeedbackSkipCb(CallbackData, prefix="fbskip"):
    event_id: Int64


class FeedbackComment(StatesGroup):
    comment = State()
