"""Russian texts the users read. Anything a user typed goes through `esc` before it lands here."""

from html import escape

from bot.services.shared import timefmt
from bot.services.shared.labels import plural
from models import Position, Role, User

POSITION_LABELS = {
    Position.teacher: "Учитель",
    Position.educator: "Воспитатель",
    Position.additional_ed: "Педагог дополнительного образования",
    Position.head: "Руководитель",
    Position.deputy_head: "Заместитель руководителя",
    Position.methodist: "Методист",
    Position.other: "Другое",
}
ROLE_LABELS = {
    Role.teacher: "педагог",
    Role.mentor: "наставник",
    Role.methodist: "методист",
    Role.admin: "администратор",
}


def esc(value: object) -> str:
    return escape(str(value), quote=False)


WELCOME = (
    "Здравствуйте! Это бот сопровождения профессионального роста педагогов.\n\n"
    "Он поможет:\n"
    "• пройти самодиагностику профессиональных дефицитов;\n"
    "• получить индивидуальный образовательный маршрут (ИОМ) и двигаться по нему;\n"
    "• записываться на семинары, мастер-классы, вебинары, стажировки и курсы и получать напоминания;\n"
    "• работать с наставником.\n\n"
)
CONSENT = (
    "<b>Согласие на обработку персональных данных (152-ФЗ)</b>\n\n"
    "<b>Что хранится:</b> ФИО, организация, должность, предметы, стаж, год рождения, часовой пояс, "
    "ваш номер в Telegram, а позже — ответы диагностики, маршрут и записи на мероприятия.\n"
    "<b>Зачем:</b> чтобы построить ваш образовательный маршрут, напоминать о мероприятиях и "
    "считать обезличенные показатели методической службы.\n"
    "<b>Сколько:</b> пока вы пользуетесь ботом; после удаления остаётся только обезличенная статистика.\n"
    "<b>Как отозвать:</b> команда /delete_me удаляет ваши персональные данные, "
    "/my_data показывает всё, что о вас хранится.\n\n"
    "Вы согласны?"
)
CONSENT_DECLINED = (
    "Понимаем. Без согласия бот не может вас зарегистрировать, и мы ничего о вас не сохранили.\n"
    "Если передумаете — отправьте /start."
)
ASK_NAME = "Спасибо! Введите ваши фамилию, имя и отчество, например: <i>Иванова Мария Петровна</i>."
ASK_MUNICIPALITY = "Выберите муниципалитет:"
ASK_ORGANIZATION = "Выберите организацию:"
NO_ORGANIZATIONS = (
    "Список организаций пока пуст. Сообщите администратору бота: его нужно загрузить командой "
    "<code>python -m bot orgs import</code>."
)
ASK_POSITION = "Ваша должность?"
ASK_SUBJECTS = "Отметьте предметы или направления (можно несколько), затем нажмите «Готово»."
ASK_EXPERIENCE = "Ваш педагогический стаж, полных лет (от 0 до 60)?"
ASK_BIRTH_YEAR = "Год рождения (четыре цифры)?"
REGISTRATION_CANCELLED = "Регистрация прервана, введённые данные удалены. Чтобы начать заново, отправьте /start."
NOTHING_TO_CANCEL = "Сейчас нечего отменять."
CANCELLED = "Действие отменено."
STALE_BUTTON = "Эта кнопка устарела. Отправьте /start или /help, чтобы продолжить."
UNKNOWN_COMMAND = "Не понял сообщение. Список команд — /help."
NEED_TEXT = "Пожалуйста, ответьте текстом."
UNEXPECTED_ERROR = "Что-то пошло не так. Мы уже разбираемся; попробуйте ещё раз чуть позже."
DELETE_ASK = (
    "Удалить ваши персональные данные? ФИО, год рождения, предметы и номер в Telegram будут стёрты, "
    "роли сняты. Останется только обезличенная статистика. Это действие нельзя отменить."
)
DELETED = "Ваши персональные данные удалены. Спасибо, что были с нами. Вернуться можно через /start."
DELETE_KEPT = "Хорошо, ничего не удаляем."


RESUME = "Продолжим регистрацию с того места, где вы остановились. /cancel — прервать."


def registered(user: User, org_name: str) -> str:
    return f"Готово, {esc(user.full_name)}! Вы зарегистрированы: {esc(org_name)}.\nСписок команд — /help."


def welcome_back(user: User) -> str:
    return f"С возвращением, {esc(user.full_name)}! Список команд — /help."


def profile(user: User, org_name: str, roles: list[Role]) -> str:
    subjects = ", ".join(user.subjects) if user.subjects else "не указаны"
    return (
        "<b>Ваш профиль</b>\n"
        f"ФИО: {esc(user.full_name)}\n"
        f"Организация: {esc(org_name)}\n"
        f"Должность: {POSITION_LABELS[user.position]}\n"
        f"Предметы: {esc(subjects)}\n"
        f"Стаж: {user.experience_years} {plural(user.experience_years or 0, 'год', 'года', 'лет')}\n"
        f"Год рождения: {user.birth_year}\n"
        f"Часовой пояс: {timefmt.label(user.timezone)}\n"
        f"Роли: {', '.join(ROLE_LABELS[r] for r in roles)}\n\n"
        "Что изменить?"
    )
