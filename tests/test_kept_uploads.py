"""What an upload leaves under MEDIA_ROOT (issue 12, «Rejected uploads stay on disk»): whatever is refused, nothing;
a file waiting for its confirmation, itself; a committed import, its original compressed; after
IMPORT_UPLOAD_RETENTION_DAYS, nothing of what was never confirmed."""

import datetime as dt
import gzip
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from registry.imports.records import RegistryImport
from reports.assessments.models import ResultImport
from reports.maintenance import remove_stale_uploads
from roadmaps.imports import UPLOADS_FOLDER
from tests.registry.test_registry_import import valid_book, workbook
from tests.roadmaps.progress_builders import PDF, pdf_upload
from tests.world_objects import roadmaps_object, support_object

pytestmark = pytest.mark.django_db
RESULTS = (
    "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Отметка;Отметка по журналу\n"
    "2021;ВПР;Русский язык;5;chemashi;5а;A1;30;4;4\n"
    "2021;ВПР;Русский язык;5;andra;5а;A3;20;3;3\n"
).encode()


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def zero_file(tmp_path: Path, name: str, size: int):
    """A file of `size` bytes that costs no disk space until read (sparse)."""
    path = tmp_path / name
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def record_of(response, model):
    assert response.status_code == 302, response.content.decode()[:300]
    return model.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


# --- Refused uploads leave nothing --------------------------------------------------------------------------------


def test_a_52_mb_results_file_is_refused_and_not_kept(client_for, coordinator, tmp_path):
    big = zero_file(tmp_path, "results.csv", 52 * 1024 * 1024)
    with big.open("rb") as handle:
        response = client_for(coordinator).post(reverse("reports:results-upload"), {"file": handle})
    record = record_of(response, ResultImport)
    assert record.state == ResultImport.State.REJECTED
    assert [problem["message"] for problem in record.problems] == ["Файл больше 50 МБ."]
    assert not record.file and media_files() == []


def test_a_refused_results_file_is_not_kept_and_a_good_one_is(client_for, coordinator):
    client = client_for(coordinator)
    bad = record_of(
        client.post(reverse("reports:results-upload"), {"file": SimpleUploadedFile("r.csv", b"\x00" * 100)}),
        ResultImport,
    )
    assert bad.state == ResultImport.State.REJECTED and not bad.file and media_files() == []
    good = record_of(
        client.post(reverse("reports:results-upload"), {"file": SimpleUploadedFile("r.csv", RESULTS)}), ResultImport
    )
    assert good.state == ResultImport.State.CHECKED
    assert [path.read_bytes() for path in media_files()] == [RESULTS]  # kept as it came, for the confirmation


def test_an_oversize_or_refused_registry_workbook_is_not_kept(client_for, coordinator, world, tmp_path):
    client = client_for(coordinator)
    upload = reverse("registry:import")
    big = zero_file(tmp_path, "registry.xlsx", 11 * 1024 * 1024)
    with big.open("rb") as handle:
        oversize = record_of(
            client.post(upload, {"municipality": world.municipality.pk, "file": handle}), RegistryImport
        )
    assert oversize.state == RegistryImport.State.REJECTED
    assert [problem["message"] for problem in oversize.problems] == ["Файл больше 10 МБ."]
    broken = SimpleUploadedFile("registry.xlsx", b"PK\x03\x04 not really")
    refused = record_of(client.post(upload, {"municipality": world.municipality.pk, "file": broken}), RegistryImport)
    assert refused.state == RegistryImport.State.REJECTED and refused.problems
    assert not oversize.file and not refused.file and media_files() == []


def test_a_refused_plan_table_is_not_kept(client_for, coordinator, tmp_path):
    big = zero_file(tmp_path, "plan.xlsx", 11 * 1024 * 1024)
    client = client_for(coordinator)
    with big.open("rb") as handle:
        response = client.post(reverse("roadmaps:plan-import"), {"file": handle, "owner": "oktyabrsky"})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    broken = SimpleUploadedFile("plan.xlsx", os.urandom(5000))
    response = client.post(reverse("roadmaps:plan-import"), {"file": broken, "owner": "oktyabrsky"})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert media_files() == []


def test_refused_evidence_materials_and_certificates_are_not_kept(client_for, coordinator, principal, world, settings):
    settings.ROADMAPS_EVIDENCE_MAX_BYTES = settings.SUPPORT_MATERIAL_MAX_BYTES = 100
    activity = roadmaps_object(world, "activity")
    event = support_object(world, "event")
    from support.models import Teacher

    teacher = Teacher.objects.create(school=world.school, full_name="Уймина Л.А.")
    before = media_files()
    big_pdf = PDF + b"0" * 200
    response = client_for(principal).post(
        reverse("roadmaps:activity-report", args=[activity.pk]),
        {
            "period": activity.due_periods.first().pk,
            "reporter": world.school.pk,
            "status": "in_work",
            "percent": "30",
            "files": [pdf_upload(content=big_pdf)],
        },
    )
    assert response.status_code == 200
    response = client_for(coordinator).post(
        reverse("support:material-upload", args=[event.pk]), {"file": SimpleUploadedFile("a.pdf", big_pdf)}
    )
    assert response.status_code == 200
    response = client_for(principal).post(
        reverse("support:development-add", args=[teacher.pk]),
        {
            "programme": "Курс",
            "hours": "72",
            "provider": "ИРО",
            "start": "2020-10-05",
            "end": "2020-10-23",
            "completed": "on",
            "certificate_file": SimpleUploadedFile("c.pdf", big_pdf),
        },
    )
    assert response.status_code == 200 and "certificate_file" in response.context["development_form"].errors
    assert media_files() == before


