"""/my_data as a document a person reads: the same export as the JSON (services.onboarding.privacy
.export_data), with Russian headings, codes named through services.shared.labels and moments in
the person's zone, drawn as a PDF on the same fpdf2 document as the ИОМ."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.render.pdf_doc import FAMILY, clean, doc_class, font_files
from bot.services.shared import labels, timefmt

if TYPE_CHECKING:
    from fpdf import FPDF

NOTHING = "—"


def _moment(value: str | None, zone: str) -> str:
    if not value:
        return NOTHING
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return f"{moment:%d.%m.%Y}"
    return timefmt.fmt(moment, zone)


def _day(value: str | None) -> str:
    return f"{date.fromisoformat(value[:10]):%d.%m.%Y}" if value else NOTHING


def _yes_no(value: bool | None) -> str:
    return {True: "да", False: "нет"}.get(value, "не отмечено")


def _named(table: dict[str, str], code: Any) -> str:
    return table.get(str(code), str(code)) if code not in (None, "") else NOTHING


def profile(data: dict, zone: str) -> list[tuple[str, str]]:
    roles = ", ".join(_named(labels.ROLE_TITLES, r["role"]) for r in data.get("roles", [])) or NOTHING
    return [
        ("ФИО", data.get("full_name") or NOTHING),
        ("Организация", data.get("organization") or NOTHING),
        ("Должность", _named(labels.POSITION_TITLES, data.get("position"))),
        ("Предметы", ", ".join(data.get("subjects") or []) or NOTHING),
        ("Педагогический стаж, лет", str(data.get("experience_years", NOTHING))),
        ("Год рождения", str(data.get("birth_year") or NOTHING)),
        ("Часовой пояс", timefmt.label(data["timezone"]) if data.get("timezone") else NOTHING),
        ("Номер в Telegram", str(data.get("telegram_id") or NOTHING)),
        ("Согласие на обработку данных", _moment(data.get("consent_at"), zone)),
        ("Регистрация в боте", _moment(data.get("registered_at"), zone)),
        ("Особые роли", roles),
    ]


def sections(data: dict, zone: str) -> list[tuple[str, list[str]]]:
    """Everything after the profile: a heading and its lines, in the order of the export."""
    diagnoses = []
    for d in data.get("diagnoses", []):
        areas = "; ".join(
            f"{labels.area_label(code)}: {a['score']} б., {_named(labels.ZONE_TITLES, a['zone'])}"
            for code, a in sorted(d.get("areas", {}).items(), key=lambda kv: (len(kv[0]), kv[0]))
        )
        answers = ", ".join(f"{code} — {value}" for code, value in sorted(d.get("answers", {}).items()))
        diagnoses.append(
            f"{_moment(d.get('started_at'), zone)}, {_named(labels.VARIANT_TITLES, d.get('variant'))}, "
            f"{_named(labels.ATTEMPT_STATUS_TITLES, d.get('status'))}."
            + (f"\nРезультаты по областям: {areas}." if areas else "")
            + (f"\nОтветы (пункт — оценка): {answers}." if answers else "")
        )
    steps = [
        f"{s['title']} — до {_day(s.get('deadline'))}, {_named(labels.STEP_STATUS_TITLES, s.get('status'))}"
        + (f". Рефлексия: {s['reflection']}" if s.get("reflection") else "")
        + (f". Подтверждение: {_named(labels.EVIDENCE_TITLES, s['evidence'])}" if s.get("evidence") else "")
        for s in data.get("route_steps", [])
    ]
    events = [
        f"{r['event']}, {_moment(r.get('starts_at'), zone)}: "
        f"{_named(labels.REGISTRATION_STATUS_TITLES, r.get('status'))}; присутствие: {_yes_no(r.get('attended'))}"
        for r in data.get("event_registrations", [])
    ]
    feedback = [
        f"{f['event']}: оценка {f.get('rating') or NOTHING} из 5"
        + (f", комментарий: {f['comment']}" if f.get("comment") else "")
        for f in data.get("event_feedback", [])
    ]
    mentoring = []
    for m in data.get("mentoring", []):
        check_ins = "".join(
            f"\n  встреча {_day(c.get('held_on'))}: {c.get('discussed') or NOTHING}"
            + (f"; дальше: {c['next_steps']}" if c.get("next_steps") else "")
            for c in m.get("check_ins", [])
        )
        mentoring.append(
            f"{_named(labels.MENTORING_ROLE_TITLES, m.get('role')).capitalize()}, "
            f"{_named(labels.PAIR_TYPE_TITLES, m.get('type'))}, {_day(m.get('starts_on'))} — "
            f"{_day(m.get('planned_end'))}, {_named(labels.PAIR_STATUS_TITLES, m.get('status'))}"
            + (f". Цель: {m['goal']}" if m.get("goal") else "")
            + (f". Мой отзыв: {m['my_review']}" if m.get("my_review") else "")
            + check_ins
        )
    return [
        ("Самодиагностика", diagnoses),
        ("Шаги индивидуального образовательного маршрута", steps),
        ("Записи на мероприятия", events),
        ("Оценки мероприятий", feedback),
        ("Наставничество", mentoring),
    ]


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FAMILY, "B", 11)
    pdf.multi_cell(0, 6, clean(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9)


def document(data: dict, zone: str, now: datetime) -> bytes:
    pdf = doc_class()(orientation="P", unit="mm", format="A4")
    regular, bold = font_files()
    pdf.add_font(FAMILY, "", regular)
    pdf.add_font(FAMILY, "B", bold)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title("Ваши персональные данные")
    pdf.set_lang("ru")
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 8, "Ваши персональные данные в боте", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=8)
    pdf.multi_cell(0, 4.5, clean(f"Выгрузка от {timefmt.fmt(now, zone)}, по 152-ФЗ."), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, "Профиль")
    for name, value in profile(data, zone):
        pdf.set_font(FAMILY, "B", 9)
        pdf.write(5, clean(f"{name}: "))
        pdf.set_font(FAMILY, size=9)
        pdf.write(5, clean(value))
        pdf.ln(5.5)
    for title, lines in sections(data, zone):
        _heading(pdf, title)
        for line in lines or ["нет данных"]:
            pdf.multi_cell(0, 4.8, clean(f"• {line}" if lines else line), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.8)
    return bytes(pdf.output())
