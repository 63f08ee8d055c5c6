"""Backups of the portal and their verified restore.

A backup is one folder (mode 0700, files 0600: it holds personal data) with
- the database: PostgreSQL as `pg_dump -Fc` (database.dump), SQLite through its backup API (database.sqlite3);
- MEDIA_ROOT as media.tar;
- manifest.json: SHA-256 and size of both files and of every media file, row counts per table, the migration state,
  the server and tool versions, when it was made and by which portal version; sealed by a checksum of its own.

A restore checks all of that before it touches anything, restores the database in one transaction, replaces the
media folder and compares the row counts afterwards. The module works on a database settings dict and a media
path instead of Django's connections, so that a test (or an operator) can aim it at a scratch database; it imports
no app of the portal.
"""

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import time
import uuid
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_TAR = "media.tar"
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINES = {"django.db.backends.postgresql": "postgresql", "django.db.backends.sqlite3": "sqlite"}
CHUNK = 1024 * 1024
# libpq parameters a Django OPTIONS dict may carry that matter for pg_dump/pg_restore as well.
LIBPQ_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "options"}
LIBPQ_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"}


class BackupError(Exception):
    """A backup cannot be made or restored; the message is for the operator (translated)."""


@dataclass
class Outcome:
    folder: Path
    manifest: dict
    row_counts: dict = field(default_factory=dict)


# --- small helpers ---------------------------------------------------------------------------------------------------


