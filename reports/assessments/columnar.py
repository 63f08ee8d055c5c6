"""A large clean protocol written in columns: the file's cells checked a batch at a time by Arrow, not row by row.

A region's protocol has a million rows but only a few thousand different places (campaign, school, class) and
score combinations; everything else is a participant code and task cells. So, for a CSV read by PostgreSQL's COPY:

- the file is read by Arrow's CSV reader in batches (streamed: a batch is a few megabytes), every cell a string;
- the first row of every place and of every score combination not seen before goes through the reader's own
  checks (`_protocol_rows`, the very code that checks a file row by row), which also map them to campaign, school,
  class and checked scores;
- every other cell is checked by column operations in C++: the participant code (printable, no spaces, at most 64
  characters, once per campaign), each task cell (a whole number within the task's maximum, or a mark of «nothing
  earned») and the sum of the task points against the primary score;
- the batch's rows go into COPY as the same text the row-by-row path writes.

Only what the row-by-row path's own fast lane accepts without a second look is accepted here. Anything else — a value
it would trim or read twice, a quoted cell, a title row, a «Макс. балл» row, rows of unequal width, a duplicate
code — is `NotForColumns`: the caller rolls back what this wrote and reads the file row by row, which then names
every problem with its row and cell. A file is thus accepted by both paths alike or by neither, and the rows both
write are the same (tests/reports/test_columnar_import.py reads the same files both ways).
"""

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .reader import NO_POINTS, NO_TASKS, Prepared, _task_maps, _task_template

BLOCK = 8 * 1024 * 1024  # bytes of the file per batch (about 80,000 rows of a protocol with 16 tasks)
KEY_SEPARATOR = "\x1f"
# What the row-by-row fast lane takes as a participant code unchanged: printable, no spaces, no backslash (ASCII or
# Cyrillic letters here; a code of other letters is left to the row-by-row path).
CODE = r"^[!-\[\]-~А-Яа-яЁё]{1,64}$"
CELL_VALUES = [*NO_POINTS, *(nothing.upper() for nothing in NO_POINTS if nothing.upper() != nothing)]
TASK_CELLS = pa.array([*CELL_VALUES, *(str(points) for points in range(1001))], pa.string())
TASK_POINTS = pa.array([0] * len(CELL_VALUES) + list(range(1001)), pa.int32())


class NotForColumns(Exception):
    """The file is not one this path accepts as it is: read it row by row."""


def applies(prepared: Prepared) -> bool:
    """A CSV protocol, header in its first row with the school as a column, no quotes (the caller decides from
    what size: commit.COLUMNS_FROM_BYTES)."""
    facts = prepared.facts
    return (
        prepared.kind == "csv"
        and prepared.parsed.shape == "protocol"
        and prepared.school_from_file
        and prepared.header_row == 1
        and not facts.get("quoted", True)
        and facts.get("delimiter") is not None
        and facts.get("encoding") in ("utf-8", "utf-8-sig", "cp1251")
    )


def write(prepared: Prepared, path, campaign_id: Callable, copy: Callable, suffix: str) -> None:
    """Check and COPY the rows of the file at `path`; `campaign_id(key)` gives a campaign's id (creating it),
    `copy(data)` sends a batch of COPY text, `suffix` ends every line (the import's id). Raises NotForColumns."""
    _Columns(prepared, campaign_id, copy, suffix).run(path)


class _Known:
    """Keys checked already (one string per row, see `_Columns.key`) and, by the same number, what each maps to."""

    def __init__(self):
        self.keys: list[str] = []
        self.values: list = []
        self._numbers: dict[str, int] = {}
        self._array = None

    def __contains__(self, key: str) -> bool:
        return key in self._numbers

    def add(self, key: str, value) -> None:
        if key not in self._numbers:
            self._numbers[key] = len(self.keys)
            self.keys.append(key)
            self.values.append(value)
            self._array = None

    def find(self, column):
        """Each row's number in `keys` (null where the key is new)."""
        if self._array is None:
            self._array = pa.array(self.keys, pa.string())
        return pc.index_in(column, value_set=self._array)

    def taken(self, numbers, kind=None):
        """Each row's value: `numbers` as `find` gave them."""
        return pc.take(pa.array(self.values, kind or pa.string()), numbers)


