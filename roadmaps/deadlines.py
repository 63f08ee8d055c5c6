"""Reading a deadline as written in a plan («Октябрь-ноябрь 2020г», «4 квартал 2024 гола», «Ежегодно») into a kind
and periods, by the table of docs/deadlines.md.

The text itself is never changed: the reading sits beside it. Periods are relative to the plan's period
[P_start, P_end]; dated periods are never moved to fit the plan, a period outside it is flagged instead.
What the reader does not recognise is «unparsed»: it is never guessed.

How it works: the text is first normalised (case, «ё», dashes, spaces, «г.»/«года»/«гг.» and their typos such as
«гола», «учебный год» → «уг», «квартал» → «кв», «полугодие» → «пг», month names → «m9», Roman quarters → digits),
then the normalised text is matched as a whole against a small grammar of families: points in time (a date,
a month, a quarter, a half-year, a school year, a year), lists of them, ranges between them, and «до …», «с …».
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

Period = tuple[dt.date, dt.date]


class Kind(models.TextChoices):
    DATES = "dates", _("dates")
    YEARLY = "yearly", _("every year")
    CONTINUOUS = "continuous", _("continuously")
    MONTHLY = "monthly", _("every month")
    QUARTERLY = "quarterly", _("every quarter")
    ON_DEMAND = "on_demand", _("on demand / by schedule")
    UNPARSED = "unparsed", _("not read")


@dataclass(frozen=True)
class Reading:
    kind: str
    periods: tuple[Period, ...] = ()
    outside: bool = False  # a period lies (partly) outside the plan's period

    def periods_iso(self) -> list[list[str]]:
        return [[start.isoformat(), end.isoformat()] for start, end in self.periods]


UNPARSED = Reading(Kind.UNPARSED)


def read_deadline(text: str | None, plan_start: dt.date, plan_end: dt.date) -> Reading:
    """The reading of one deadline text for a plan running from `plan_start` to `plan_end`."""
    s = normalise(text or "")
    if not s:
        return UNPARSED
    if ON_DEMAND.search(s):
        return Reading(Kind.ON_DEMAND)
    if CONTINUOUS.fullmatch(s):
        return Reading(Kind.CONTINUOUS, ((plan_start, plan_end),))
    reader = _Reader(plan_start, plan_end)
    for attempt in (reader.monthly, reader.quarterly, reader.yearly, reader.dates):
        reading = attempt(s)
        if reading is not None:
            return reading
    return UNPARSED


# --- Normalisation -----------------------------------------------------------------------------------------------

DASHES = re.compile(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d-]")
MONTH_WORDS = [
    (r"январ[ьяею]|янв", 1),
    (r"феврал[ьяею]|фев|февр", 2),
    (r"март[аеу]?|мар", 3),
    (r"апрел[ьяею]|апр", 4),
    (r"ма[йяею]", 5),
    (r"июн[ьяею]|июн", 6),
    (r"июл[ьяею]|июл", 7),
    (r"август[аеу]?|авг", 8),
    (r"сентябр[ьяею]|сен|сент", 9),
    (r"октябр[ьяею]|окт", 10),
    (r"ноябр[ьяею]|ноя|нояб", 11),
    (r"декабр[ьяею]|дек", 12),
]
MONTH_RE = re.compile(r"(?<![а-яa-z])(" + "|".join(f"(?:{words})" for words, _n in MONTH_WORDS) + r")\.?(?![а-я])")
MONTH_OF = [(re.compile(f"(?:{words})"), number) for words, number in MONTH_WORDS]
SCHOOL_YEAR_WORDS = re.compile(r"(?<![а-я])уч(?:ебн[а-я]*)?\.?\s*(?:год[а-я]*|г)(?![а-я])\.?")
YEAR_WORDS = re.compile(r"(\d{4})\s*(?:г\.?\s*г|гг|годы|годов|годах|года|году|годом|год|гола|гда|г)(?![а-я])\.?")
QUARTER_WORDS = re.compile(r"(?<![а-я])(?:квартал[а-я]*|кв)(?![а-я])\.?")
HALF_WORDS = re.compile(r"(?<![а-я])(?:полугоди[а-я]*|полуг|п/г)(?![а-я])\.?")
ORDINAL = re.compile(r"(\d)\s*-?\s*(?:ый|ий|ой|ом|й|е|ое|го|м)(?=\s)")
ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
ORDINAL_WORDS = re.compile(r"(?<![а-я])(перв|втор|трет|четверт)[а-я]*\s+(?=(?:кв|пг)(?![а-я]))")
ORDINAL_NUMBERS = {"перв": "1", "втор": "2", "трет": "3", "четверт": "4"}
ROMAN_RE = re.compile(r"(?<![a-zа-я\d])(iv|iii|ii|i)\s*(?=(?:кв|пг)(?![а-я]))")
ROMAN_FIRST = re.compile(r"(?<![a-zа-я\d])(iv|iii|ii|i)\s*-\s*(?=(?:iv|iii|ii|i)\s*(?:кв|пг)(?![а-я]))")


def _month(match: re.Match) -> str:
    word = match.group(1)
    for pattern, number in MONTH_OF:
        if pattern.fullmatch(word):
            return f"m{number}"
    return word  # pragma: no cover — MONTH_RE only matches month words


def normalise(text: str) -> str:
    s = text.lower().replace("ё", "е").replace("\u0456", "i")
    s = re.sub(r"[\s\u00a0]+", " ", s)
    s = DASHES.sub("-", s)
    s = s.replace("(", " ").replace(")", " ").replace("«", "").replace("»", "").replace('"', "")
    s = SCHOOL_YEAR_WORDS.sub(" уг ", s)
    s = YEAR_WORDS.sub(r"\1 ", s)
    s = QUARTER_WORDS.sub(" кв ", s)
    s = HALF_WORDS.sub(" пг ", s)
    s = ORDINAL.sub(r"\1", s + " ").strip()
    s = ORDINAL_WORDS.sub(lambda m: ORDINAL_NUMBERS[m.group(1)] + " ", s)
    s = ROMAN_FIRST.sub(lambda m: ROMAN[m.group(1)] + "-", s)
    s = ROMAN_RE.sub(lambda m: ROMAN[m.group(1)] + " ", s)
    s = MONTH_RE.sub(_month, s)
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\s*-\s*", "-", s)
    s = re.sub(r"\s*/\s*", "/", s)
    s = re.sub(r"(\d{4})-(\d{4}|\d{2}) уг", r"\1/\2 уг", s)  # a school year is one point, not a range
    s = re.sub(r"\s*([,;])\s*", r"\1 ", s)
    s = re.sub(r"(m\d+|кв|пг|уг),\s*(\d{4})", r"\1 \2", s)  # «Февраль, 2019 г.»
    s = s.strip(" .,;:")
    return re.sub(r"\s+", " ", s)


# --- Families without dates ----------------------------------------------------------------------------------------

ON_DEMAND = re.compile(
    r"^(?:(?:ежегодно|ежемесячно|ежеквартально|постоянно)[, ]*)?(?:"
    r"(?:по|согласно) (?:отдельному |отдельным |утвержденному |утвержденным |индивидуальному )?"
    r"(?:график|мере(?![а-я])|запрос|заявк|необходимост|плану(?![а-я])|отдельному плану)"
    r"|в соответствии с (?:отдельным |утвержденным )?(?:графиком|планом)"
    r"|при необходимости|по требованию|в случае необходимости)"
)
CONTINUOUS = re.compile(
    r"постоянно|систематически|весь период(?: реализации.*)?|"
    r"(?:в течение|на протяжении|в ходе) (?:всего )?(?:периода|срока)(?: реализации.*| действия.*)?|"
    r"(?:в течение|на протяжении|в ходе|в период) (?:всего )?реализации.*|"
    r"(?:в течение|на протяжении) всего (?:планируемого )?периода.*"
)


# --- Points in time ----------------------------------------------------------------------------------------------

YEAR = r"\d{4}"
ATOM = re.compile(
    r"(?P<date>(?P<dd>\d{1,2})\.(?P<dm>\d{1,2})\.(?P<dy>\d{4}|\d{2}))"
    r"|(?P<sy>(?P<sy1>\d{4})[-/](?P<sy2>\d{4}|\d{2}) уг"
    r"|уг (?P<sy3>\d{4})[-/](?P<sy4>\d{4}|\d{2})|(?P<sy5>\d{4})/(?P<sy6>\d{4}|\d{2}))"
    r"|(?P<half>(?P<h>[12]) пг(?: (?:(?P<hs1>\d{4})[-/](?P<hs2>\d{4}|\d{2}) уг|(?P<hy>\d{4})))?)"
    r"|(?P<quarter>(?P<q>[1-4]) кв(?: (?P<qy>\d{4}))?)"
    r"|(?P<wdate>(?P<wd>\d{1,2}) m(?P<wm>\d{1,2})(?: (?P<wy>\d{4}))?)"
    r"|(?P<month>m(?P<m>\d{1,2})(?: (?P<my>\d{4}))?)"
    r"|(?P<yearend>конца (?P<ey>\d{4}))"
    r"|(?P<year>(?P<y>\d{4}))"
)


@dataclass
class Point:
    """A point in time as written: a day, a month, a quarter, a half-year, a school year or a year."""

    unit: str  # day, month, quarter, half, school_half, school_year, year
    number: int = 0  # the month, quarter or half
    year: int | None = None
    day: int = 0

    def span(self) -> Period:
        y = self.year
        if self.unit == "day":
            day = dt.date(y, self.number, self.day)
            return day, day
        if self.unit == "month":
            return _month_span(y, self.number)
        if self.unit == "quarter":
            first = 3 * self.number - 2
            return dt.date(y, first, 1), _month_span(y, first + 2)[1]
        if self.unit == "half":
            return (dt.date(y, 1, 1), dt.date(y, 6, 30)) if self.number == 1 else (dt.date(y, 7, 1), dt.date(y, 12, 31))
        if self.unit == "school_half":
            return (
                (dt.date(y, 9, 1), dt.date(y, 12, 31))
                if self.number == 1
                else (dt.date(y + 1, 1, 1), dt.date(y + 1, 5, 31))
            )
        if self.unit == "school_year":
            return dt.date(y, 9, 1), dt.date(y + 1, 8, 31)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)

    def resolve_after(self, moment: dt.date) -> None:
        """A point written without a year: the first such point that starts on or after `moment`."""
        if self.year is not None:
            return
        self.year = moment.year
        if self.span()[0] < moment:
            self.year += 1


def _month_span(year: int, month: int) -> Period:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _full_year(text: str, first: int | None = None) -> int:
    value = int(text)
    if len(text) == 2:
        century = (first // 100) * 100 if first else 2000
        value += century
        if first and value < first:
            value += 100
    return value


def parse_point(text: str) -> Point | None:
    match = ATOM.fullmatch(text)
    if match is None:
        return None
    g = match.groupdict()
    try:
        if g["date"]:
            year = _full_year(g["dy"])
            point = Point("day", int(g["dm"]), year, int(g["dd"]))
        elif g["sy"]:
            first = g["sy1"] or g["sy3"] or g["sy5"]
            second = g["sy2"] or g["sy4"] or g["sy6"]
            y1 = int(first)
            if _full_year(second, y1) != y1 + 1:
                return None
            point = Point("school_year", 0, y1)
        elif g["half"]:
            if g["hs1"]:
                y1 = int(g["hs1"])
                if _full_year(g["hs2"], y1) != y1 + 1:
                    return None
                point = Point("school_half", int(g["h"]), y1)
            else:
                point = Point("half", int(g["h"]), int(g["hy"]) if g["hy"] else None)
        elif g["quarter"]:
            point = Point("quarter", int(g["q"]), int(g["qy"]) if g["qy"] else None)
        elif g["wdate"]:
            point = Point("day", int(g["wm"]), int(g["wy"]) if g["wy"] else None, int(g["wd"]))
        elif g["month"]:
            point = Point("month", int(g["m"]), int(g["my"]) if g["my"] else None)
        elif g["yearend"]:
            point = Point("year", 0, int(g["ey"]))
        else:
            point = Point("year", 0, int(g["y"]))
        if point.unit in {"day", "month"} and not 1 <= point.number <= 12:
            return None
        if point.unit == "day":
            dt.date(point.year or 2000, point.number, point.day)  # validates the day of the month
        if point.year is not None and not 1900 <= point.year <= 2200:
            return None
    except ValueError:
        return None
    return point


# --- The reader --------------------------------------------------------------------------------------------------

PREFIX = re.compile(r"^(?:в течение|в течении|на протяжении|в период|в|во|на|за)\s+")
LIST_SEPARATOR = re.compile(r"\s*(?:,|;| и )\s*")
RANGE_WORDS = re.compile(r"^(?:с|со) (?P<a>.+?) (?:по|до) (?P<b>.+)$")
MONTHLY = re.compile(
    r"(?:ежемесячно|каждый месяц|ежемесячно[, ]*в течение (?:года|уг|всего периода))"
    r"(?:[, ]*(?:до|не позднее) (?P<d1>\d{1,2}) числа(?: каждого месяца)?)?"
    r"|(?:ежемесячно[, ]*)?(?:до|не позднее|к) (?P<d2>\d{1,2}) числа (?:каждого|ежемесячно|месяца)(?: месяца)?"
)
# «ежеквартально», «каждый квартал», «ежеквартально в течение года»; «ежеквартально, до 10-го числа месяца,
# следующего за отчётным кварталом» (normalised: «… до 10 числа месяца, следующего за отчетным кв»).
QUARTERLY = re.compile(
    r"(?:ежеквартально|каждый кв|раз в кв)(?:[, ]*в течение (?:года|уг|всего периода))?"
    r"(?:[, ]*(?:до|не позднее|к) (?P<day>\d{1,2}) числа месяца,? следующего за (?:отчетным|истекшим|прошедшим) кв)?"
)
YEARLY_PLAIN = re.compile(r"ежегодно(?:[, ]*в течение года)?(?: для .+)?|в течение (?:всего |каждого )?года|каждый год")
YEARLY_SCHOOL = re.compile(r"(?:ежегодно[, ]*)?в течение (?:всего |каждого )?уг")
YEARLY_WITH = re.compile(r"(?:ежегодно|каждый год)[, ]*(?P<rest>.+)|(?P<rest2>.+?)[, ]*ежегодно")


class _Reader:
    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.end = start, end

    def _result(self, kind, periods) -> Reading:
        periods = tuple(periods)
        outside = any(a < self.start or b > self.end for a, b in periods)
        return Reading(kind, periods, outside)

    # Monthly: one period per month of the plan, due on the named day (the month's last day without one).
    def monthly(self, s: str) -> Reading | None:
        match = MONTHLY.fullmatch(s)
        if match is None:
            return None
        day = int(match.group("d1") or match.group("d2") or 0)
        if day > 31:
            return None
        periods = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            first, last = _month_span(year, month)
            periods.append((first, last.replace(day=min(day, last.day)) if day else last))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return self._result(Kind.MONTHLY, periods)

    # Quarterly: one period per calendar quarter of the plan, clipped to the plan's period, due on the quarter's last
    # day; with «до N числа месяца, следующего за отчётным кварталом», due on that day of the month after it. Only the
    # quarter itself decides whether a period lies outside the plan: a report due after the last quarter is normal.
    def quarterly(self, s: str) -> Reading | None:
        match = QUARTERLY.fullmatch(s)
        if match is None:
            return None
        day = int(match.group("day") or 0)
        if day > 31:
            return None
        periods = []
        year, quarter = self.start.year, (self.start.month - 1) // 3 + 1
        while (year, 3 * quarter - 2) <= (self.end.year, self.end.month):
            first, last = Point("quarter", quarter, year).span()
            first, last = max(first, self.start), min(last, self.end)
            if day:
                next_year, next_month = (year + 1, 1) if quarter == 4 else (year, 3 * quarter + 1)
                month_end = _month_span(next_year, next_month)[1]
                last = month_end.replace(day=min(day, month_end.day))
            periods.append((first, last))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        return Reading(Kind.QUARTERLY, tuple(periods), False)

    # Yearly: every calendar (or school) year of the plan, or a given month/quarter/day of every year.
    def yearly(self, s: str) -> Reading | None:
        if YEARLY_SCHOOL.fullmatch(s):
            first = self.start.year if self.start.month >= 9 else self.start.year - 1
            periods = []
            for year in range(first, self.end.year + 1):
                a, b = max(dt.date(year, 9, 1), self.start), min(dt.date(year + 1, 8, 31), self.end)
                if a <= b:
                    periods.append((a, b))
            return self._result(Kind.YEARLY, periods)
        if YEARLY_PLAIN.fullmatch(s):
            return self._result(Kind.YEARLY, self._years())
        match = YEARLY_WITH.fullmatch(s)
        if match is None:
            return None
        rest = PREFIX.sub("", match.group("rest") or match.group("rest2"))
        periods = []
        for year in range(self.start.year, self.end.year + 1):
            found = self._within_year(rest, year)
            if found is None:
                return None
            periods.extend(p for p in found if p[1] >= self.start and p[0] <= self.end)
        return self._result(Kind.YEARLY, periods)

    def _years(self) -> list[Period]:
        return [
            (max(dt.date(year, 1, 1), self.start), min(dt.date(year, 12, 31), self.end))
            for year in range(self.start.year, self.end.year + 1)
        ]

    def _within_year(self, rest: str, year: int) -> list[Period] | None:
        """«май», «апрель-май», «4 кв», «до 1 сентября» of one year (no year may be written)."""
        deadline = re.fullmatch(r"(?:до|к|не позднее|не позже) (.+)", rest)
        if deadline:
            point = parse_point(deadline.group(1))
            if point is None or point.year is not None or point.unit not in {"day", "month", "quarter", "half"}:
                return None
            point.year = year
            return [(max(dt.date(year, 1, 1), self.start), point.span()[1])]
        periods = []
        for item in LIST_SEPARATOR.split(rest):
            parts = item.split("-")
            points = [parse_point(PREFIX.sub("", part)) for part in parts]
            if len(points) > 2 or any(
                p is None or p.year is not None or p.unit not in {"day", "month", "quarter", "half"} for p in points
            ):
                return None
            for point in points:
                point.year = year
            if len(points) == 2 and points[1].span()[0] < points[0].span()[0]:
                points[1].year = year + 1
            periods.append((points[0].span()[0], points[-1].span()[1]))
        return periods

    # Dates: points, lists of points, ranges, «до …», «с …».
    def dates(self, s: str) -> Reading | None:
        s = re.sub(r"(?<![\d.])(\d{1,2})-(\d{1,2}) (кв|пг)", r"\1 \3-\2 \3", s)  # «I-II квартал 2021»
        s = re.sub(r"(?<![\d.])(\d{1,2})-(\d{1,2}) (m\d+)", r"\1 \3-\2 \3", s)  # «1-15 сентября»
        s = re.sub(r"^(с|со) (\d{1,2}) по (\d{1,2}) (m\d+)", r"\1 \2 \4 по \3 \4", s)
        # «в срок до 20 мая 2020 года», «срок: до 01.09.2020», «в срок не позднее 1 июня»: the lead-in says nothing.
        s = re.sub(r"^(?:в )?(?:срок[: ]+|сроки[: ]+)", "", s)
        periods = self._expression(s)
        if periods is None:
            return None
        return self._result(Kind.DATES, periods)

    def _expression(self, s: str) -> list[Period] | None:
        s = PREFIX.sub("", s)
        until = re.fullmatch(r"(?:до|к|не позднее|не позже|по|до конца|к концу|не позднее конца) (?:конца )?(.+)", s)
        if until:
            point = parse_point(until.group(1))
            if point is None:
                return None
            point.resolve_after(self.start)
            end = point.span()[1]
            return [(min(self.start, end), end)]
        since = re.fullmatch(r"(?:с|со|начиная с) (.+)", s)
        if since and not RANGE_WORDS.fullmatch(s):
            point = parse_point(since.group(1))
            if point is None:
                return None
            point.resolve_after(self.start)
            start = point.span()[0]
            return [(start, max(start, self.end))]
        ranged = RANGE_WORDS.fullmatch(s) or re.fullmatch(r"(?P<a>.+?) (?:до|по) (?P<b>.+)", s)
        if ranged:
            period = self._range(ranged.group("a"), PREFIX.sub("", ranged.group("b")))
            return None if period is None else [period]
        items = LIST_SEPARATOR.split(s)
        parsed: list[list[Point]] = []
        for item in items:
            parts = item.split("-")
            if len(parts) == 2 and all(re.fullmatch(YEAR, p) for p in parts):
                parts = [parts[0], parts[1]]  # «2020-2021 гг.»: a range of years
            elif len(parts) == 2 and re.fullmatch(YEAR, parts[0]) and re.fullmatch(r"\d{4}|\d{2}", parts[1]):
                return None
            points = [parse_point(p) for p in parts]
            if len(points) > 2 or any(p is None for p in points):
                return None
            parsed.append(points)
        self._propagate_years(parsed)
        periods = []
        for points in parsed:
            if len(points) == 1:
                points[0].resolve_after(self.start)
                periods.append(points[0].span())
            else:
                period = self._between(*points)
                if period is None:
                    return None
                periods.append(period)
        return periods

    def _range(self, first: str, second: str) -> Period | None:
        a, b = parse_point(first), parse_point(second)
        if a is None or b is None:
            return None
        return self._between(a, b)

    def _between(self, a: Point, b: Point) -> Period | None:
        if a.year is None and b.year is None:
            a.resolve_after(self.start)
            b.resolve_after(a.span()[0])
        elif a.year is None:
            a.year = b.year
            if a.span()[0] > b.span()[0]:
                a.year -= 1  # «ноябрь-февраль 2021»: the range runs past December into February's year
        elif b.year is None:
            b.resolve_after(a.span()[0])
        start, end = a.span()[0], b.span()[1]
        if end < start:
            return None
        return start, end

    @staticmethod
    def _propagate_years(items: list[list[Point]]) -> None:
        """A trailing year applies to the items before it that have none («Май, сентябрь, ноябрь 2024»):
        it goes to the last point of each such item (a range inside the item takes it from there)."""
        later = None
        for points in reversed(items):
            last = points[-1]
            if all(p.year is None for p in points):
                if later is not None and last.unit == later.unit and last.unit in {"day", "month", "quarter", "half"}:
                    last.year = later.year
            else:
                later = last if last.year is not None else None
