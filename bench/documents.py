"""Official documents: a plan annex of about twenty dense landscape pages (the issue asks for under 8 s on this 2-core
machine), rendered as PDF and as .xlsx; the parts measured apart (data and HTML, WeasyPrint, openpyxl), with the SQL
queries of building the document."""

import datetime as dt
import time

from bench.registry_list import counting_queries
from registry.models import Municipality, Region

SECTIONS = 14
ACTIVITIES_PER_SECTION = 20
# Cells as long as the seeds' (001, 003): names of one to three lines, deadlines as written, several executors.
NAMES = [
    "Проведение муниципального семинара-практикума для учителей математики «Формирующее оценивание как средство "
    "повышения учебной мотивации обучающихся»",
    "Анализ результатов ВПР, ОГЭ и ЕГЭ по школам с низкими образовательными результатами, выявление профессиональных "
    "дефицитов педагогов и корректировка рабочих программ",
    "Выездной методический день в школе: посещение и анализ уроков, индивидуальные консультации учителей",
    "Организация курсов повышения квалификации учителей русского языка и литературы",
    "Заключение договоров о сетевом взаимодействии школ-лидеров со школами с низкими образовательными результатами",
]
DEADLINES = ["Октябрь-ноябрь 2020г", "В течение года", "Ежегодно (сентябрь)", "4 квартал 2021 года", "По графику"]
RESPONSIBLE = [
    "УМЦ управления образования, руководители ОО",
    "Управление образования и молодёжной политики, рабочая группа",
    "Руководители школ-лидеров, методисты УМЦ",
]
RESULTS = [
    "Обучились 50 % руководителей и заместителей руководителей ШНОР",
    "Аналитическая справка, адресные рекомендации",
    "6 договоров о сотрудничестве",
    "Повышение квалификации не менее 10 педагогов в год",
]


def build_plan():
    from roadmaps.models import Activity, Level, Plan, PlanStatus, Section

    region = Region.objects.create(code="bench-documents", name="Регион для замеров документов")
    municipality = Municipality.objects.create(region=region, code="bench-documents", name="Район документов")
    plan = Plan.objects.create(
        level=Level.MUNICIPAL,
        municipality=municipality,
        title="План мероприятий («дорожная карта») по работе с общеобразовательными организациями с низкими "
        "образовательными результатами на 2020–2021 годы",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2021, 12, 31),
        status=PlanStatus.APPROVED,
        approval_number="400а/п",
        approval_date=dt.date(2020, 9, 4),
        approved_by="Управление образования и молодёжной политики администрации района",
    )
    sections = Section.objects.bulk_create(
        Section(plan=plan, number=f"{s}.", title=f"Раздел {s}. Реализация модели поддержки школ", order=s)
        for s in range(1, SECTIONS + 1)
    )
    Activity.objects.bulk_create(
        Activity(
            section=section,
            number=f"{s}.{a}",
            order=a,
            name=NAMES[(s + a) % len(NAMES)],
            deadline_text=DEADLINES[a % len(DEADLINES)],
            responsible=RESPONSIBLE[a % len(RESPONSIBLE)],
            expected_result=RESULTS[(s * a) % len(RESULTS)],
        )
        for s, section in enumerate(sections, start=1)
        for a in range(1, ACTIVITIES_PER_SECTION + 1)
    )
    return municipality, plan


def run(report):
    from bench.__main__ import timed
    from reports.documents.plan import PlanAnnex

    municipality, plan = build_plan()
    with counting_queries() as queries:
        document = PlanAnnex(municipality, 2021, plan)
        document.built  # noqa: B018 — the data alone
    rows = document.row_count()
    html_ms, _ = timed(lambda: PlanAnnex(municipality, 2021, plan).html(), repeat=3)
    start = time.perf_counter()
    first_document = PlanAnnex(municipality, 2021, plan)
    content = first_document.pdf()
    first = (time.perf_counter() - start) * 1000  # with WeasyPrint imported and its fonts read for the first time
    cpu = time.process_time()
    pdf_ms, pdf_best = timed(lambda: PlanAnnex(municipality, 2021, plan).pdf(), repeat=3)
    # CPU seconds of one render: what the figure is on a quiet machine, whatever else shares this one.
    cpu = (time.process_time() - cpu) / 3
    xlsx_ms, _ = timed(lambda: PlanAnnex(municipality, 2021, plan).xlsx(), repeat=3)
    pages = first_document.page_count
    report(
        f"documents: plan annex of {rows} rows ({SECTIONS} sections × {ACTIVITIES_PER_SECTION} activities), "
        f"{pages} A4 landscape pages, {len(content) // 1024} KB, {queries.count} SQL queries"
    )
    report(
        f"plan annex PDF: median {pdf_ms / 1000:.2f} s, best {pdf_best / 1000:.2f} s, first {first / 1000:.2f} s, "
        f"CPU {cpu:.2f} s ({cpu * 1000 / pages:.0f} ms a page); data and HTML alone {html_ms:.0f} ms"
    )
    report(f"plan annex .xlsx: median {xlsx_ms:.0f} ms")
