"""Running a management command as the command line would, for the tests of the commands."""

import io

from django.core.management import call_command


def run(*args) -> tuple[int, str, str]:
    """(exit code, standard output, standard error) of `manage.py *args`."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()
