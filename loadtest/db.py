"""The load run's database steps, run in their own process against the run's database:

python -m loadtest.db seed <practices>      build the practices, print the plan (JSON, last line)
python -m loadtest.db check <run start ISO> <due before ISO> <reminders at ISO> <changes JSON>
                                             the zero counts (JSON, last line)
"""

import json
import os
import sys


def main(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if argv[0] == "seed":
        from .seed import seed

        print(json.dumps(seed(practices=int(argv[1]))))
    elif argv[0] == "check":
        from datetime import datetime

        from .checks import breakdown, zero_counts

        since, due_before, reminders_at = (datetime.fromisoformat(value) for value in argv[1:4])
        counts = zero_counts(since=since, due_before=due_before, reminders_at=reminders_at, changes=json.loads(argv[4]))
        detail = breakdown(since=since, due_before=due_before, reminders_at=reminders_at, changes=json.loads(argv[4]))
        print(json.dumps({"counts": counts, "detail": detail}))
    else:
        raise SystemExit(f"unknown step {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
