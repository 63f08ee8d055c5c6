"""Participant rows on PostgreSQL, partitioned so that replacing a whole campaign is a TRUNCATE (migration 0020).

The table is LIST-partitioned by campaign; each campaign's partition is LIST-partitioned again by the import the
rows came from (`source_id`):

    reports_participantresult            by campaign_id
      participant_rows_default           rows of a campaign without a partition of its own (never in normal use)
      participant_rows_c<campaign>       by source_id
        participant_rows_c<campaign>_kept        DEFAULT: rows kept from earlier imports (and rows of no import)
        participant_rows_c<campaign>_<import>    the rows of one import

An import streams its rows into the table before it knows which schools the file holds, so the old rows of a
campaign cannot be truncated before the new ones are written. The second level keeps the new rows out of the
way instead: the import opens its own sub-partition for a campaign before the campaign's first row is written
(`open_for_import`), and at the end (`replace_rows`) truncates the campaign's other sub-partitions when the file
replaces every school they hold, or deletes the replaced schools' rows from them and folds the import's
sub-partition into `_kept`. A campaign thus has at most one import sub-partition besides `_kept` between imports.

All of it is DDL inside the import's transaction: a refused file rolls it back with everything else. Locks: a
campaign's partition is locked (ACCESS EXCLUSIVE) from its first row until the commit, so readers of that
campaign wait for the import, as readers of every campaign wait when a new campaign's partition is attached
(the DEFAULT partition is locked then); two imports of one campaign are serialised by its row lock
(`_Campaigns.get`) taken before any of this.
"""

from django.db import connection

TABLE = "reports_participantresult"
PREFIX = "participant_rows_"
DEFAULT = f"{PREFIX}default"
# The statistics target of (campaign, school) in a campaign's partitions: the import's ANALYZE of the table also
# samples every partition and sub-partition, 30,000 rows each at the default target (1.65 s of CPU after a
# re-import of 1,000,000 rows against 0.16 s for the plain table); 3,000 rows (0.55 s) still give the school
# counts the campaign's pages are planned with, and the table as a whole keeps the default for queries over
# several campaigns.
STATISTICS = 10
SET_STATISTICS = (
    f"ALTER COLUMN campaign_id SET STATISTICS {STATISTICS}, ALTER COLUMN school_id SET STATISTICS {STATISTICS}"
)


def campaign_partition(campaign_id: int) -> str:
    return f"{PREFIX}c{int(campaign_id)}"


def kept_partition(campaign_id: int) -> str:
    return f"{campaign_partition(campaign_id)}_kept"


def import_partition(campaign_id: int, source_id) -> str:
    return f"{campaign_partition(campaign_id)}_{source_id.hex}"


def partitioned() -> bool:
    """True once migration 0020 has run on PostgreSQL; SQLite keeps one plain table."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT FROM pg_partitioned_table WHERE partrelid = %s::regclass)", [TABLE])
        return cursor.fetchone()[0]


def ensure_partitions(campaign_ids) -> None:
    """A partition for each campaign that has none, holding the rows of the campaign the DEFAULT partition had.

    It is built apart and attached, which locks the table only against other DDL (SHARE UPDATE EXCLUSIVE) where
    CREATE TABLE … PARTITION OF would lock out every reader until the commit."""
    with connection.cursor() as cursor:
        for campaign_id in sorted(set(campaign_ids)):
            name, kept = campaign_partition(campaign_id), kept_partition(campaign_id)
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
            if cursor.fetchone()[0]:
                continue
            cursor.execute(
                f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
                "PARTITION BY LIST (source_id)"
            )
            cursor.execute(f"CREATE TABLE {kept} PARTITION OF {name} DEFAULT")
            cursor.execute(f"ALTER TABLE {kept} ADD PRIMARY KEY (id)")
            cursor.execute(f"ALTER TABLE {name} {SET_STATISTICS}")  # and of _kept
            cursor.execute(
                f"WITH moved AS (DELETE FROM {DEFAULT} WHERE campaign_id = %s RETURNING *) "  # noqa: S608 — names made of integer ids and UUIDs
                f"INSERT INTO {kept} SELECT * FROM moved",
                [campaign_id],
            )
            cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES IN ({int(campaign_id)})")


def open_for_import(campaign_id: int, source_id) -> None:
    """The import's own sub-partition of the campaign, made before the campaign's first row of the file is
    written (the campaign's row is locked by then)."""
    if not partitioned():
        return
    ensure_partitions([campaign_id])
    name = import_partition(campaign_id, source_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {name} PARTITION OF {campaign_partition(campaign_id)} FOR VALUES IN (%s)",
            [str(source_id)],
        )
        cursor.execute(f"ALTER TABLE {name} ADD PRIMARY KEY (id), {SET_STATISTICS}")


def replace_rows(pairs: list[tuple[int, int]], source_id) -> int:
    """Remove the rows kept for the replaced (campaign, school) pairs, none of the import's own: a TRUNCATE of a
    campaign's older sub-partitions when the file holds every school they hold, a DELETE of the replaced schools'
    rows otherwise. Returns the number of rows removed. The import's sub-partitions that stayed empty are dropped."""
    schools: dict[int, set[int]] = {}
    for campaign_id, school_id in pairs:
        schools.setdefault(campaign_id, set()).add(school_id)
    replaced = 0
    with connection.cursor() as cursor:
        for campaign_id, school_ids in sorted(schools.items()):
            replaced += _replace_campaign(cursor, campaign_id, sorted(school_ids), source_id)
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid "
            "WHERE c.relname LIKE %s AND c.relname LIKE %s",
            [f"{PREFIX}c%", f"%\\_{source_id.hex}"],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"SELECT EXISTS (SELECT FROM {name})")  # noqa: S608 — names made of integer ids and UUIDs
            if not cursor.fetchone()[0]:
                cursor.execute(f"DROP TABLE {name}")
    return replaced


