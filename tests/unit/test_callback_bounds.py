"""Every number in callback data is bounded where it is parsed (handlers.shared.callbacks.Int64):
a class that adds a plain `int` field would let a forged 20-digit id reach SQL again."""

from aiogram.filters.callback_data import CallbackData

import handlers
from handlers.shared.callbacks import Int64


def _all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def test_every_int_field_of_every_callback_data_is_bounded():
    handlers.get_routers()  # imports every feature module, hence every CallbackData class
    classes = [c for c in _all_subclasses(CallbackData) if c.__module__.startswith("handlers.")]
    assert len(classes) > 30
    [bound] = Int64.__metadata__
    unbounded = [
        f"{c.__name__}.{name}"
        for c in classes
        for name, field in c.model_fields.items()
        if field.annotation is int and field.metadata != bound.metadata
    ]
    assert unbounded == []


def test_a_forged_huge_id_does_not_unpack():
    from handlers.events.callbacks import EventCb

    assert EventCb.unpack(f"evcard:open:{2**63 - 1}:all:0").event_id == 2**63 - 1
    for data in (f"evcard:open:{2**63}:all:0", "evcard:open:99999999999999999999:all:0"):
        try:
            EventCb.unpack(data)
        except ValueError:
            continue
        raise AssertionError(data)
