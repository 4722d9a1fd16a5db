"""The index behind staff patient search, one per database, over ``Patient.search_text``.

PostgreSQL: a trigram GIN index (pg_trgm), which serves ``search_text LIKE '% word%'``.
SQLite: an FTS5 full-text table over the column (``patients_patient_search``, rowid = patient id), kept in step
by triggers on every insert, update and delete, bulk_create and queryset.update() included. SQLite drops a
table's triggers when a migration rebuilds the table (it does for most field changes), so ``ensure`` runs
after every ``migrate`` and puts them back, rebuilding the full-text index if any was missing.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_TABLE = "patients_patient_search"
SQLITE_TRIGGERS = {
    "patients_patient_search_insert": """AFTER INSERT ON patients_patient BEGIN
        INSERT INTO patients_patient_search(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "patients_patient_search_delete": """AFTER DELETE ON patients_patient BEGIN
        INSERT INTO patients_patient_search(patients_patient_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    "patients_patient_search_update": """AFTER UPDATE OF search_text ON patients_patient BEGIN
        INSERT INTO patients_patient_search(patients_patient_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO patients_patient_search(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
}
# The tokenizer keeps an email address one word, as search_text has it; the folding is already done.
SQLITE_CREATE_TABLE = f"""CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5(
    search_text, content='patients_patient', content_rowid='id',
    tokenize="unicode61 remove_diacritics 0 tokenchars '.@_+-'", prefix='1 2 3')"""
SQLITE_REBUILD = f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('rebuild')"  # noqa: S608 - constants
SQLITE_MATCHING_IDS = f"SELECT rowid FROM {SQLITE_TABLE} WHERE search_text MATCH %s"  # noqa: S608 - a constant
POSTGRES_INDEX = "patient_search_trgm_idx"
POSTGRES_CREATE_INDEX = f"CREATE INDEX {POSTGRES_INDEX} ON patients_patient USING gin (search_text gin_trgm_ops)"


def _sqlite_triggers_present(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{SQLITE_TABLE}_%"])
        return {name for (name,) in cursor.fetchall()}


def ensure(connection: BaseDatabaseWrapper) -> bool:
    """Create whatever part of the index is missing; True if something was (re)built."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NULL", [POSTGRES_INDEX])
            (missing,) = cursor.fetchone()
            if missing:
                cursor.execute(POSTGRES_CREATE_INDEX)
        return bool(missing)
    if connection.vendor != "sqlite":
        return False
    missing = SQLITE_TRIGGERS.keys() - _sqlite_triggers_present(connection)
    if not missing:
        return False
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_CREATE_TABLE)
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}")
        cursor.execute(SQLITE_REBUILD)
    return True


def drop(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {POSTGRES_INDEX}")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")
