"""Typed callback_data. Every id in here is user input: services re-check access on each use."""

from aiogram.filters.callback_data import CallbackData


class ConsentCb(CallbackData, prefix="consent"):
    agree: bool
    invite: str = ""


class OrgPickCb(CallbackData, prefix="org"):
    purpose: str  # reg | edit | grant | invite
    action: str  # open | choose
    org_id: int = 0
    page: int = 0


class PositionCb(CallbackData, prefix="pos"):
    value: str


class SubjectCb(CallbackData, prefix="subj"):
    index: int  # -1 means "done"


class ProfileCb(CallbackData, prefix="prof"):
    field: str


class TimezoneCb(CallbackData, prefix="tz"):
    zone: str


class DeleteMeCb(CallbackData, prefix="erase"):
    confirm: bool


class InviteRoleCb(CallbackData, prefix="invrole"):
    role: str


class InviteTermsCb(CallbackData, prefix="invterms"):
    org_id: int
    days: int
    uses: int


class RevokeCb(CallbackData, prefix="revoke"):
    grant_id: int


class MethodistsCb(CallbackData, prefix="mths"):
    page: int
