"""The catalogue of domain.md §5: each indicator's code, title, what it counts out of what, and
which per-group counts hold its numerator and denominator (or why the bot cannot count it)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    code: str
    title: str
    numerator: str
    denominator: str
    columns: tuple[str, str] = ("", "")  # numerator and denominator columns of the per-group counts
    reason: str = ""  # set when the bot has no data for the indicator


DEFINITIONS = (
    Definition("1", "Охват диагностикой", "прошли диагностику за период", "все педагоги", ("diag", "teachers")),
    Definition(
        "2", "Педагоги с ИОМ", "есть утверждённый ИОМ по итогам диагностики", "все педагоги", ("iom", "teachers")
    ),
    Definition(
        "2а",
        "Переход от диагностики к ИОМ",
        "с ИОМ среди педагогов с дефицитом",
        "педагоги с выраженным или частичным дефицитом",
        ("deficit_iom", "deficit"),
    ),
    Definition("3", "Выполнение ИОМ", "ИОМ выполнены на 80% и больше", "ИОМ, срок которых истёк в периоде"),
    Definition(
        "4",
        "Преодоление дефицитов",
        "приоритетная область поднялась на зону или на 3 балла",
        "прошли повторную диагностику в периоде",
        ("overcome", "repeat"),
    ),
    Definition(
        "5",
        "Повышение квалификации",
        "завершили курс ПК, подтверждённый методистом",
        "все педагоги",
        ("pk", "teachers"),
    ),
    Definition(
        "6",
        "Обучение по программам ФР ДПП",
        "завершили курс по программе из ФР ДПП",
        "завершили курс ПК",
        ("pk_frdpp", "pk"),
    ),
    Definition(
        "7",
        "Поддержка молодых педагогов",
        "молодые в наставничестве, с ИОМ или в сообществе молодых педагогов",
        "педагоги до 35 лет со стажем до 3 лет",
        ("young_support", "young"),
    ),
    Definition(
        "8",
        "Молодые специалисты с наставником",
        "молодые с действующим наставником",
        "педагоги до 35 лет со стажем до 3 лет",
        ("young_mentor", "young"),
    ),
    Definition(
        "9",
        "Пары «компетенция → дефицит»",
        "с выраженным дефицитом и парой по компетенции",
        "педагоги с выраженным дефицитом",
        ("severe_pair", "severe"),
    ),
    Definition("10", "Доля наставников", "действующие наставники", "все педагоги", ("mentor", "teachers")),
    Definition(
        "11",
        "Руководители в программах развития",
        "прошли диагностику и курс ПК (подтверждён методистом)",
        "руководители и заместители",
        ("leader_ok", "leader"),
    ),
    Definition(
        "12",
        "Вовлечённость в НСУР",
        "",
        "",
        reason="бот не получает сведений о национальной системе профессионального роста",
    ),
)
