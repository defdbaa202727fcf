"""Using a colleague's practice: it enters the teacher's ИОМ as an informal step «Изучить и
применить практику …»; «применил(а)» with a reflection completes that step and tells the author,
who reads the reflections (with the colleague's organization, never their name)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.practices import finding
from bot.services.practices.publishing import owned
from bot.services.route import steps
from bot.services.route.common import current, owned_step, refresh, today
from bot.services.route.inputs import parse_reflection
from bot.services.shared import orgs, outbox
from bot.services.shared.errors import InvalidInput, NotFound
from models import Practice, PracticeUse, RouteStep, StepStatus, User

DEADLINE_DAYS = (14, 30, 60)


async def add_to_route(session: AsyncSession, user: User, practice_id: int, days: int, now: datetime) -> RouteStep:
    practice = await finding.visible(session, user, practice_id)
    if practice.author_id == user.id:
        raise InvalidInput("Это ваша собственная практика: в ИОМ добавляют практики коллег.")
    if days not in DEADLINE_DAYS:
        raise InvalidInput("Выберите срок кнопкой.")
    route = await current(session, user)
    if route is None:
        raise InvalidInput("Сначала постройте ИОМ: /route — тогда практику можно будет добавить в него шагом.")
    use = await session.scalar(
        select(PracticeUse).where(PracticeUse.practice_id == practice.id, PracticeUse.user_id == user.id)
    )
    if use is not None and use.step_id is not None:
        step = await session.get(RouteStep, use.step_id)
        if step is not None and step.route_id == route.id and step.status != StepStatus.removed:
            raise InvalidInput("Эта практика уже есть в вашем ИОМ.")
    mine = await finding.deficits(session, user)
    point = next((code for code in practice.items if code in mine.points), None)
    area = next((a for a in practice.areas if a in mine.areas), practice.areas[0])
    last = await session.scalar(select(func.max(RouteStep.position)).where(RouteStep.route_id == route.id)) or 0
    step = RouteStep(
        route_id=route.id,
        position=last + 1,
        area=area,
        deficit_kind="point" if point else ("partial" if area in mine.areas else "own"),
        item_code=point,
        title=f"Изучить и применить практику «{practice.title}»"[:300],
        form="informal",
        task="Изучить практику коллеги из банка практик и применить её на своих уроках",
        expected_result="Практика применена на уроке, рефлексия",
        report_form="Рефлексия в боте (/practices)",
        deadline=today(user, now) + timedelta(days=days),
        status=StepStatus.planned,
    )
    session.add(step)
    await session.flush()
    if use is None:
        session.add(PracticeUse(practice_id=practice.id, user_id=user.id, step_id=step.id))
    else:
        use.step_id = step.id
    await refresh(session, route)
    return step


async def mark_applied(
    session: AsyncSession,
    user: User,
    practice_id: int,
    reflection: str | None,
    now: datetime,
    *,
    file_id: str | None = None,
    file_kind: str | None = None,
) -> PracticeUse:
    """Optional evidence (a photo or PDF) goes with the route step, as for any ИОМ step."""
    practice = await finding.visible(session, user, practice_id)
    use = await session.scalar(
        select(PracticeUse).where(PracticeUse.practice_id == practice.id, PracticeUse.user_id == user.id)
    )
    if use is None:
        raise InvalidInput("Сначала добавьте практику в свой ИОМ.")
    if use.applied_at is not None:
        raise InvalidInput("Вы уже отметили, что применили эту практику.")
    text = parse_reflection(reflection)
    if use.step_id is not None:
        await _complete_step(session, user, use.step_id, text, now, file_id, file_kind)
    use.reflection, use.applied_at = text, now
    await session.flush()
    await _tell_author(session, practice, use, user)
    return use


async def _complete_step(
    session: AsyncSession,
    user: User,
    step_id: int,
    text: str,
    now: datetime,
    file_id: str | None,
    file_kind: str | None,
) -> None:
    """The practice's route step is done with the same reflection; a step already done or removed
    (or a rebuilt route) is left as it is."""
    try:
        _, step = await owned_step(session, user, step_id)
    except NotFound:
        return
    if step.status == StepStatus.planned:
        await steps.mark_done(session, user, step_id, now, reflection=text, file_id=file_id, file_kind=file_kind)


async def _tell_author(session: AsyncSession, practice: Practice, use: PracticeUse, user: User) -> None:
    where = await orgs.display_name(session, user.organization_id)
    await outbox.tell(
        session,
        await session.get(User, practice.author_id),
        key=f"practice_applied:{use.id}",
        purpose="practice_applied",
        text=(
            f"🌱 Вашу практику «{escape(practice.title)}» применил(а) коллега ({escape(where)}).\n"
            f"Рефлексия: {escape(use.reflection or '')}"
        ),
        buttons=[[outbox.button("Все отзывы", "practice_reflections", practice_id=practice.id)]],
    )


@dataclass(frozen=True)
class Reflection:
    text: str
    where: str
    at: datetime


async def reflections(session: AsyncSession, user: User, practice_id: int) -> tuple[Practice, list[Reflection]]:
    """What colleagues wrote after applying the author's practice, newest first (the author only)."""
    practice = await owned(session, user, practice_id)
    rows = await session.execute(
        select(PracticeUse, User.organization_id)
        .join(User, User.id == PracticeUse.user_id)
        .where(PracticeUse.practice_id == practice.id, PracticeUse.applied_at.is_not(None))
        .order_by(PracticeUse.applied_at.desc())
        .limit(20)
    )
    found = [
        Reflection(use.reflection or "—", await orgs.display_name(session, org_id), use.applied_at)
        for use, org_id in rows.all()
    ]
    return practice, found
