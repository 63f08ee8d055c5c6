"""The demo's indicator sets (docs/demo.md «Indicators»): each municipality adopts the indicators its programme
names, with the baselines and targets the seed gives — targets for the last year of the programme (for every year
of Чаа-Хольский's plan, whose expected results hold «ежегодно»), baselines for its first year where the seed states
one. Seeds: 000 (`chaa-khol`, expected results of the plan), 003 (`yartsevo`, annex «ЦЕЛЕВЫЕ ПОКАЗАТЕЛИ», base and
planned values), 002 (`dubensky`, «Основные показатели (индикаторы) Программы»), 004 (`oktyabrsky`, «Целевые
показатели проекта (индикаторы)» and the per-school results of its tables).
"""

from decimal import Decimal

from registry.models import Municipality
from shnor_portal.demo import Tally, upsert

from . import catalogue
from .models import AdoptedIndicator, Indicator, IndicatorTarget

# municipality code → (note, baseline year, target years, [(indicator code, baseline, target), …])
SETS = {
    "chaa-khol": (
        "План сетевого взаимодействия на 2021–2024 годы (приказ №158 от 26.03.2021), ожидаемые результаты",
        2021,
        (2021, 2022, 2023, 2024),
        [
            ("REG_COUNT", None, None),
            ("METH_SUPPORT_SHARE", None, "100"),
            ("NETWORK_SHARE", None, "100"),
            ("PD_STAFF_COUNT", None, "10"),
            ("PROGRAM_SHARE", None, "100"),
            ("MTB_SHARE", None, "100"),
            ("MODERN_CONDITIONS_GROWTH", None, "10"),
            ("GIA_GAP_REDUCTION", None, "0.3"),
            ("CHILD_EVENTS_GROWTH", None, "5"),
            ("SATISFACTION", None, "90"),
        ],
    ),
    "yartsevo": (
        "Ведомственная целевая программа на 2018–2021 годы, приложение «ЦЕЛЕВЫЕ ПОКАЗАТЕЛИ»",
        2018,
        (2021,),
        [
            ("ANALYSED_SHARE", "25", "100"),
            ("STABLE_LOW_SHARE", "15", "0"),
            ("ADVERSE_SHARE", "22", "16"),
            ("STABLE_HIGH_SHARE", "25", "40"),
            ("PROGRAMS_COUNT", "5", "15"),
            ("TOP_MARK_SHARE", "8", "9"),
            ("NETWORK_ALL_SHARE", "25", "100"),
            ("RISK_TEACHERS_PD_SHARE", "25", "90"),
            ("COMPETENCE_AFTER_PD_SHARE", "0", "75"),
        ],
    ),
    "dubensky": (
        "Муниципальная программа поддержки ШНОР и ШФНСУ на 2024 год, основные показатели (индикаторы)",
        2024,
        (2024,),
        [
            ("EXITED_SHARE", None, None),
            ("POSITIVE_DYNAMICS_SHARE", None, None),
            ("COMPETENCE_DYNAMICS_SCHOOLS_SHARE", None, None),
            ("COMPETENCE_DYNAMICS_TEACHERS_SHARE", None, None),
            ("METH_COVERED_COUNT", None, None),
            ("TARGETED_HELP_COUNT", None, None),
            ("CONSULT_SEMINAR_COUNT", None, None),
            ("PROGRAM_SHARE", None, "100"),
            ("LOW_RESULTS_SHARE", None, "20"),
        ],
    ),
    "oktyabrsky": (
        "Муниципальный проект «Сетевое взаимодействие…» (приказ №448-од от 25.05.2020), целевые показатели проекта",
        2020,
        (2022,),
        [
            ("MGMT_TECH_SHARE", None, "85"),
            ("AGREEMENTS_SHARE", None, "100"),
            ("PD_STAFF_SHARE", None, None),
            ("COMPETITION_TEACHERS_SHARE", None, None),
            ("SATISFACTION", None, "85"),
            ("VPR_SUCCESS", None, None),
            ("VPR_QUALITY", None, None),
            ("VPR_MEAN_MARK", None, None),
            ("VPR_CONFIRMED", None, None),
            ("IOR", None, None),
        ],
    ),
}


def load(tally: Tally) -> None:
    """Adopt the sets (idempotent: rows are created or brought up to date, never doubled)."""
    catalogue.ensure()  # a flushed database has lost the rows of the catalogue migration
    indicators = {i.code: i for i in Indicator.objects.all()}
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=SETS)}
    for code, (note, baseline_year, target_years, rows) in SETS.items():
        municipality = municipalities.get(code)
        if municipality is None:
            continue
        for indicator_code, baseline, target in rows:
            adopted = upsert(
                AdoptedIndicator,
                {"municipality": municipality, "indicator": indicators[indicator_code]},
                {
                    "baseline_value": None if baseline is None else Decimal(baseline),
                    "baseline_year": None if baseline is None else baseline_year,
                    "note": note,
                },
                tally,
            )
            if target is None:
                continue
            for year in target_years:
                upsert(IndicatorTarget, {"adopted": adopted, "year": year}, {"target": Decimal(target)}, tally)
