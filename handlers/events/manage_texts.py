"""The methodist's event screens, texts only: field labels, prompts of the /new_event dialog,
statuses, and the event's description and card as the methodist sees them."""

from bot.services.events import Counts, Registrant
from bot.services.events.draft import FIELDS
from bot.services.events.inputs import moment
from bot.services.shared.labels import EVENT_FORMATS as FORMAT_LABELS
from bot.services.shared.labels import area_label
from bot.services.shared.timefmt import fmt, phrase
from handlers.shared.texts import esc
from models import Event, EventFormat, EventStatus, RegistrationStatus

FIELD_LABELS = {
    "title": "Название",
    "description": "Описание",
    "format": "Формат",
    "areas": "Направления",
    "scope": "Для кого",
    "starts_at": "Дата и время",
    "duration": "Продолжительность",
    "location": "Место / ссылка",
    "capacity": "Число мест",
    "deadline": "Срок записи",
}
REG_STATUS = {
    RegistrationStatus.registered: "записан(а)",
    RegistrationStatus.offered: "предложено место",
    RegistrationStatus.waitlisted: "в листе ожидания",
    RegistrationStatus.cancelled: "отказался(ась)",
}
EVENT_STATUS = {EventStatus.published: "", EventStatus.cancelled: " ❌ отменено", EventStatus.closed: " 🏁 завершено"}
CANCEL_HINT = "\n/cancel — прервать."
PROMPTS = {
    "title": "Название мероприятия (до 200 символов)?",
    "description": "Краткое описание (до 3000 символов): о чём, для кого, что подготовить. «-» — без описания.",
    "format": "Формат мероприятия?",
    "areas": "Отметьте направления профессиональных компетенций (одно или несколько) и нажмите «Готово».",
    "scope": "Для кого мероприятие? Его увидят и смогут записаться педагоги выбранной организации, "
    "муниципалитета или региона.",
    "starts_at": "Дата и время начала {zone}, например <code>25.12.2026 15:00</code>?",
    "duration": "Продолжительность: минуты (<code>90</code>), часы (<code>1,5 ч</code>) "
    "или дни для стажировок (<code>3 дн</code>)?",
    "location": "Место проведения (адрес, кабинет) или ссылка на онлайн-подключение (https://…)?",
    "capacity": "Сколько мест? Введите число или нажмите «Без ограничений».",
    "deadline": "До какого момента принимать запись? Дата и время {zone}, например "
    "<code>24.12.2026 18:00</code>, или кнопка «До начала».",
}
ASK_BUTTON = "Выберите вариант кнопкой в сообщении выше."
DRAFT_DROPPED = "Создание мероприятия отменено, черновик удалён."


def prompt(field: str, zone: str, *, step: bool) -> str:
    text = PROMPTS[field].replace("{zone}", phrase(zone))
    prefix = f"Шаг {FIELDS.index(field) + 1} из {len(FIELDS)}. " if step else ""
    return f"{prefix}{text}{CANCEL_HINT}"


def cut(value: str, limit: int) -> str:
    """Escape and shorten so the escaped text stays within `limit` characters."""
    out, size = [], 0
    for ch in value:
        piece = esc(ch)
        if size + len(piece) > limit - 1:
            return "".join(out) + "…"
        out.append(piece)
        size += len(piece)
    return "".join(out)


def duration_text(minutes: int) -> str:
    if minutes % 1440 == 0:
        return f"{minutes // 1440} дн."
    hours, mins = divmod(minutes, 60)
    return " ".join(part for part in (f"{hours} ч" if hours else "", f"{mins} мин" if mins else "") if part)


def describe(draft: dict, scope_name: str, zone: str, description_limit: int = 1500) -> str:
    deadline = moment(draft.get("deadline"))
    where = (
        f"Онлайн: {cut(draft['online_url'], 1000)}"
        if draft.get("online_url")
        else f"Место: {cut(draft.get('place') or '', 400)}"
    )
    lines = [
        f"<b>{cut(draft['title'], 400)}</b>",
        f"Формат: {FORMAT_LABELS[EventFormat(draft['format'])]}",
        "Направления: " + ", ".join(area_label(a) for a in draft["areas"]),
        f"Для кого: {cut(scope_name, 300)}",
        f"Начало: {fmt(moment(draft['starts_at']), zone)}",
        f"Продолжительность: {duration_text(draft['duration_min'])}",
        where,
        f"Мест: {draft['capacity'] if draft.get('capacity') else 'без ограничений'}",
        f"Запись до: {fmt(deadline, zone) if deadline else 'начала мероприятия'}",
    ]
    if draft.get("description"):
        lines += ["", cut(draft["description"], description_limit)]
    return "\n".join(lines)


def card(event: Event, draft: dict, scope_name: str, counts: Counts, zone: str, started: bool) -> str:
    seats = f" из {event.capacity}" if event.capacity else ""
    lines = [
        f"Мероприятие №{event.id}{EVENT_STATUS[event.status]}",
        "",
        describe(draft, scope_name, zone, 800),
        "",
        f"Записано: {counts.registered}{seats} · в листе ожидания: {counts.waitlisted} · "
        f"предложено мест: {counts.offered}",
    ]
    if started:
        lines.append(f"Отмечены присутствующими: {counts.attended}")
    return "\n".join(lines)


def registrant_line(number: int, item: Registrant) -> str:
    name = cut(item.user.full_name, 120) if item.user.full_name else "(данные удалены)"
    mark = " ✅" if item.registration.attended else ""
    return f"{number}. {name} — {cut(item.organization, 80)}, {REG_STATUS[item.registration.status]}{mark}"
