from datetime import datetime

from sqlalchemy import BigInteger, PrimaryKeyConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class ProcessedUpdate(Base):
    """Webhook updates already handled: Telegram retries a non-2xx answer, and a retry after a
    restart must not be handled twice. Old rows are pruned by a periodic job."""

    __tablename__ = "processed_updates"
    __table_args__ = (PrimaryKeyConstraint("bot_id", "update_id"),)

    bot_id: Mapped[int] = mapped_column(BigInteger)
    update_id: Mapped[int] = mapped_column(BigInteger)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
