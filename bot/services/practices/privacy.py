"""What /delete_me does to the bank of practices.

A deleted author's practices are removed, not anonymized: a practice is the author's own text and
files, and its school, subject and level usually point to one teacher even without a name, so an
"anonymous" copy would still identify them. Colleagues who took it into their ИОМ keep their route
step (its title is a copy); their uses of it go with it. What the person wrote about colleagues'
practices (reflections) is blanked; the fact that they applied one stays for the figures."""

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Practice, PracticeQuestion, PracticeUse


async def forget(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(Practice).where(Practice.author_id == user_id))
    await session.execute(update(PracticeUse).where(PracticeUse.user_id == user_id).values(reflection=None))
    await session.execute(
        update(PracticeQuestion).where(PracticeQuestion.asker_id == user_id).values(text="(удалено)", answer=None)
    )
