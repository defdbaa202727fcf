"""Mentoring screens shared by the three mentoring handler modules: callback data, dialog states,
the few helpers their texts and keyboards share, and how a dialog reads what it remembered.
Each sub-feature keeps its own texts and keyboards: mentoring_pairs_ui (the methodist's /pairs),
mentoring_dashboard_ui (the mentor's /mentees), mentoring_relay_ui (the mentee's /mentor, the
relay, final reviews)."""

from datetime import date, datetime

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from bot.services.shared.timefmt import local
from handlers.shared import ui
from handlers.shared.callbacks import Int64
from handlers.shared.keyboard_builder import KeyboardBuilder


class PairsCb(CallbackData, prefix="mpm"):
    view: str  # menu | young | active | ended | search
    page: Int64 = 0


class MenteeTypeCb(CallbackData, prefix="mtype"):
    mentee_id: Int64


class SuggestCb(CallbackData, prefix="msug"):
    mentee_id: Int64
    kind: str  # a PairType value
    page: Int64 = 0


class PickCb(CallbackData, prefix="mpick"):
    mentee_id: Int64
    mentor_id: Int64
    kind: str


class PairCb(CallbackData, prefix="mpair"):
    """card | months | cadence | start | end_date | end_ask | end (outbox kind "pair_card": the card)."""

    action: str
    pair_id: Int64
    value: Int64 = 0


class MentorCb(CallbackData, prefix="mnt"):
    action: str  # list | card (with the chart) | view | steps | cmt_route | cmt_step | approve | propose | ...
    pair_id: Int64 = 0
    step_id: Int64 = 0
    page: Int64 = 0


class MenteeOpenCb(CallbackData, prefix="mopen"):
    pair_id: Int64


class ProposalCb(CallbackData, prefix="mprop"):
    proposal_id: Int64
    accept: bool


class ReviewCb(CallbackData, prefix="mrev"):
    pair_id: Int64


class RelayCb(CallbackData, prefix="mrel"):
    pair_id: Int64


class Mentoring(StatesGroup):
    search = State()
    goal = State()
    start = State()
    end_date = State()
    review = State()
    comment = State()
    proposal_title = State()
    proposal_deadline = State()
    checkin_date = State()
    checkin_discussed = State()
    checkin_next = State()
    relay = State()


CUT = 120  # long step titles and reviews are cut in cards so a card stays under 4096 characters


def cut(text: str, limit: int = CUT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def day(value: date | datetime | None, zone: str | None = None) -> str:
    """A date as dd.mm.yyyy; a moment needs the reader's zone to know which day it is."""
    if value is None:
        return "—"
    if isinstance(value, datetime) and zone is None:
        raise TypeError("day() of a datetime needs the reader's zone")
    return f"{local(value, zone) if isinstance(value, datetime) else value:%d.%m.%Y}"


def finish(kb: KeyboardBuilder, items: int, nav: int, tail: int = 1) -> InlineKeyboardMarkup:
    return kb.adjust(*[1] * items, *([nav] if nav else []), *[1] * tail).as_markup()


async def start_dialog(query: CallbackQuery, state: FSMContext, step: State, question: str, **remember) -> None:
    """Enter a dialog step that remembers the ids it acts on, and ask its question in place."""
    await state.set_state(step)
    await state.set_data(remember)
    await ui.show(query, question)


async def saved(state: FSMContext) -> dict:
    """The dialog's remembered ids (0 when missing: the services then refuse them like forged ones)."""
    data = await state.get_data()
    return {**data, **{key: int(data.get(key) or 0) for key in ("pair_id", "step_id", "mentee_id", "mentor_id")}}
