"""Problems of an imported file grouped by kind: a file that fails for one reason says it once.

The importers (results, registry, plans) record one problem per row and cell — the place is what lets a person fix
the file. On screen a thousand identical lines hide the one reason, so problems of one kind and value are shown as
one line with their count and their rows compressed into ranges («строки 4–784»); the full list stays available
behind a fold and in an .xlsx. Knows no domain: a problem is a mapping with `sheet`, `row`, `column`, `value` and
`message`; the caller may give a problem's group key and label of its own (`key`).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SHOWN_RANGES = 12  # ranges of rows named on a group's line; the rest is «…» (the full list is behind the fold)


def compress_rows(rows: Iterable[int], limit: int | None = SHOWN_RANGES) -> str:
    """Row numbers as ranges: [4, 5, 6, 9, 11, 12] → «4–6, 9, 11–12»; after `limit` ranges «…»."""
    ranges: list[list[int]] = []
    for row in sorted(set(rows)):
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1][1] = row
        else:
            ranges.append([row, row])
    texts = [str(first) if first == last else f"{first}–{last}" for first, last in ranges]
    if limit is not None and len(texts) > limit:
        texts = [*texts[:limit], "…"]
    return ", ".join(texts)


@dataclass
class ProblemGroup:
    """Problems of one kind and value: `label` says what is wrong, `problems` are its rows in the file's order."""

    label: str
    column: str = ""
    sheet: str = ""
    problems: list[Mapping] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.problems)

    @property
    def rows(self) -> list[int]:
        return sorted({p["row"] for p in self.problems if p.get("row")})

    @property
    def row_ranges(self) -> str:
        return compress_rows(self.rows)

    @property
    def summary(self) -> str:
        """«781 строка, строки 4–784» (or «строка 5»; empty for a problem of the whole file)."""
        rows = self.rows
        if not rows:
            if self.count == 1:
                return ""
            return ngettext("%(count)s time", "%(count)s times", self.count) % {"count": self.count}
        counted = ngettext("%(count)s row", "%(count)s rows", len(rows)) % {"count": len(rows)}
        if len(rows) == 1:
            return _("row %(row)s") % {"row": rows[0]}
        return _("%(counted)s, rows %(ranges)s") % {"counted": counted, "ranges": self.row_ranges}


def default_key(problem: Mapping) -> tuple[tuple, str]:
    """Same sheet, column and message (which names the value) → same group, labelled by the message."""
    return (problem.get("sheet") or "", problem.get("column") or "", problem["message"]), problem["message"]


def group_problems(
    problems: Iterable[Mapping], key: Callable[[Mapping], tuple[tuple, str]] = default_key
) -> list[ProblemGroup]:
    """Groups in the order their first problem appears in the file."""
    groups: dict[tuple, ProblemGroup] = {}
    for problem in problems:
        group_key, label = key(problem)
        group = groups.get(group_key)
        if group is None:
            group = groups[group_key] = ProblemGroup(label, problem.get("column") or "", problem.get("sheet") or "")
        group.problems.append(problem)
    return list(groups.values())


def place_of(problem: Mapping) -> str:
    """«лист «…», строка 5, столбец «Код ОО», значение «osh-16»» — the place of one problem, as the CLI prints it."""
    parts = []
    if problem.get("sheet"):
        parts.append(_("sheet «%(sheet)s»") % {"sheet": problem["sheet"]})
    if problem.get("row"):
        parts.append(_("row %(row)s") % {"row": problem["row"]})
    if problem.get("column"):
        parts.append(_("column «%(column)s»") % {"column": problem["column"]})
    if problem.get("value"):
        parts.append(_("value «%(value)s»") % {"value": problem["value"]})
    return ", ".join(parts)


def grouped_lines(groups: Iterable[ProblemGroup], per_group: int = 20) -> list[str]:
    """Plain-text lines of the groups for a command's output: a line per group, then its first `per_group` problems
    with their places, then how many more there are."""
    lines = []
    for group in groups:
        if group.count == 1:  # one problem: its place and message on one line, as a person reads it
            place = place_of(group.problems[0])
            lines.append(f"{place}: {group.label}" if place else group.label)
            continue
        summary = group.summary
        lines.append(f"{group.label.rstrip('.')}{': ' + summary if summary else ''}")
        for problem in group.problems[:per_group]:
            lines.append(f"    {place_of(problem)}")
        rest = group.count - per_group
        if rest > 0:
            lines.append("    " + ngettext("… and %(count)s more", "… and %(count)s more", rest) % {"count": rest})
    return lines
