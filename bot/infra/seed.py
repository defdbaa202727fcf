"""Idempotent content loading: safe to run on every start."""

import logging

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import CONTENT_DIR
from bot.services import content
from bot.services.shared import org_import
from models import Organization

log = logging.getLogger(__name__)


async def seed(session: AsyncSession) -> None:
    if not await session.scalar(select(func.count()).select_from(Organization)):
        report = await org_import.import_file(session, CONTENT_DIR / "organizations.yaml")
        log.info("seeded starter organizations: %s created", report.created)
    await content.seed_content(session)  # questionnaires and catalogue; a no-op when unchanged
