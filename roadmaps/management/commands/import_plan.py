"""python manage.py import_plan FILE --owner CODE --period Y1-Y2 [--level …] [--dry-run] [--json]."""

import datetime as dt
import json
import re
import sys

from django.utils import translation
from django.utils.translation import gettext as _

from roadmaps.imports import PlanFileRefused, read_plan_file
from roadmaps.models import Level
from roadmaps.periods import years_errors
from roadmaps.previews import build_preview
from roadmaps.services import PlanError, create_plan_from_table, resolve_owner
from shnor_portal.commands import RussianArgumentsCommand


class Command(RussianArgumentsCommand):
    help = "Imports a plan table (.xlsx) laid out like the seeds as a draft plan of a municipality or a school."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--owner", required=True, help="municipality or school code")
        parser.add_argument("--period", required=True, help="Y1-Y2: the plan runs from 1 Jan Y1 to 31 Dec Y2")
        parser.add_argument("--level", choices=Level.values)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true", help="print only the JSON of what was read")

    def handle(self, *args, **options):
        translation.activate("ru")
        errors = []
        period = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", options["period"], re.ASCII)
        if period is None or int(period.group(2) or period.group(1)) < int(period.group(1)):
            self._fail([_("The period must be written as Y1-Y2, e.g. 2020-2021.")])
        first, last = int(period.group(1)), int(period.group(2) or period.group(1))
        # The period rule of every plan (roadmaps/periods.py): years 2000–2100, ten years at most.
        refused = years_errors(first, last)
        if refused:
            self._fail(list(dict.fromkeys(refused.values())))
        start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
        try:
            owner = resolve_owner(options["owner"], options["level"], start, end)
        except PlanError as exc:
            errors.append(str(exc))
        try:
            read = read_plan_file(options["file"])
        except FileNotFoundError:
            errors.append(_("The file «%(path)s» does not exist.") % {"path": options["file"]})
        except IsADirectoryError:
            errors.append(_("«%(path)s» is a folder, not a file.") % {"path": options["file"]})
        except PlanFileRefused as exc:
            errors.extend(exc.errors)
        if errors:
            self._fail(errors)
        messages = sys.stderr if options["json"] else self.stdout
        if options["json"]:
            self.stdout.write(json.dumps(read.as_json(start, end), ensure_ascii=False, indent=2))
        summary = _("Read: %(sections)s sections, %(activities)s activities (sheet «%(sheet)s»).") % {
            "sections": len(read.sections),
            "activities": read.activity_count,
            "sheet": read.sheet,
        }
        messages.write(summary + "\n")
        # The wizard's preview list: what the reader left out, deadlines not read or outside the period, repeats.
        problems = build_preview(read, start, end).problems
        if problems:
            messages.write(_("Left out or worth checking:") + "\n")
            for problem in problems:
                messages.write(f"  — {problem}\n")
        if options["dry_run"]:
            messages.write(_("Dry run: nothing was written.") + "\n")
            return
        plan = create_plan_from_table(read, owner, start, end)
        messages.write(_("Created the draft plan #%(id)s «%(title)s».") % {"id": plan.pk, "title": plan.title} + "\n")

    def _fail(self, errors):
        sys.stderr.write(_("The plan was not imported:") + "\n")
        for error in errors:
            sys.stderr.write(f"  — {error}\n")
        raise SystemExit(1)
