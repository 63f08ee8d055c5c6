"""Values of consecutive years side by side, each with its difference from the year before.

The bottom layer: numbers and labels in, cells out; `templates/includes/_delta_cell.html` shows a cell with an arrow,
the signed difference and a sentence for screen readers, so the change is never told by colour alone.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .charts import format_number, number

ARROWS = {"up": "▲", "down": "▼", "same": "="}


@dataclass(frozen=True)
class DeltaCell:
    value: Decimal | None
    text: str  # the value as shown («—» when missing)
    delta: Decimal | None = None  # value − the previous one, when both are known
    against: str = ""  # the label of the year compared with
    decimals: int = 0
    unit: str = ""  # of the difference: «п.п.» for shares

    @property
    def direction(self) -> str | None:
        if self.delta is None:
            return None
        return "up" if self.delta > 0 else "down" if self.delta < 0 else "same"

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.direction, "")

    @property
    def delta_text(self) -> str:
        """«+12», «−0,031 п.п.», «0»."""
        if self.delta is None:
            return ""
        text = format_number(abs(self.delta), self.decimals)
        sign = "+" if self.delta > 0 else "−" if self.delta < 0 else ""
        return f"{sign}{text}{' ' + self.unit if self.unit else ''}"

    @property
    def spoken(self) -> str:
        """The change in words, for screen readers: «больше на 12, чем в 2019/2020»."""
        if self.delta is None:
            return ""
        size = self.delta_text.lstrip("+−")
        if self.direction == "up":
            return _("%(delta)s more than in %(year)s") % {"delta": size, "year": self.against}
        if self.direction == "down":
            return _("%(delta)s less than in %(year)s") % {"delta": size, "year": self.against}
        return _("the same as in %(year)s") % {"year": self.against}


def compare(values, labels, *, decimals: int = 0, unit: str = "") -> list[DeltaCell]:
    """A cell per value, each but the first compared with the one before it (the previous column of the table);
    a missing value has no difference, and the next one is compared with nothing."""
    cells, previous = [], None
    for value, label in zip(values, labels, strict=True):
        value = number(value)
        text = "—" if value is None else format_number(value, decimals)
        if value is not None and previous is not None:
            previous_value, previous_label = previous
            cells.append(DeltaCell(value, text, value - previous_value, previous_label, decimals, unit))
        else:
            cells.append(DeltaCell(value, text, decimals=decimals, unit=unit))
        previous = (value, label) if value is not None else None
    return cells
