"""Exit 0 if the database URL given answers a query within a few seconds, else 1."""

import sys

import psycopg

try:
    with psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=3) as conn:
        conn.execute("SELECT 1")
except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
    print(f"not reachable: {type(error).__name__}", file=sys.stderr)
    sys.exit(1)