# --- Committed originals are kept compressed ----------------------------------------------------------------------


def test_a_committed_results_import_keeps_its_original_compressed(client_for, coordinator):
    client = client_for(coordinator)
    record = record_of(
        client.post(reverse("reports:results-upload"), {"file": SimpleUploadedFile("r.csv", RESULTS)}), ResultImport
    )
    client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    record.refresh_from_db()
    assert record.state == ResultImport.State.COMMITTED
    assert record.file.name.endswith(".gz") and record.original_name == "r.csv"
    [kept] = media_files()
    assert gzip.decompress(kept.read_bytes()) == RESULTS


def test_the_command_line_keeps_its_original_compressed(world, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "vpr.csv"
    rows = (f"2021;ВПР;Русский язык;5;andra;5б;B{n};20;3;3\n".encode() for n in range(2000))
    path.write_bytes(RESULTS + b"".join(rows))
    call_command("import_results", str(path), stdout=io.StringIO())
    record = ResultImport.objects.get()
    [kept] = media_files()
    assert record.file.name.endswith(".csv.gz") and gzip.decompress(kept.read_bytes()) == path.read_bytes()
    assert kept.stat().st_size * 5 < path.stat().st_size  # a table compresses well


def test_a_committed_registry_import_keeps_its_original_compressed_and_an_old_one_still_reads(
    client_for, coordinator, world
):
    from registry.services.imports import confirm_import
    from shnor_portal.files.uploads import open_original

    client = client_for(coordinator)
    content = workbook(valid_book())
    record = record_of(
        client.post(
            reverse("registry:import"),
            {"municipality": world.municipality.pk, "file": SimpleUploadedFile("r.xlsx", content)},
        ),
        RegistryImport,
    )
    assert not record.file.name.endswith(".gz")  # waiting for the confirmation: as it came
    client.post(reverse("registry:import-confirm", kwargs={"pk": record.pk}))
    record.refresh_from_db()
    assert record.state == RegistryImport.State.COMMITTED and record.file.name.endswith(".xlsx.gz")
    with open_original(record.file) as handle:
        assert handle.read() == content
    assert len(media_files()) == 1  # the uncompressed copy is gone
    # A file kept before compression (stored as it came) is still read.
    old = RegistryImport(municipality=world.municipality, user=coordinator, original_name="o.xlsx", state="checked")
    old.file.save("o.xlsx", ContentFile(content), save=False)
    old.save()
    old, book, _outcome = confirm_import(old)
    assert old.state == RegistryImport.State.COMMITTED and book.ok and old.file.name.endswith(".gz")


# --- The nightly removal --------------------------------------------------------------------------------------------


def _aged(record, days):
    type(record).objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


def test_the_nightly_task_removes_unconfirmed_uploads_older_than_the_setting(world, coordinator, settings):
    settings.IMPORT_UPLOAD_RETENTION_DAYS = 7
    states = {"old-checked": ("checked", 8), "old-rejected": ("rejected", 30), "new": ("checked", 6)}
    states["old-committed"] = ("committed", 60)
    results, registry = {}, {}
    for key, (state, days) in states.items():
        result = ResultImport(user=coordinator, original_name=f"{key}.csv", state=state)
        result.file.save(f"{key}.upload", ContentFile(RESULTS), save=False)
        result.save()
        _aged(result, days)
        results[key] = result
        entry = RegistryImport(municipality=world.municipality, user=coordinator, original_name=key, state=state)
        entry.file.save("x.xlsx", ContentFile(b"PK"), save=False)
        entry.save()
        _aged(entry, days)
        registry[key] = entry
    plans = Path(settings.MEDIA_ROOT) / UPLOADS_FOLDER
    plans.mkdir(parents=True)
    (plans / "old.xlsx").write_bytes(b"PK")
    (plans / "new.xlsx").write_bytes(b"PK")
    eight_days_ago = (timezone.now() - dt.timedelta(days=8)).timestamp()
    os.utime(plans / "old.xlsx", (eight_days_ago, eight_days_ago))
    kept_files = {Path(records[key].file.path) for records in (results, registry) for key in ("new", "old-committed")}

    assert remove_stale_uploads.delay().get() == {"results": 2, "registry": 2, "plans": 1}

    assert set(ResultImport.objects.values_list("original_name", flat=True)) == {"new.csv", "old-committed.csv"}
    assert set(RegistryImport.objects.values_list("original_name", flat=True)) == {"new", "old-committed"}
    assert set(media_files()) == kept_files | {plans / "new.xlsx"}
    assert remove_stale_uploads.delay().get() == {"results": 0, "registry": 0, "plans": 0}  # safe to run twice


def test_the_nightly_task_is_scheduled():
    assert settings.CELERY_BEAT_SCHEDULE["remove-stale-uploads"]["task"] == remove_stale_uploads.name
    assert settings.IMPORT_UPLOAD_RETENTION_DAYS == 7
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024  # larger uploads are streamed to a temporary file


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_upload_streamed_to_a_temporary_file_is_read_in_place(client_for, coordinator, settings, kind):
    """Above FILE_UPLOAD_MAX_MEMORY_SIZE Django hands over a temporary file: the check reads it where it lies."""
    from openpyxl import Workbook

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    content = RESULTS
    if kind == "xlsx":
        book = Workbook()
        for line in RESULTS.decode().splitlines():
            book.active.append(line.split(";"))
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
    upload = SimpleUploadedFile(f"vpr.{kind}", content)
    record = record_of(client_for(coordinator).post(reverse("reports:results-upload"), {"file": upload}), ResultImport)
    assert record.state == ResultImport.State.CHECKED and record.rows == 2, record.problems
    assert [path.read_bytes() for path in media_files()] == [content]
