from aiogram.fsm.state import State, StatesGroup


class Registration(StatesGroup):
    full_name = State()
    organization = State()
    position = State()
    subjects = State()
    experience = State()
    birth_year = State()


class ProfileEdit(StatesGroup):
    full_name = State()
    organization = State()
    position = State()
    subjects = State()
    experience = State()
    birth_year = State()
    timezone = State()


class Grant(StatesGroup):
    scope = State()


class InviteFlow(StatesGroup):
    organization = State()
