"""Outbox buttons: services describe them neutrally, the handlers' registry packs them with the
CallbackData class the handler filters on, and no service writes callback_data by hand."""

import re
from pathlib import Path

import pytest

from bot.delivery.worker import markup_of
from bot.services.shared import outbox
from handlers.broadcasts.callbacks import BcCb
from handlers.events.callbacks import EventCb, OfferCb
from handlers.mentoring.ui import PairCb, RelayCb
from handlers.shared import outbox_buttons

BIG = 10**12
SAMPLES = {
    "broadcast_stop": {"broadcast_id": BIG},
    "event_card": {"event_id": BIG},
    "event_join": {"event_id": BIG},
    "event_feedback": {"event_id": BIG, "rating": 5},
    "seat_offer": {"registration_id": BIG, "accept": False},
    "route_step": {"step_id": BIG},
    "mentee_open": {"pair_id": BIG},
    "pair_card": {"pair_id": BIG},
    "proposal": {"proposal_id": BIG, "accept": True},
    "pair_review": {"pair_id": BIG},
    "relay_reply": {"pair_id": BIG},
    "practice_mine": {"practice_id": BIG},
    "practice_reflections": {"practice_id": BIG},
    "lesson_observe": {"lesson_id": BIG},
    "lesson_card": {"lesson_id": BIG},
    "practice_answer": {"question_id": BIG},
    "lesson_review": {"request_id": BIG},
}


def test_every_kind_packs_with_its_callback_data_class_within_64_bytes():
    assert set(SAMPLES) == set(outbox_buttons.CALLBACKS)
    for kind, fields in SAMPLES.items():
        packed = outbox_buttons.pack({"kind": kind, **fields})
        assert len(packed.encode()) <= 64, kind
    assert outbox_buttons.pack({"kind": "broadcast_stop", "broadcast_id": 7}) == BcCb(action="stop", id=7).pack()
    assert outbox_buttons.pack({"kind": "event_card", "event_id": 7}) == EventCb(action="open", event_id=7).pack()
    assert (
        outbox_buttons.pack({"kind": "seat_offer", "registration_id": 7, "accept": True})
        == OfferCb(reg_id=7, accept=True).pack()
    )
    assert outbox_buttons.pack({"kind": "pair_card", "pair_id": 7}) == PairCb(action="card", pair_id=7).pack()


def test_markup_packs_neutral_buttons_and_keeps_packed_and_url_ones():
    rows = [
        [outbox.button("Ответить", "relay_reply", pair_id=3), {"text": "Сайт", "url": "https://example.org"}],
        [{"text": "Готово", "callback_data": RelayCb(pair_id=4).pack()}],
    ]
    markup = outbox_buttons.markup(rows)
    assert [[(b.text, b.callback_data, b.url) for b in row] for row in markup.inline_keyboard] == [
        [("Ответить", "mrel:3", None), ("Сайт", None, "https://example.org")],
        [("Готово", "mrel:4", None)],
    ]
    with pytest.raises(LookupError):  # a worker without the registry refuses instead of sending junk
        markup_of(rows)
    with pytest.raises(KeyError):
        outbox_buttons.pack({"kind": "no_such_button"})


def test_services_never_write_callback_data_by_hand():
    services = Path(__file__).resolve().parents[2] / "bot" / "services"
    offenders = [
        str(path)
        for path in services.rglob("*.py")
        if re.search(r"[\"']callback_data[\"']\s*:", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
