"""Broadcast texts in Russian: the compose prompts, the titles of the audience screens, the audience
summary, the confirm / started / stop messages and one line per recent broadcast."""

from datetime import time

from bot.services.shared.labels import area_label, plural
from bot.services.shared.timefmt import phrase
from handlers.shared.texts import POSITION_LABELS, esc
from models import Broadcast, BroadcastStatus, Event, Organization, Position

ROLE_NAMES = {"teacher": "педагоги без роли наставника", "mentor": "наставники"}
STATUS_NAMES = {
    BroadcastStatus.scheduled: "запланирована",
    BroadcastStatus.sending: "отправляется",
    BroadcastStatus.done: "завершена",
    BroadcastStatus.cancelled: "отменена",
}

COMPOSE = (
    "<b>Рассылка</b>\nПришлите сообщение для рассылки так, как его должны увидеть получатели: текст "
    "с оформлением, можно с одним фото или документом и подписью.\n/cancel — отменить."
)
RECOMPOSE = "Пришлите новое сообщение для рассылки. Аудитория и кнопки сохранятся. /cancel — отменить."
NEED_CONTENT = "Для рассылки подходит текст, одно фото или один документ (с подписью). Пришлите сообщение ещё раз."
NO_ALBUMS = "Альбомы не поддерживаются: пришлите одно фото или документ, текст — в подписи."
PREVIEW_HEAD = "Так сообщение увидят получатели:"
EVENTS_TITLE = (
    "<b>Записанные на мероприятие</b>\nВыберите мероприятие (учитываются только записанные, без листа ожидания):"
)
NO_EVENTS = "Мероприятий в вашей зоне пока нет."


def orgs_title(parent: Organization | None) -> str:
    where = f" — {esc(parent.name)}" if parent else ""
    return (
        f"<b>Территории и организации{where}</b>\nОтметьте нужные; «›» открывает вложенные. "
        "Отмеченная территория включает все свои организации."
    )


def choices_title(title: str) -> str:
    return f"<b>{title}</b>\nОтметьте одно или несколько значений:"


def ask_when(zone: str) -> str:
    return f"Когда отправить? Дата и время {phrase(zone)}, например <code>25.12.2026 15:00</code>.\n/cancel — отменить."


def audience_lines(spec: dict, org_names: list[str], event: Event | None) -> list[str]:
    lines = []
    if org_names:
        lines.append("Территории и организации: " + "; ".join(esc(n) for n in org_names))
    if spec.get("roles"):
        lines.append("Роль: " + ", ".join(ROLE_NAMES[r] for r in spec["roles"]))
    if spec.get("positions"):
        lines.append("Должность: " + ", ".join(POSITION_LABELS[Position(p)] for p in spec["positions"]))
    if spec.get("subjects"):
        lines.append("Предметы: " + ", ".join(esc(s) for s in spec["subjects"]))
    if spec.get("young"):
        lines.append("Молодые специалисты (до 35 лет, стаж до 3 лет)")
    if spec.get("deficit"):
        lines.append("Дефицит по последней диагностике: " + ", ".join(area_label(a) for a in spec["deficit"]))
    if spec.get("undiagnosed"):
        lines.append("Ещё не прошли диагностику")
    if spec.get("event"):
        lines.append("Записаны на мероприятие: " + (f"«{esc(event.title)}»" if event else f"№{spec['event']}"))
    return lines or ["Все педагоги в вашей зоне ответственности"]


def audience(b: Broadcast, org_names: list[str], event: Event | None, recipients: int) -> str:
    lines = "\n".join(f"• {line}" for line in audience_lines(b.audience, org_names, event))
    return (
        f"<b>Рассылка №{b.id}: «{esc(b.preview)}»</b>\n\n<b>Аудитория</b>\n{lines}\n\n"
        f"Получателей: <b>{recipients}</b>\n\n<i>Значения одного фильтра складываются, разные фильтры "
        "сужают аудиторию. Только активные пользователи в вашей зоне.</i>"
    )


def confirm(b: Broadcast, recipients: int) -> str:
    who = plural(recipients, "получатель", "получателя", "получателей")
    return (
        f"<b>Рассылка №{b.id}: «{esc(b.preview)}»</b>\nСообщение получат <b>{recipients}</b> {who}.\n"
        "Отправить сейчас или запланировать?"
    )


def quiet_warning(held: int, total: int, end: time) -> str:
    """Before «Отправить сейчас»: the worker holds these messages until the recipient's morning."""
    who = "у всех получателей" if held == total else f"у {held} из {total} получателей"
    return (
        f"⚠️ Сейчас {who} тихие часы: им сообщение придёт в {end:%H:%M} по их местному времени. "
        "Если это не срочно, можно запланировать отправку на утро."
    )


def starting(b: Broadcast) -> str:
    return f"📨 Рассылка №{b.id} запускается…"


def started(b: Broadcast) -> str:
    who = plural(b.recipients, "получатель", "получателя", "получателей")
    return f"🚀 Рассылка №{b.id} запущена: {b.recipients} {who}."


def stop_question(b: Broadcast) -> str:
    return (
        f"Остановить рассылку №{b.id}? Те, кому сообщение ещё не отправлено, его не получат. "
        "Уже отправленные сообщения останутся у получателей."
    )


def stopped(b: Broadcast, withdrawn: int) -> str:
    # Recipients are counted when sending starts: a scheduled one stopped before that reached nobody,
    # and "not sent: 0" would read as if everyone got it.
    if b.scheduled_at is not None and b.recipients == 0:
        return f"⏹ Запланированная рассылка №{b.id} отменена: сообщение никому не отправлено."
    return f"⏹ Рассылка №{b.id} остановлена. Не отправлено: {withdrawn}."


def recent_line(b: Broadcast) -> str:
    return f"№{b.id} {STATUS_NAMES.get(b.status, b.status.value)}: {b.preview[:40]}"
