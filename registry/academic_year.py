"""Academic years («2023/2024»): 1 September of the first year to 31 August of the next."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class AcademicYear:
    start_year: int

    @classmethod
    def containing(cls, day: dt.date) -> "AcademicYear":
        return cls(day.year if day.month >= 9 else day.year - 1)

    @classmethod
    def current(cls) -> "AcademicYear":
        from django.utils import timezone

        return cls.containing(timezone.localdate())

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, 9, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.start_year + 1, 8, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{self.start_year + 1}"

    def __str__(self) -> str:
        return self.label
