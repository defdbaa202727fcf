"""Indicators 5, 6 and 11 count courses of повышение квалификации that a methodist verified and
that ended in the period (bot.services.courses): a ticked route step alone has no certificate."""

from sqlalchemy import case, func, select

from bot.services.monitoring.indicators.period import Window
from models import CourseRecord, CourseStatus


def courses_code(uid, window: Window):
    """0 = no verified course ended in the period, 1 = one did, 2 = (also) one from ФР ДПП."""
    return (
        select(func.max(case((CourseRecord.frdpp.is_(True), 2), else_=1)))
        .where(
            CourseRecord.user_id == uid,
            CourseRecord.status == CourseStatus.verified,
            CourseRecord.end_date >= window.start,
            CourseRecord.end_date <= window.end,
        )
        .scalar_subquery()
    )
