"""Threads on their own database connections, for the contention tests (no tests here).

On an in-memory SQLite test database the threads book against a WAL file copy of it, opened with the
project's own connection options (test_contention.py's docstring says why)."""

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from django.db import connection, connections


def file_copy_for_threads(tmp_path: Path) -> str | None:
    """On an in-memory SQLite test database, a WAL file copy for the threads; else None."""
    # is_in_memory_db() exists on SQLite's connection only, which the vendor check makes sure of.
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():  # type: ignore[attr-defined]
        return None
    path = str(tmp_path / "contention.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return path


def in_thread(fn: Callable[[], object], db_file: str | None) -> tuple[threading.Thread, dict[str, object]]:
    """Run ``fn`` in a new thread on its own connection (to ``db_file`` if given), closed afterwards."""
    result: dict[str, object] = {}

    def run() -> None:
        if db_file:
            connections["default"].settings_dict = {**connections["default"].settings_dict, "NAME": db_file}
        try:
            result["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - reported to the caller as a value
            result["value"] = f"error: {exc!r}"
        finally:
            connections["default"].close()

    thread = threading.Thread(target=run)
    return thread, result