def _replace_campaign(cursor, campaign_id: int, school_ids: list[int], source_id) -> int:
    own = import_partition(campaign_id, source_id)
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
        [campaign_partition(campaign_id)],
    )
    older = [name for (name,) in cursor.fetchall() if name != own]
    if not older:
        return 0
    counts = {}
    outside = 0
    wanted = set(school_ids)
    for name in older:
        # One hashed pass per sub-partition: its rows by school.
        cursor.execute(f"SELECT school_id, count(*) FROM {name} GROUP BY school_id")  # noqa: S608 — names made of integer ids and UUIDs
        by_school = cursor.fetchall()
        counts[name] = sum(n for _school, n in by_school)
        outside += sum(n for school, n in by_school if school not in wanted)
    kept = kept_partition(campaign_id)
    if not outside:
        cursor.execute(f"TRUNCATE {', '.join(older)}")
        for name in older:
            if name != kept:
                cursor.execute(f"DROP TABLE {name}")
        return sum(counts.values())
    replaced = 0
    for name in older:
        cursor.execute(f"DELETE FROM {name} WHERE school_id = ANY(%s)", [school_ids])  # noqa: S608 — names made of integer ids and UUIDs
        replaced += cursor.rowcount
        if name != kept and cursor.rowcount == counts[name]:
            cursor.execute(f"DROP TABLE {name}")
    # Fold the import's rows into _kept, so that partial imports do not leave a sub-partition each.
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [own])
    if cursor.fetchone()[0]:
        cursor.execute(f"ALTER TABLE {campaign_partition(campaign_id)} DETACH PARTITION {own}")
        cursor.execute(f"INSERT INTO {kept} SELECT * FROM {own}")  # noqa: S608 — names made of integer ids and UUIDs
        cursor.execute(f"DROP TABLE {own}")
    return replaced


def refresh_statistics(campaign_ids, source_id) -> None:
    """Statistics of the rows an import has just written, for the plans of the replacement, the checks and the
    recalculation that follow (each filters by campaign, so PostgreSQL plans them on the campaigns' partitions).

    Partitioned, only the import's own sub-partitions are analysed: an ANALYZE of the whole table samples every
    partition of every campaign (0.5 s after a region's import against 0.05 s for its own ten). Autovacuum keeps
    the other partitions' statistics as it always does."""
    with connection.cursor() as cursor:
        if not partitioned():
            cursor.execute(f"ANALYZE {TABLE} (campaign_id, school_id)")
            return
        names = [import_partition(campaign_id, source_id) for campaign_id in sorted(set(campaign_ids))]
        cursor.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s)", [names])
        for (name,) in cursor.fetchall():
            cursor.execute(f"ANALYZE {name} (campaign_id, school_id)")
