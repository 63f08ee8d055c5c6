"""manage.py backup / restore: a round trip on the real PostgreSQL (row counts and media checksums come back), damaged
or foreign backups refused before anything changes, and the embedded SQLite path."""

import hashlib
import io
import json
import re
import sqlite3
import stat
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Role, User
from registry.models import School
from shnor_portal.backup import (
    MANIFEST,
    MEDIA_TAR,
    BackupError,
    make_backup,
    newest_backup,
    read_manifest,
    restore_backup,
    seal,
)

from .factories import user_with_role

MEDIA = {
    "registry-imports/2024/oktyabrsky.xlsx": b"PK\x03\x04 a workbook of the registry" * 50,
    "roadmaps/evidence/report-1.pdf": b"%PDF-1.7 evidence of a progress report",
    "support/materials/seminar.docx": bytes(range(256)) * 40,
}


def checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def media_root(settings) -> Path:
    root = Path(settings.MEDIA_ROOT)
    for name, content in MEDIA.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


@pytest.fixture
def no_leftover_sessions():
    """Sessions that earlier tests of this pytest process left idle on its test database (a thread's connection
    that nobody closed) would make the restore refuse, rightly in production; here they are ended first."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
            )


@pytest.fixture
def populated(world, media_root, no_leftover_sessions, tmp_path):
    user_with_role(Role.MUNICIPAL_COORDINATOR, municipality=world.municipality, username="coord")
    user_with_role(Role.PRINCIPAL, school=world.school, username="director")
    # Results too: on PostgreSQL their rows live in partitions by campaign and import, which a backup must count once.
    protocol = tmp_path / "protocol.csv"
    protocol.write_text(
        "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Максимальный балл;Отметка\n"
        f"2025;ВПР;Математика;5;{world.school.code};5а;B-1;10;20;4\n",
        encoding="utf-8",
    )
    call_command("import_results", str(protocol), stdout=io.StringIO())
    return world


def change_everything(world, media_root: Path) -> None:
    """What a bad day does after the backup: rows deleted, changed and added, files deleted, changed and added."""
    School.objects.filter(pk=world.far_school.pk).delete()
    School.objects.filter(pk=world.school.pk).update(short_name="переименована")
    User.objects.create(username="intruder")
    (media_root / "roadmaps/evidence/report-1.pdf").unlink()
    (media_root / "support/materials/seminar.docx").write_bytes(b"overwritten")
    (media_root / "registry-imports/after-backup.xlsx").write_bytes(b"new upload")


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


pg = pytest.mark.django_db(transaction=True)


@pg
def test_it_round_trips_the_database_and_the_media(populated, media_root, tmp_path):
    before_rows, before_files = row_counts(), checksums(media_root)
    folder = tmp_path / "backups" / "first"
    call_command("backup", "--out", str(folder))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["row_counts"] == before_rows
    assert manifest["row_counts"]["reports_participantresult"] == 1
    assert not [name for name in manifest["row_counts"] if name.startswith("participant_rows_")]
    assert {name: meta["sha256"] for name, meta in manifest["media"].items()} == before_files
    assert "0001_initial" in manifest["migrations"]["registry"]

    change_everything(populated, media_root)
    assert row_counts() != before_rows and checksums(media_root) != before_files

    out = io.StringIO()
    call_command("restore", str(folder), stdout=out)

    assert "Восстановлено" in out.getvalue() and "migrate" not in out.getvalue()
    assert row_counts() == before_rows
    assert checksums(media_root) == before_files
    assert School.objects.get(pk=populated.school.pk).short_name == populated.school.short_name
    assert School.objects.filter(pk=populated.far_school.pk).exists()
    assert not User.objects.filter(username="intruder").exists()
    assert User.objects.get(username="coord").role_assignments.get().municipality_id == populated.municipality.pk


@pg
def test_its_files_are_private(populated, tmp_path):
    folder = tmp_path / "backups" / "private"
    call_command("backup", "--out", str(folder))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700  # the backups root it created
    names = sorted(path.name for path in folder.iterdir())
    assert names == ["database.dump", MANIFEST, MEDIA_TAR]
    assert {stat.S_IMODE((folder / name).stat().st_mode) for name in names} == {0o600}


@pg
def test_it_refuses_a_folder_that_is_not_empty(populated, tmp_path):
    folder = tmp_path / "occupied"
    folder.mkdir()
    (folder / "keep.txt").write_text("someone's file")
    with pytest.raises(CommandError, match="не пуста"):
        call_command("backup", "--out", str(folder))
    assert [path.name for path in folder.iterdir()] == ["keep.txt"]


@pg
@pytest.mark.parametrize("damaged", ["database.dump", MEDIA_TAR, MANIFEST])
def test_a_backup_with_one_changed_byte_is_refused_and_changes_nothing(populated, media_root, tmp_path, damaged):
    folder = tmp_path / "backup"
    call_command("backup", "--out", str(folder))
    flip_one_byte(folder / damaged)
    change_everything(populated, media_root)
    rows, files = row_counts(), checksums(media_root)

    with pytest.raises(CommandError, match="повреждена"):
        call_command("restore", str(folder))

    assert row_counts() == rows
    assert checksums(media_root) == files
    assert User.objects.filter(username="intruder").exists()


@pg
def test_a_missing_media_archive_is_refused(populated, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", "--out", str(folder))
    (folder / MEDIA_TAR).unlink()
    with pytest.raises(CommandError, match=re.escape(MEDIA_TAR)):
        call_command("restore", str(folder))


def test_a_folder_without_a_manifest_is_not_a_backup(tmp_path):
    with pytest.raises(BackupError, match=r"manifest\.json"):
        read_manifest(tmp_path)


@pg
def test_a_backup_of_a_newer_portal_is_refused(populated, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", "--out", str(folder))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["migrations"]["registry"].append("9999_from_the_future")
    (folder / MANIFEST).write_text(json.dumps(seal(manifest)), encoding="utf-8")
    School.objects.filter(pk=populated.far_school.pk).delete()

    with pytest.raises(CommandError, match="9999_from_the_future"):
        call_command("restore", str(folder))
    assert not School.objects.filter(pk=populated.far_school.pk).exists()


@pg
def test_it_says_when_the_code_has_migrations_the_backup_has_not(populated, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", "--out", str(folder))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["migrations"]["registry"].pop()  # as if the backup came from the release before the last migration
    (folder / MANIFEST).write_text(json.dumps(seal(manifest)), encoding="utf-8")
    out = io.StringIO()
    call_command("restore", str(folder), stdout=out)
    assert "(1): выполните `manage.py migrate`" in out.getvalue()


@pg
def test_a_backup_of_a_newer_postgresql_is_refused(populated, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", "--out", str(folder))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["database"]["server_major"] += 1
    (folder / MANIFEST).write_text(json.dumps(seal(manifest)), encoding="utf-8")
    with pytest.raises(CommandError, match=f"PostgreSQL {manifest['database']['server_major']}"):
        call_command("restore", str(folder))


@pg
def test_it_refuses_while_other_sessions_use_the_database(populated, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", "--out", str(folder))
    settings_dict = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or None,
    )
    try:
        School.objects.filter(pk=populated.far_school.pk).delete()
        with pytest.raises(CommandError, match="Celery"):
            call_command("restore", str(folder))
    finally:
        other.close()
    assert not School.objects.filter(pk=populated.far_school.pk).exists()


@pytest.fixture
def scratch_database():
    """An empty database beside the test database: the new server of a disaster recovery."""
    settings_dict = {**connection.settings_dict, "NAME": f"{connection.settings_dict['NAME']}_restore"}
    admin = psycopg2.connect(
        dbname="postgres",
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    yield settings_dict
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')
    admin.close()


@pg
def test_it_restores_into_an_empty_database(populated, media_root, tmp_path, scratch_database):
    rows, files = row_counts(), checksums(media_root)
    outcome = make_backup(tmp_path / "backup", db=connection.settings_dict, media_root=media_root)
    new_media = tmp_path / "new-server-media"

    restored = restore_backup(tmp_path / "backup", db=scratch_database, media_root=new_media)

    assert restored.row_counts == rows == outcome.row_counts
    assert checksums(new_media) == files


# --- the embedded demo's SQLite ---


def sqlite_database(path: Path) -> dict:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE django_migrations (id integer primary key, app text, name text, applied text)")
        db.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('registry', '0001_initial', 'now')")
        db.execute("CREATE TABLE registry_school (id integer primary key, short_name text)")
        db.executemany("INSERT INTO registry_school (short_name) VALUES (?)", [("Чемаши",), ("Шеркалы",), ("Андра",)])
    db.close()
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def sqlite_rows(path: Path) -> list:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, short_name FROM registry_school ORDER BY id").fetchall()
    db.close()
    return rows


def test_it_round_trips_the_embedded_sqlite_database(tmp_path, media_root):
    db = sqlite_database(tmp_path / "db.sqlite3")
    rows, files = sqlite_rows(tmp_path / "db.sqlite3"), checksums(media_root)
    outcome = make_backup(tmp_path / "backup", db=db, media_root=media_root)
    assert outcome.manifest["row_counts"] == {"django_migrations": 1, "registry_school": 3}
    assert outcome.manifest["migrations"] == {"registry": ["0001_initial"]}
    with sqlite3.connect(db["NAME"]) as live:
        live.execute("DELETE FROM registry_school WHERE id = 2")
        live.execute("UPDATE registry_school SET short_name = 'x' WHERE id = 1")
    live.close()
    (media_root / "roadmaps/evidence/report-1.pdf").unlink()

    restore_backup(tmp_path / "backup", db=db, media_root=media_root, known_migrations={("registry", "0001_initial")})

    assert sqlite_rows(tmp_path / "db.sqlite3") == rows
    assert checksums(media_root) == files


def test_a_sqlite_backup_is_not_restored_into_postgresql(tmp_path, media_root):
    make_backup(tmp_path / "backup", db=sqlite_database(tmp_path / "db.sqlite3"), media_root=media_root)
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "never_touched"}
    with pytest.raises(BackupError, match="sqlite"):
        restore_backup(tmp_path / "backup", db=postgres, media_root=tmp_path / "other-media")
    assert not (tmp_path / "other-media").exists()


def test_a_failed_backup_leaves_no_folder_behind(tmp_path, media_root):
    missing = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "no-such.sqlite3")}
    with pytest.raises(BackupError, match=re.escape("no-such.sqlite3")):
        make_backup(tmp_path / "backups" / "failed", db=missing, media_root=media_root)
    assert not (tmp_path / "backups" / "failed").exists()


def test_restore_takes_the_newest_complete_backup_by_default(tmp_path, media_root):
    db = sqlite_database(tmp_path / "db.sqlite3")
    root = tmp_path / "backups"
    make_backup(root / "b-older", db=db, media_root=media_root)
    newer = make_backup(root / "a-newer", db=db, media_root=media_root).folder
    (root / "z-interrupted").mkdir()  # a backup that died before its manifest
    assert newest_backup(root) == newer
    assert newest_backup(tmp_path / "nothing-here") is None


def test_restore_without_a_folder_says_when_there_is_no_backup(settings, tmp_path):
    settings.BACKUP_ROOT = tmp_path / "empty"
    with pytest.raises(CommandError, match="нет резервных копий"):
        call_command("restore")


def test_a_backup_inside_the_media_folder_is_refused(tmp_path, media_root):
    db = sqlite_database(tmp_path / "db.sqlite3")
    with pytest.raises(BackupError, match="внутри папки файлов"):
        make_backup(media_root / "backups" / "one", db=db, media_root=media_root)
    assert not (media_root / "backups").exists()
    make_backup(tmp_path / "backup", db=db, media_root=media_root)
    (tmp_path / "backup").rename(media_root / "moved")
    with pytest.raises(BackupError, match="внутри папки файлов"):
        restore_backup(media_root / "moved", db=db, media_root=media_root)
    assert (media_root / "moved" / MANIFEST).is_file()


def test_a_resealed_manifest_pointing_outside_the_backup_is_refused(tmp_path, media_root):
    db = sqlite_database(tmp_path / "db.sqlite3")
    make_backup(tmp_path / "backup", db=db, media_root=media_root)
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text(encoding="utf-8"))
    manifest["database"]["file"] = "../db.sqlite3"
    (tmp_path / "backup" / MANIFEST).write_text(json.dumps(seal(manifest)), encoding="utf-8")
    with pytest.raises(BackupError, match=r"manifest\.json неполон"):
        read_manifest(tmp_path / "backup")
