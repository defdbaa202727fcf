"""Idempotent content loading: safe to run on every start."""

import logging

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import CONTENT_DIR
from bot.services import content
from bot.services.shared import org_import
from models import Organization

log = logging.getLogger(__name__)

NO_ORGANIZATIONS = (
    "no organizations yet: import the district's directory with `python -m bot orgs import FILE` "
    "(docs/deploy.md), or start with --demo to try the bot on a sample"
)


async def seed(session: AsyncSession, *, demo: bool = False) -> int:
    """Questionnaires and catalogue always; the sample organization directory only when asked for
    (`--demo`, DEMO_DATA) and only into an empty table. Returns how many organizations there are."""
    count = await session.scalar(select(func.count()).select_from(Organization)) or 0
    if not count and demo:
        report = await org_import.import_file(session, CONTENT_DIR / "organizations.yaml")
        log.info("loaded the demo organizations: %s created", report.created)
        count = report.created
    elif not count:
        log.warning(NO_ORGANIZATIONS)
    await content.seed_content(session)  # questionnaires and catalogue; a no-op when unchanged
    return count
