"""Registration and profile: the subjects a teacher may pick, creating the user once, profile changes
and whether the bot can reach them. The 152-ФЗ export and erasure live in `privacy`."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import orgs
from bot.services.shared.errors import InvalidInput, NotRegistered
from models import Position, User

SUBJECTS = (
    "Русский язык",
    "Литература",
    "Математика",
    "Информатика",
    "Физика",
    "Химия",
    "Биология",
    "География",
    "История",
    "Обществознание",
    "Иностранный язык",
    "Начальные классы",
    "Физическая культура",
    "Музыка и ИЗО",
    "Технология",
    "ОБЗР",
    "Дошкольное образование",
    "Дополнительное образование",
    "Другое",
)
MAX_SUBJECTS = 6


@dataclass(frozen=True)
class RegistrationData:
    full_name: str
    organization_id: int
    position: Position
    subjects: list[str]
    experience_years: int
    birth_year: int
    consent_at: datetime


def check_subjects(subjects: list[str]) -> list[str]:
    unknown = [s for s in subjects if s not in SUBJECTS]
    if unknown:
        raise InvalidInput("Неизвестный предмет, выберите из списка.")
    if len(subjects) > MAX_SUBJECTS:
        raise InvalidInput(f"Можно выбрать не больше {MAX_SUBJECTS} предметов.")
    return [s for s in SUBJECTS if s in subjects]


async def by_telegram_id(session: AsyncSession, telegram_id: int) -> User | None:
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))


async def register(session: AsyncSession, telegram_id: int, data: RegistrationData) -> User:
    """Create the user, or return the existing one: a replayed final step must not duplicate."""
    existing = await by_telegram_id(session, telegram_id)
    if existing is not None:
        return existing
    org = await orgs.get(session, data.organization_id)
    user = User(
        telegram_id=telegram_id,
        full_name=data.full_name,
        position=data.position,
        subjects=check_subjects(data.subjects),
        experience_years=data.experience_years,
        birth_year=data.birth_year,
        organization_id=org.id,
        timezone=org.timezone,
        consent_at=data.consent_at,
        is_active=True,
    )
    session.add(user)
    await session.flush()
    return user


async def require_user(session: AsyncSession, telegram_id: int) -> User:
    user = await by_telegram_id(session, telegram_id)
    if user is None:
        raise NotRegistered()
    return user


async def update_profile(session: AsyncSession, user: User, **changes) -> User:
    allowed = {"full_name", "position", "subjects", "experience_years", "birth_year", "organization_id", "timezone"}
    if set(changes) - allowed:
        raise InvalidInput("Это поле нельзя изменить.")
    if "subjects" in changes:
        changes["subjects"] = check_subjects(changes["subjects"])
    if "organization_id" in changes:
        org = await orgs.get(session, changes["organization_id"])
        changes.setdefault("timezone", org.timezone)
    for name, value in changes.items():
        setattr(user, name, value)
    return user


async def set_reachable(session: AsyncSession, telegram_id: int, reachable: bool, now: datetime) -> None:
    """Mark a user who blocked the bot (403) inactive, or active again after /start or unblock."""
    values = {"is_active": reachable, "blocked_at": None if reachable else now}
    await session.execute(update(User).where(User.telegram_id == telegram_id).values(**values))
