"""Typed callback_data. Every id in here is user input: services re-check access on each use."""

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Every number in callback data is typed as this, in every CallbackData class of the handlers: a
# forged 20-digit id then fails to unpack (the press is answered as a stale button) instead of
# reaching SQL, where it would overflow SQLite's INTEGER or PostgreSQL's BIGINT.
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class ConsentCb(CallbackData, prefix="consent"):
    agree: bool
    invite: str = ""


class OrgPickCb(CallbackData, prefix="org"):
    purpose: str  # reg | edit | grant | invite
    action: str  # open | choose
    org_id: Int64 = 0
    page: Int64 = 0


class PositionCb(CallbackData, prefix="pos"):
    value: str


class SubjectCb(CallbackData, prefix="subj"):
    index: Int64  # -1 means "done"


class ProfileCb(CallbackData, prefix="prof"):
    field: str


class TimezoneCb(CallbackData, prefix="tz"):
    zone: str


class DeleteMeCb(CallbackData, prefix="erase"):
    confirm: bool


class InviteRoleCb(CallbackData, prefix="invrole"):
    role: str


class InviteTermsCb(CallbackData, prefix="invterms"):
    org_id: Int64
    days: Int64
    uses: Int64


class RevokeCb(CallbackData, prefix="revoke"):
    grant_id: Int64


class MethodistsCb(CallbackData, prefix="mths"):
    page: Int64
