from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEntry


async def record(
    session: AsyncSession, actor_telegram_id: int | None, action: str, target: str | None = None, **details
) -> None:
    session.add(AuditEntry(actor_telegram_id=actor_telegram_id, action=action, target=target, details=details))