def vendor_of(db: dict) -> str:
    engine = db["ENGINE"]
    for prefix, vendor in ENGINES.items():
        if engine.startswith(prefix):
            return vendor
    raise BackupError(_("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine})


def sha256_of(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def seal(manifest: dict) -> dict:
    """The manifest with a checksum of its own content: a changed byte in it is noticed like one in the dump."""
    body = {key: value for key, value in manifest.items() if key != "checksum"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return {**body, "checksum": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def _private_file(path: Path):
    # Created 0600 from the start, so the dump is never readable by others, not even while it is written.
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _private_folder(path: Path) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(_("The backup folder %(path)s already exists and is not empty.") % {"path": path})
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)  # a new backups root hides even the names of its backups
    path.mkdir(mode=0o700, exist_ok=True)
    path.chmod(0o700)  # mkdir's mode is filtered by the umask


def _outside_media(folder: Path, media_root: Path) -> None:
    # A backup inside the media folder would be packed into the next backup and deleted by a restore.
    if Path(folder).resolve().is_relative_to(Path(media_root).resolve()):
        raise BackupError(
            _("The backup folder %(path)s is inside the media folder %(media)s: choose another place.")
            % {"path": folder, "media": media_root}
        )


def portal_version() -> str:
    try:
        return metadata.version("shnor-portal")
    except metadata.PackageNotFoundError:
        return "unknown"


class _HashingReader:
    """Hands a file to tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size=-1):
        block = self.handle.read(size)
        self.digest.update(block)
        return block


# --- PostgreSQL ------------------------------------------------------------------------------------------------------


def _pg_connect(db: dict):
    import psycopg2

    params = {"dbname": db["NAME"], "user": db.get("USER"), "password": db.get("PASSWORD")}
    params |= {"host": db.get("HOST"), "port": str(db.get("PORT") or "")}
    params |= {key: value for key, value in (db.get("OPTIONS") or {}).items() if key in LIBPQ_OPTIONS}
    return psycopg2.connect(**{key: value for key, value in params.items() if value})


def _pg_env(db: dict) -> dict:
    # The password goes through the environment of the child only, never onto its command line (visible in ps).
    env = dict(os.environ)
    pairs = {"PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER")}
    pairs |= {"PGPASSWORD": db.get("PASSWORD"), "PGDATABASE": db["NAME"]}
    pairs |= {LIBPQ_ENV[key]: value for key, value in (db.get("OPTIONS") or {}).items() if key in LIBPQ_ENV}
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def tool_path(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            _("%(tool)s is not available: install the PostgreSQL client of the server's version.") % {"tool": tool}
        )
    return path


def tool_major(tool: str) -> int:
    try:
        command = [tool_path(tool), "--version"]
        text = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 — fixed arguments
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BackupError(_("Cannot read the version of %(tool)s: %(text)s") % {"tool": tool, "text": exc}) from exc
    match = re.search(r"\)\s*(\d+)", text)
    if not match:
        raise BackupError(_("Cannot read the version of %(tool)s: %(text)s") % {"tool": tool, "text": text.strip()})
    return int(match.group(1))


def _pg_tables(cursor) -> list[str]:
    """The schema's tables as Django knows them: a partitioned table counts its partitions' rows, and the partitions
    themselves (participant rows by campaign and import, reports/assessments/partitions.py) are not listed again."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname"
    )
    return [row[0] for row in cursor.fetchall()]


def _pg_state(cursor) -> tuple[dict, dict]:
    """Row counts per table and the applied migrations, in the cursor's transaction."""
    from psycopg2 import sql

    counts = {}
    for table in _pg_tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    migrations = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return counts, migrations


def _pg_server_major(cursor) -> int:
    cursor.execute("SHOW server_version_num")
    return int(cursor.fetchone()[0]) // 10000


def _pg_backup(db: dict, target: Path) -> dict:
    import psycopg2.extensions

    dump_major = tool_major("pg_dump")
    connection = _pg_connect(db)
    try:
        # One snapshot for the counts, the migration state and pg_dump: the manifest describes exactly the dump,
        # even while the portal keeps writing.
        connection.set_session(isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        with connection.cursor() as cursor:
            server_major = _pg_server_major(cursor)
            if dump_major != server_major:
                raise BackupError(
                    _(
                        "pg_dump %(tool)s does not match the PostgreSQL %(server)s server: install "
                        "postgresql-client-%(server)s."
                    )
                    % {"tool": dump_major, "server": server_major}
                )
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts, migrations = _pg_state(cursor)
            with _private_file(target) as out:
                result = subprocess.run(  # noqa: S603 — fixed arguments; the connection comes through the environment
                    [tool_path("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--no-password"],
                    stdout=out,
                    stderr=subprocess.PIPE,
                    env=_pg_env(db),
                    text=False,
                )
            if result.returncode != 0:
                raise BackupError(
                    _("pg_dump failed: %(error)s") % {"error": result.stderr.decode("utf-8", "replace").strip()}
                )
    finally:
        connection.rollback()
        connection.close()
    return {"server_major": server_major, "tool_major": dump_major, "row_counts": counts, "migrations": migrations}


def _pg_other_sessions(db: dict, wait_seconds: float = 5.0) -> int:
    """Sessions of other processes on the database. A process that has just ended leaves its session for a moment
    (the server notices the closed socket asynchronously), so the count is read again for a few seconds before it
    is taken as an answer."""
    deadline = time.monotonic() + wait_seconds
    connection = _pg_connect(db)
    try:
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid, application_name, state, left(query, 120) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                others = cursor.fetchall()
            if not others or time.monotonic() >= deadline:
                if others:
                    logger.warning("restore: other sessions on the database: %s", others)
                return len(others)
            time.sleep(0.2)
    finally:
        connection.close()


def _pg_check(db: dict, manifest: dict) -> None:
    restore_major = tool_major("pg_restore")
    if restore_major < manifest["database"]["tool_major"]:
        raise BackupError(
            _("pg_restore %(tool)s cannot read a dump of pg_dump %(dump)s: install postgresql-client-%(dump)s.")
            % {"tool": restore_major, "dump": manifest["database"]["tool_major"]}
        )
    connection = _pg_connect(db)
    try:
        with connection.cursor() as cursor:
            server_major = _pg_server_major(cursor)
    finally:
        connection.close()
    if server_major < manifest["database"]["server_major"]:
        raise BackupError(
            _("The backup comes from PostgreSQL %(backup)s; the older PostgreSQL %(server)s cannot take it.")
            % {"backup": manifest["database"]["server_major"], "server": server_major}
        )
    others = _pg_other_sessions(db)
    if others:
        raise BackupError(
            _(
                "%(count)s other sessions are connected to the database %(name)s: stop the web processes, the Celery "
                "worker and beat before a restore."
            )
            % {"count": others, "name": db["NAME"]}
        )


def _pg_restore(db: dict, dump: Path) -> None:
    # One transaction: a failure half-way leaves the database as it was. --clean --if-exists also works on an empty
    # database (a new server); --no-owner lets another role own the restored objects.
    result = subprocess.run(  # noqa: S603 — fixed arguments; the connection comes through the environment
        [
            tool_path("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={db['NAME']}",
            str(dump),
        ],
        capture_output=True,
        env=_pg_env(db),
    )
    if result.returncode != 0:
        raise BackupError(
            _("pg_restore failed, the database was left as it was: %(error)s")
            % {"error": result.stderr.decode("utf-8", "replace").strip()}
        )


def _pg_counts(db: dict) -> dict:
    connection = _pg_connect(db)
    try:
        with connection.cursor() as cursor:
            return _pg_state(cursor)[0]
    finally:
        connection.rollback()
        connection.close()


# --- SQLite ----------------------------------------------------------------------------------------------------------


def _sqlite_state(connection) -> tuple[dict, dict]:
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts = {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608 — names from sqlite_master
    migrations = {}
    if "django_migrations" in counts:
        for app, name in connection.execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
            migrations.setdefault(app, []).append(name)
    return counts, migrations


def _sqlite_backup(db: dict, target: Path) -> dict:
    source_path = Path(db["NAME"])
    if not source_path.is_file():
        raise BackupError(_("There is no database file %(path)s to back up.") % {"path": source_path})
    _private_file(target).close()
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # Counted in the copy itself: the manifest describes exactly what was saved.
        counts, migrations = _sqlite_state(copy)
    finally:
        copy.close()
        source.close()
    return {"sqlite_version": sqlite3.sqlite_version, "row_counts": counts, "migrations": migrations}


def _sqlite_restore(db: dict, copy_path: Path) -> None:
    source = sqlite3.connect(f"{copy_path.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(db["NAME"])
    try:
        source.backup(target)  # page by page under SQLite's lock: the database is replaced as a whole
    finally:
        target.close()
        source.close()


def _sqlite_counts(db: dict) -> dict:
    connection = sqlite3.connect(db["NAME"])
    try:
        return _sqlite_state(connection)[0]
    finally:
        connection.close()


# --- media -----------------------------------------------------------------------------------------------------------


def _media_backup(media_root: Path, target: Path) -> dict:
    files = {}
    with _private_file(target) as out, tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        if media_root.is_dir():
            for folder, dirs, names in os.walk(media_root):
                # Sorted for a stable archive; a staging folder a crashed restore left behind is not an upload.
                dirs[:] = sorted(name for name in dirs if not name.startswith(".restore-"))
                for name in sorted(names):
                    path = Path(folder) / name
                    if path.is_symlink() or not path.is_file():
                        continue  # uploads are regular files; a link could point outside the media folder
                    relative = path.relative_to(media_root).as_posix()
                    with open(path, "rb") as handle:
                        stat = os.fstat(handle.fileno())
                        info = tarfile.TarInfo(relative)
                        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), stat.st_mode & 0o777
                        reader = _HashingReader(handle)
                        archive.addfile(info, reader)
                    files[relative] = {"sha256": reader.digest.hexdigest(), "size": info.size}
    return files


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def _check_media_tar(path: Path, expected: dict) -> None:
    seen = set()
    with tarfile.open(path, mode="r:") as archive:
        for member in archive:
            if not member.isfile() or not _safe_member(member.name) or member.name not in expected:
                raise BackupError(
                    _("The media archive holds %(name)s, which the manifest does not list.") % {"name": member.name}
                )
            digest, handle = hashlib.sha256(), archive.extractfile(member)
            while block := handle.read(CHUNK):
                digest.update(block)
            if digest.hexdigest() != expected[member.name]["sha256"]:
                raise BackupError(_("The media file %(name)s is damaged in the backup.") % {"name": member.name})
            seen.add(member.name)
    if missing := sorted(set(expected) - seen):
        raise BackupError(_("Media files are missing from the backup: %(names)s") % {"names": ", ".join(missing)})


def _media_restore(archive_path: Path, media_root: Path, expected: dict) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    # Unpacked inside the media folder itself (the same file system, even when it is a mounted volume), checked,
    # and only then moved into place.
    staging = media_root / f".restore-{uuid.uuid4().hex}"
    staging.mkdir(mode=0o700)
    try:
        with tarfile.open(archive_path, mode="r:") as archive:
            for member in archive:
                path = staging / member.name
                path.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, open(path, "wb") as out:
                    shutil.copyfileobj(source, out, CHUNK)
                os.chmod(path, member.mode & 0o777 or 0o600)
                os.utime(path, (member.mtime, member.mtime))
                if sha256_of(path)[0] != expected[member.name]["sha256"]:
                    raise BackupError(_("The media file %(name)s could not be written intact.") % {"name": member.name})
        for entry in media_root.iterdir():
            if entry != staging:
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        for entry in staging.iterdir():
            entry.rename(media_root / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --- the two operations ----------------------------------------------------------------------------------------------


def make_backup(folder: Path, *, db: dict, media_root: Path) -> Outcome:
    folder = Path(folder)
    vendor = vendor_of(db)
    _outside_media(folder, media_root)
    existed = folder.exists()
    _private_folder(folder)
    try:
        return _write_backup(folder, vendor, db, Path(media_root))
    except BaseException:
        # Half a backup must not be mistaken for one: nothing stays behind but what was there before (nothing).
        if existed:
            for entry in folder.iterdir():
                entry.unlink()
        else:
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _write_backup(folder: Path, vendor: str, db: dict, media_root: Path) -> Outcome:
    dump_name = DUMP_FILES[vendor]
    created = dt.datetime.now(dt.UTC)
    if vendor == "postgresql":
        state = _pg_backup(db, folder / dump_name)
    else:
        state = _sqlite_backup(db, folder / dump_name)
    counts, migrations = state.pop("row_counts"), state.pop("migrations")
    media = _media_backup(media_root, folder / MEDIA_TAR)
    files = {}
    for name in (dump_name, MEDIA_TAR):
        digest, size = sha256_of(folder / name)
        files[name] = {"sha256": digest, "size": size}
    manifest = seal(
        {
            "format": FORMAT,
            "portal_version": portal_version(),
            "created": created.isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "file": dump_name, **state},
            "files": files,
            "row_counts": counts,
            "migrations": migrations,
            "media": media,
        }
    )
    with _private_file(folder / MANIFEST) as out:
        out.write(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))
    return Outcome(folder, manifest, counts)


def newest_backup(root: Path) -> Path | None:
    """The most recently completed backup under root: its manifest is written last, so a half-written one is skipped."""
    manifests = [path for path in Path(root).glob(f"*/{MANIFEST}") if path.is_file()]
    return max(manifests, key=lambda path: path.stat().st_mtime).parent if manifests else None


def read_manifest(folder: Path) -> dict:
    """The manifest of a backup after every check that needs nothing but the backup itself."""
    folder = Path(folder)
    damaged = _("The backup %(path)s is damaged and was not restored: %(reason)s")
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(_("%(path)s is not a backup: it has no manifest.json.") % {"path": folder}) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupError(damaged % {"path": folder, "reason": _("manifest.json cannot be read")}) from exc
    if not isinstance(manifest, dict) or seal(manifest).get("checksum") != manifest.get("checksum"):
        raise BackupError(damaged % {"path": folder, "reason": _("manifest.json was changed")})
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("The backup has format %(format)s; this portal reads format %(ours)s.")
            % {"format": manifest.get("format"), "ours": FORMAT}
        )
    try:
        files, database, media = manifest["files"], manifest["database"], manifest["media"]
        complete = set(files) == {database["file"], MEDIA_TAR} and database["file"] == DUMP_FILES[database["vendor"]]
        complete = complete and isinstance(media, dict) and isinstance(manifest["row_counts"], dict)
        complete = complete and isinstance(manifest["migrations"], dict)
    except (KeyError, TypeError):
        complete = False
    if not complete:
        raise BackupError(damaged % {"path": folder, "reason": _("manifest.json is incomplete")})
    for name, meta in files.items():
        path = folder / name
        if not path.is_file():
            raise BackupError(damaged % {"path": folder, "reason": _("%(name)s is missing") % {"name": name}})
        if sha256_of(path) != (meta["sha256"], meta["size"]):
            raise BackupError(
                damaged % {"path": folder, "reason": _("the checksum of %(name)s does not match") % {"name": name}}
            )
    _check_media_tar(folder / MEDIA_TAR, media)
    return manifest


def restore_backup(folder: Path, *, db: dict, media_root: Path, known_migrations: set | None = None) -> Outcome:
    """Restores a backup over the database and the media folder; refuses before touching anything when the backup
    is damaged, comes from another database kind, a newer server or a newer portal."""
    folder = Path(folder)
    _outside_media(folder, media_root)
    manifest = read_manifest(folder)
    vendor = vendor_of(db)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            _("The backup holds a %(backup)s database and cannot be restored into %(target)s.")
            % {"backup": manifest["database"]["vendor"], "target": vendor}
        )
    if known_migrations is not None:
        unknown = sorted(
            f"{app}.{name}"
            for app, names in manifest["migrations"].items()
            for name in names
            if (app, name) not in known_migrations
        )
        if unknown:
            raise BackupError(
                _("The backup was made by a newer version of the portal (migrations unknown here: %(names)s).")
                % {"names": ", ".join(unknown)}
            )
    dump = folder / manifest["database"]["file"]
    if vendor == "postgresql":
        _pg_check(db, manifest)
        _pg_restore(db, dump)
        counts = _pg_counts(db)
    else:
        _sqlite_restore(db, dump)
        counts = _sqlite_counts(db)
    _media_restore(folder / MEDIA_TAR, Path(media_root), manifest["media"])
    differ = [
        f"{table}: {expected} → {counts.get(table)}"
        for table, expected in manifest["row_counts"].items()
        if counts.get(table) != expected
    ]
    if differ:
        raise BackupError(
            _("Restored, but row counts differ from the backup: %(tables)s") % {"tables": "; ".join(differ)}
        )
    return Outcome(folder, manifest, counts)