class _Columns:
    def __init__(self, prepared: Prepared, campaign_id: Callable, copy: Callable, suffix: str):
        self.prepared, self.parsed, self.context = prepared, prepared.parsed, prepared.context
        self.campaign_id, self.copy, self.suffix = campaign_id, copy, suffix
        positions = prepared.positions
        self.width = len(prepared.header)
        self.campaign_at = [positions[k] for k in ("year", "procedure", "subject", "grade") if k in positions]
        self.school_at = [positions["school"]]
        self.class_at = [*self.campaign_at, *([positions["class"]] if "class" in positions else [])]
        self.score_at = [
            *self.campaign_at,
            *(positions[k] for k in ("primary", "max", "mark", "test", "journal") if k in positions),
        ]
        self.code_at = positions["participant"]
        self.task_at = [index for index, _label, _written in self.parsed.task_columns]
        self.positioned = sorted(set(positions.values()))
        # A place is a campaign, a school and a class, each checked once by the reader (a place of parts it has
        # checked needs no other check: the reader's `compose`); score combinations likewise.
        self.campaigns = _Known()  # campaign cells → the campaign's number in `campaign_keys`
        self.campaign_keys: list = []
        self.campaign_ids: list[str] = []  # by the campaign's number
        self.schools = _Known()  # school cell → school id (as text)
        self.school_ids: list[int] = []  # by the school's number
        self.classes = _Known()  # campaign cells and class cell → class
        self.scores = _Known()  # campaign cells and score cells → the scores as COPY text
        self.primaries: list[int | None] = []  # by the score combination's number
        self.codes: list[pa.Table] = []  # (campaign number, code) of every row, for the check of duplicates
        self.rows = 0
        template = _task_template(self.parsed.tasks) if self.task_at else ""
        self.json_pieces = template.split("%s")
        self.number = prepared.header_row  # the file's row number of the batch's first row, less one

    def run(self, path) -> None:
        facts = self.prepared.facts
        encoding = "utf8" if facts["encoding"] in ("utf-8", "utf-8-sig") else facts["encoding"]
        names = [f"c{i}" for i in range(self.width)]
        try:
            reader = pacsv.open_csv(
                path,
                read_options=pacsv.ReadOptions(
                    column_names=names, skip_rows=self.prepared.header_row, block_size=BLOCK, encoding=encoding
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=facts["delimiter"], quote_char=False, double_quote=False, ignore_empty_lines=True
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
                ),
            )
            for batch in reader:
                self.batch(batch)
        except pa.ArrowInvalid as exc:  # a row of another width, a cell Arrow cannot read as text
            raise NotForColumns(str(exc)) from exc
        self.check_codes_once()
        parsed = self.parsed
        parsed.rows = parsed.participant_rows = self.rows
        parsed.schools.update(school for _campaign, school in parsed.touched)
        if self.rows == 0:
            raise NotForColumns("no rows")

    def batch(self, table: pa.RecordBatch) -> None:
        columns = table.columns
        first_number = self.number + 1
        self.number += table.num_rows
        # Rows without a value in any column the reader reads are skipped, as the row-by-row path skips them.
        filled = None
        for at in self.positioned:
            here = pc.not_equal(columns[at], "")
            filled = here if filled is None else pc.or_(filled, here)
        numbers = pa.array(range(first_number, first_number + table.num_rows), pa.int64())
        if not pc.all(filled).as_py():
            table = table.filter(filled)
            numbers = numbers.filter(filled)
            columns = table.columns
        if table.num_rows == 0:
            return
        keys = [
            (self.campaigns, self.key(columns, self.campaign_at)),
            (self.schools, self.key(columns, self.school_at)),
            (self.classes, self.key(columns, self.class_at)),
            (self.scores, self.key(columns, self.score_at)),
        ]
        found = [known.find(key) for known, key in keys]
        if any(numbers_of.null_count for numbers_of in found):
            self.learn(table, numbers, keys, found)
            found = [known.find(key) for known, key in keys]
            if any(numbers_of.null_count for numbers_of in found):
                raise NotForColumns("a place or scores left unchecked")
        campaign_at, school_at, class_at, score_at = found
        code = columns[self.code_at]
        if not pc.all(pc.match_substring_regex(code, CODE)).as_py():
            raise NotForColumns("a participant code to be read with care")
        campaign = self.campaigns.taken(campaign_at, pa.int32())
        self.codes.append(pa.table({"campaign": campaign, "code": code}))
        pairs = pa.table({"campaign": campaign, "school": school_at}).group_by(["campaign", "school"]).aggregate([])
        for number, school in zip(pairs["campaign"].to_pylist(), pairs["school"].to_pylist(), strict=True):
            self.parsed.touched.add((self.campaign_keys[number], self.school_ids[school]))
        tasks = self.tasks(columns, campaign, score_at) if self.task_at else pa.scalar(NO_TASKS)
        lines = pc.binary_join_element_wise(
            pc.take(pa.array(self.campaign_ids, pa.string()), campaign),
            self.schools.taken(school_at),
            self.classes.taken(class_at),
            code,
            self.scores.taken(score_at),
            tasks,
            pa.scalar(self.suffix[1:]),
            "\t",
        )
        self.rows += table.num_rows
        # The rows of a place together: the index on (campaign, school) then takes them page by page, not at random.
        order = pc.sort_indices(
            pa.table({"campaign": campaign, "school": school_at}),
            sort_keys=[("campaign", "ascending"), ("school", "ascending")],
        )
        self.copy(_text_of(pc.take(lines, order)))

    def key(self, columns, at: list[int]):
        """One string per row from the cells at `at`, to look campaigns, schools, classes and score combinations
        up by.

        Cells are joined by a control character without looking for it inside them: two different rows can only
        share a key if both hold that character in a cell, and the first of them is checked by the reader, which
        refuses control characters in every cell it reads — so the file is handed back before the second is mapped.
        """
        cells = [columns[i] for i in at]
        if not cells:  # every campaign value supplied or from the title rows
            return pa.nulls(len(columns[0]), pa.string()).fill_null("")
        if len(cells) == 1:
            return cells[0]
        return pc.binary_join_element_wise(*cells, KEY_SEPARATOR)

    def learn(self, table, numbers, keys, found) -> None:
        """Check, with the reader's own row-by-row code, the first row of every new campaign, school, class and
        score combination, and keep what it made of each."""
        indexes = pa.array(range(table.num_rows), pa.int64())
        first = set()
        for (_known, key), numbers_of in zip(keys, found, strict=True):
            new = pc.is_null(numbers_of)
            if not pc.any(new).as_py():
                continue
            grouped = (
                pa.table({"key": pc.filter(key, new), "row": pc.filter(indexes, new)})
                .group_by("key")
                .aggregate([("row", "min")])
            )
            first.update(grouped["row_min"].to_pylist())
        chosen = pa.array(sorted(first), pa.int64())
        sample = table.take(chosen)
        raw_rows = [list(row) for row in zip(*(column.to_pylist() for column in sample.columns), strict=True)]
        for raw in raw_rows:
            lead = next((value for value in raw if value), "")
            if lead.strip().lower().startswith("макс"):
                raise NotForColumns("a row of maxima")
        row_numbers = pc.take(numbers, chosen).to_pylist()
        parsed = self.parsed
        checked = list(self.prepared.checked_rows(iter(zip(row_numbers, raw_rows, strict=True))))
        if not parsed.ok or len(checked) != len(raw_rows):
            raise NotForColumns("a row the reader refuses")
        for (place, _code, scores, _tasks), raw in zip(checked, raw_rows, strict=True):
            campaign_cells = raw_key(raw, self.campaign_at)
            if campaign_cells not in self.campaigns:
                if place.campaign not in self.campaign_keys:
                    self.campaign_keys.append(place.campaign)
                    self.campaign_ids.append(str(self.campaign_id(place.campaign)))
                self.campaigns.add(campaign_cells, self.campaign_keys.index(place.campaign))
            school_cell = raw_key(raw, self.school_at)
            if school_cell not in self.schools:
                self.schools.add(school_cell, str(place.school_id))
                self.school_ids.append(place.school_id)
            self.classes.add(raw_key(raw, self.class_at), place.class_name)
            score_cells = raw_key(raw, self.score_at)
            if score_cells not in self.scores:
                self.scores.add(score_cells, scores.copy_text)
                self.primaries.append(scores.primary)

    def tasks(self, columns, campaign, score):
        """The task scores of every row as the JSON the row-by-row path writes; NotForColumns for a cell it would
        not take at once (not a whole number, above the task's maximum) or points that do not add up."""
        maxima = []  # per task column: its maximum for each campaign of the file
        for key in self.campaign_keys:
            maps = _task_maps(self.parsed, key, self.context)
            maxima.append([max(cells.values()) for cells in maps])
        pieces = [pa.scalar(self.json_pieces[0])]
        total = None
        for number, at in enumerate(self.task_at):
            found = pc.index_in(columns[at], value_set=TASK_CELLS)
            if found.null_count:
                raise NotForColumns("a task cell to be read with care")
            points = pc.take(TASK_POINTS, found)
            column_maxima = [row[number] for row in maxima]
            if pc.max(points).as_py() > min(column_maxima):  # row by row only where a campaign's maximum is lower
                highest = pc.take(pa.array(column_maxima, pa.int32()), campaign)
                if not pc.all(pc.less_equal(points, highest)).as_py():
                    raise NotForColumns("task points above the maximum")
            total = points if total is None else pc.add(total, points)
            # A cell found past the marks of «nothing earned» is the number as written: the JSON takes it as it is.
            text = columns[at] if pc.min(found).as_py() >= len(CELL_VALUES) else pc.cast(points, pa.string())
            pieces += [text, pa.scalar(self.json_pieces[number + 1])]
        primary = pc.take(pa.array(self.primaries, pa.int32()), score)
        if not pc.all(pc.or_kleene(pc.is_null(primary), pc.equal(total, primary))).as_py():
            raise NotForColumns("task points that do not add up")
        return pc.binary_join_element_wise(*pieces, "")

    def check_codes_once(self) -> None:
        """A participant code twice in a campaign is the row-by-row path's to name."""
        if not self.codes:
            return
        counted = pa.concat_tables(self.codes).group_by(["campaign", "code"]).aggregate([([], "count_all")])
        if pc.max(counted["count_all"]).as_py() > 1:
            raise NotForColumns("a participant code twice in a campaign")


def raw_key(raw: list, at: list[int]) -> str:
    """The key of `_Columns.key` for one row of cells."""
    return KEY_SEPARATOR.join(raw[i] for i in at)


def _text_of(lines: pa.StringArray) -> memoryview:
    """The rows' lines as one buffer: Arrow keeps a string array's values back to back."""
    _validity, offsets, data = lines.buffers()
    bounds = pa.Array.from_buffers(pa.int32(), len(lines) + 1, [None, offsets], offset=lines.offset)
    return memoryview(data)[bounds[0].as_py() : bounds[len(lines)].as_py()]
