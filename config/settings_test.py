"""Test settings: the production settings with tasks run inline and a private var/ folder."""

import os
import tempfile

os.environ.setdefault("HUEY_IMMEDIATE", "1")
os.environ.setdefault("TOUCHPOINTS_VAR_DIR", tempfile.mkdtemp(prefix="touchpoints-test-"))
# No connection pool on PostgreSQL (a connection per test thread, as before the pool): the contention
# tests open 50 connections at once, more than a pool of DB_POOL_MAX would hand out.
os.environ.setdefault("DB_POOL_MAX", "0")

from .settings import *  # noqa: E402,F403

AXES_ENABLED = True

# The browser tests' live server answers several requests at once (htmx polling, two sections
# loading together). An in-memory SQLite test database is one connection shared by every thread,
# which those concurrent requests trip over; a file gives each thread its own connection.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # Outside the test var/ folder, which is removed before Django deletes its test database.
    _test_db = os.path.join(tempfile.gettempdir(), f"touchpoints-test-{os.getpid()}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": _test_db}  # noqa: F405
