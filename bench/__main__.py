"""Benchmarks of ШНОР-портал: `make bench` (PostgreSQL from DATABASE_URL; a throwaway test database).

Prints one line per measurement; README records the latest figures with the machine they ran on.
"""

import os
import statistics
import sys
import time
import warnings

import django


def main() -> int:
    if sys.argv[1:2] == ["load"]:  # `python -m bench load`: its own database and a gunicorn server, see bench/load.py
        from bench import load

        return load.main(sys.argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shnor_portal.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    warnings.filterwarnings("ignore", message="No directory at")
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from bench import (
            documents,
            indicators,
            registry_list,
            results_import,
            roadmaps_due,
            roadmaps_import,
            signing,
            vpr_analysis,
        )

        only = set(sys.argv[1:])  # `python -m bench results_import` runs one part
        if not only or "registry_list" in only:
            registry_list.run(print)
        if not only or "results_import" in only:
            results_import.run(print)
        if not only or "roadmaps_due" in only:
            roadmaps_due.run(print)
        if not only or "roadmaps_import" in only:
            roadmaps_import.run(print)
        if not only or "indicators" in only:
            indicators.run(print)
        if not only or "documents" in only:
            documents.run(print)
        if not only or "signing" in only:
            signing.run(print)
        if not only or "vpr_analysis" in only:
            vpr_analysis.run(print)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


def timed(function, repeat: int = 5) -> tuple[float, float]:
    """Median and best wall time of `repeat` calls, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


if __name__ == "__main__":
    sys.exit(main())
