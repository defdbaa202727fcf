"""Buttons of messages the bot sends on its own. Services describe a button neutrally
(`bot.services.shared.outbox.button(text, kind, **fields)`, they never import aiogram); this registry
packs each kind with the CallbackData class its handler filters on, so the wire format has one
home. bot.app hands `pack` to the delivery worker."""

from collections.abc import Callable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.delivery.worker import markup_of
from handlers.broadcasts.callbacks import BcCb
from handlers.events.callbacks import AnnounceJoinCb, EventCb, FeedbackCb, OfferCb
from handlers.lessons.ui import LessonCb
from handlers.mentoring.ui import MenteeOpenCb, PairCb, ProposalCb, RelayCb, ReviewCb
from handlers.objective_check.review_ui import ReviewReqCb
from handlers.practices.ui import PracticeCb
from handlers.route.ui import StepCb

CALLBACKS: dict[str, Callable[..., CallbackData]] = {
    "broadcast_stop": lambda broadcast_id: BcCb(action="stop", id=broadcast_id),
    "event_card": lambda event_id: EventCb(action="open", event_id=event_id),
    "event_join": lambda event_id: AnnounceJoinCb(event_id=event_id),
    "event_feedback": lambda event_id, rating: FeedbackCb(event_id=event_id, rating=rating),
    "seat_offer": lambda registration_id, accept: OfferCb(reg_id=registration_id, accept=accept),
    "route_step": lambda step_id: StepCb(action="open", step_id=step_id),
    "mentee_open": lambda pair_id: MenteeOpenCb(pair_id=pair_id),
    "pair_card": lambda pair_id: PairCb(action="card", pair_id=pair_id),
    "proposal": lambda proposal_id, accept: ProposalCb(proposal_id=proposal_id, accept=accept),
    "pair_review": lambda pair_id: ReviewCb(pair_id=pair_id),
    "relay_reply": lambda pair_id: RelayCb(pair_id=pair_id),
    "practice_mine": lambda practice_id: PracticeCb(action="mine_open", practice_id=practice_id),
    "lesson_card": lambda lesson_id: LessonCb(action="open", lesson_id=lesson_id),
    "lesson_observe": lambda lesson_id: LessonCb(action="observe", lesson_id=lesson_id),
    "practice_answer": lambda question_id: PracticeCb(action="answer", value=question_id),
    "practice_reflections": lambda practice_id: PracticeCb(action="reflections", practice_id=practice_id),
    "lesson_review": lambda request_id: ReviewReqCb(action="open", request_id=request_id),
}


def pack(spec: dict) -> str:
    """{"kind": ..., **fields} -> callback_data; an unknown kind or field raises."""
    fields = dict(spec)
    return CALLBACKS[fields.pop("kind")](**fields).pack()


def markup(rows: list | None) -> InlineKeyboardMarkup | None:
    """The keyboard a stored button list stands for (e.g. a broadcast's preview)."""
    return markup_of(rows, pack)
