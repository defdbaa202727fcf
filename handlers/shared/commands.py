"""The command list per role: drives /help and the per-chat command menu, so they never disagree."""

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat

from models import Role

COMMANDS: list[tuple[str, str, Role]] = [
    ("start", "Начать работу", Role.teacher),
    ("help", "Список команд", Role.teacher),
    ("profile", "Мой профиль", Role.teacher),
    ("my_data", "Мои данные (файл)", Role.teacher),
    ("delete_me", "Удалить мои данные", Role.teacher),
    ("diagnostics", "Самодиагностика дефицитов", Role.teacher),
    ("route", "Мой образовательный маршрут (ИОМ)", Role.teacher),
    ("check", "Проверить самооценку заданиями", Role.teacher),
    ("courses", "Курсы повышения квалификации", Role.teacher),
    ("events", "Мероприятия", Role.teacher),
    ("my_events", "Мои записи на мероприятия", Role.teacher),
    ("mentor", "Мой наставник", Role.teacher),
    ("communities", "Профессиональные сообщества (МО)", Role.teacher),
    ("practices", "Банк практик коллег", Role.teacher),
    ("share_practice", "Поделиться практикой", Role.teacher),
    ("lessons", "Открытые уроки коллег", Role.teacher),
    ("offer_lesson", "Предложить открытый урок", Role.teacher),
    ("cancel", "Отменить текущее действие", Role.teacher),
    ("mentees", "Мои подопечные", Role.mentor),
    ("new_event", "Создать мероприятие", Role.methodist),
    ("events_admin", "Мои мероприятия (управление)", Role.methodist),
    ("invite", "Пригласить педагогов или наставников", Role.methodist),
    ("pairs", "Наставнические пары", Role.methodist),
    ("practices_review", "Практики на модерации", Role.methodist),
    ("lessons_review", "Согласование открытых уроков", Role.methodist),
    ("broadcast", "Рассылка", Role.methodist),
    ("stats", "Показатели мониторинга", Role.methodist),
    ("report", "Отчёт в Excel", Role.methodist),
    ("content", "Анкеты, каталог, банк заданий (регион)", Role.methodist),
    ("approval", "Согласование ИОМ", Role.methodist),
    ("review_requests", "Запросы на разбор урока", Role.methodist),
    ("grant", "Назначить методиста", Role.admin),
    ("methodists", "Методисты и снятие роли", Role.admin),
    ("audit", "Журнал действий", Role.admin),
]


def _visible(roles: set[Role]) -> list[tuple[str, str]]:
    effective = roles | {Role.teacher}
    return [(command, description) for command, description, role in COMMANDS if role in effective]


def commands_for(roles: set[Role]) -> list[BotCommand]:
    return [BotCommand(command=c, description=d) for c, d in _visible(roles)]


def help_text(roles: set[Role], registered: bool = True) -> str:
    if not registered:
        return _unregistered_help(roles)
    return "\n".join(["<b>Команды</b>"] + [f"/{c} — {d}" for c, d in _visible(roles)])


def _unregistered_help(roles: set[Role]) -> str:
    """A methodist or admin appointed before registering: their own commands already work, the
    teacher's ones (diagnosis, route, events) wait for /start."""
    role = "администратором" if Role.admin in roles else "методистом"
    own = [f"/{c} — {d}" for c, d, r in COMMANDS if r in roles and r != Role.teacher]
    return "\n".join(
        [
            f"<b>Команды</b>\nВы назначены {role}, но ещё не зарегистрированы в боте как педагог. "
            "Эти команды уже работают:",
            *own,
            "\nЧтобы пройти самодиагностику, получить свой ИОМ и записываться на мероприятия, "
            "зарегистрируйтесь: /start.",
        ]
    )


async def publish_menu(bot: Bot, chat_id: int, roles: set[Role]) -> None:
    """Elevated users get their own menu; everyone else sees the default one."""
    await bot.set_my_commands(commands_for(roles), scope=BotCommandScopeChat(chat_id=chat_id))
