"""Command-line errors in Russian: argparse writes its own messages («the following arguments are required») in
English, whatever the language of the rest of the command's output."""

import argparse
import re
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

ARGPARSE_MESSAGES = [
    (re.compile(r"^the following arguments are required: (?P<names>.+)$"), "required"),
    (re.compile(r"^unrecognized arguments: (?P<names>.+)$"), "unknown"),
    (re.compile(r"^one of the arguments (?P<names>.+) is required$"), "one_of"),
    (re.compile(r"^argument (?P<name>\S+): not allowed with argument (?P<other>\S+)$"), "exclusive"),
    (re.compile(r"^argument (?P<name>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)$"), "choice"),
    (re.compile(r"^argument (?P<name>\S+): invalid (?:int|float) value: (?P<value>.+)$"), "number"),
    (re.compile(r"^argument (?P<name>\S+): expected (?:one|at least one) argument$"), "value"),
    (re.compile(r"^argument (?P<name>\S+): (?P<rest>.+)$"), "other"),
]


def russian_argument_error(message: str) -> str:
    """The Russian text of an argparse error message."""
    for pattern, kind in ARGPARSE_MESSAGES:
        match = pattern.match(message)
        if match is None:
            continue
        parts = {key: value.strip("'\"") for key, value in match.groupdict().items()}
        if kind == "required":
            return _("required arguments are missing: %(names)s") % parts
        if kind == "unknown":
            return _("unknown arguments: %(names)s") % parts
        if kind == "one_of":
            return _("one of the arguments is required: %(names)s") % parts
        if kind == "exclusive":
            return _("argument %(name)s cannot be given with %(other)s") % parts
        if kind == "choice":
            parts["choices"] = parts["choices"].replace("'", "")
            return _("argument %(name)s: «%(value)s» is not one of %(choices)s") % parts
        if kind == "number":
            return _("argument %(name)s: «%(value)s» is not a number") % parts
        if kind == "value":
            return _("argument %(name)s needs a value") % parts
        return _("argument %(name)s: %(rest)s") % parts
    return _("wrong arguments: %(message)s") % {"message": message}


class RussianArgumentsCommand(BaseCommand):
    """A management command whose argument errors are written in Russian (exit code 2, as argparse's own)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message):
            with translation.override("ru"):
                text = russian_argument_error(message)
                if parser.called_from_command_line:
                    usage = parser.format_usage().split(":", 1)[-1].strip()
                    sys.stderr.write(_("Usage: %(usage)s") % {"usage": usage} + "\n")
                    sys.stderr.write(_("Error: %(message)s") % {"message": text} + "\n")
                    sys.exit(2)
                raise CommandError(_("Error: %(message)s") % {"message": text})

        parser.error = error
        return parser


INDICATOR_YEARS = (1990, 2100)  # the years an indicator's baseline, target or value may have (its models' bounds)


def indicator_year(value: str) -> int:
    """An argparse type: a calendar year within INDICATOR_YEARS, refused in Russian otherwise (exit code 2)."""
    year = int(value) if value.isascii() and value.isdigit() else None
    if year is None or not INDICATOR_YEARS[0] <= year <= INDICATOR_YEARS[1]:
        with translation.override("ru"):
            raise argparse.ArgumentTypeError(
                _("«%(value)s» is not a year from %(first)s to %(last)s")
                % {"value": value, "first": INDICATOR_YEARS[0], "last": INDICATOR_YEARS[1]}
            )
    return year
