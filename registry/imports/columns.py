"""The registry workbook: its sheets and Russian column headers, shared by the template and the reader."""

from dataclasses import dataclass

from ..profiles import SOCIAL_ROWS, STAFF_ROWS


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    required: bool = False
    width: int = 16


SCHOOLS = "Школы"
PROFILES = "Профили"
RISKS = "Риск-профиль"
SWOT = "SWOT"
HELP = "Справка"

SHEETS: dict[str, list[Col]] = {
    SCHOOLS: [
        Col("code", "Код школы", True, 16),
        Col("short_name", "Краткое наименование", True, 32),
        Col("name", "Полное наименование", True, 50),
        Col("type", "Тип", True, 18),
        Col("settlement", "Населённый пункт", False, 22),
        Col("is_rural", "Сельская (да/нет)", False, 12),
        Col("address", "Адрес", False, 36),
        Col("director", "Директор", False, 28),
        Col("phone", "Телефон", False, 16),
        Col("email", "Эл. почта", False, 24),
        Col("fis_oko_login", "Логин ФИС ОКО", False, 14),
    ],
    PROFILES: [
        Col("code", "Код школы", True),
        Col("year", "Учебный год", True, 12),
        Col("pupils_primary", "Обучающихся 1–4 кл."),
        Col("pupils_basic", "Обучающихся 5–9 кл."),
        Col("pupils_secondary", "Обучающихся 10–11 кл."),
        Col("teachers_total", "Педагогов всего"),
        *(Col(name, f"Педагогов: {label}", False, 20) for name, label, _parent in STAFF_ROWS),
        *(Col(name, f"Детей: {label}", False, 20) for name, label in SOCIAL_ROWS),
        Col("ior", "ИОР (0–1)", False, 10),
        Col("ior_note", "Примечание к ИОР", False, 30),
    ],
    RISKS: [
        Col("code", "Код школы", True),
        Col("year", "Учебный год", True, 12),
        Col("factor", "Код фактора риска", True, 14),
        Col("level", "Уровень риска", True, 16),
        Col("comment", "Комментарий", False, 50),
    ],
    SWOT: [
        Col("code", "Код школы", True),
        Col("year", "Учебный год", True, 12),
        Col("kind", "Раздел", True, 20),
        Col("text", "Пункт", True, 70),
    ],
}
