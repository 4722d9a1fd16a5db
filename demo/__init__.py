"""The demo practice: ``manage.py seed_demo`` and every builder of its history, ``manage.py demo_banner``.

Demo data is not product code, so it lives here, at the top of the house: this app may import every
other app, and no production app imports it (an import-linter contract checks it; see
``docs/architecture.md``). It has no models.

One module per area of the product, named after the app whose data it builds, each a builder that
``practices.build_demo`` calls in order:

- ``demo/practices.py``: ``build_demo(size=..., seed=...)``, the sizes, the demo sign-ins, the
  practices, locations, providers, staff and patients; then calls the builders below.
- ``demo/scheduling.py``: ``build_schedule``: visit types, weekly hours, time off, a year of
  appointments and the coming 90 days, the waitlist and booking requests.
- ``demo/messaging.py``: ``build_messaging``: reminders with their outcomes, answers, inbox
  conversations, recalls.
- ``demo/frontdesk.py``: ``build_flow``: check-in set-up and the visits' flow history.
- ``demo/feedback.py``: ``build_feedback``: surveys, invitations, responses, recovery cases,
  listening; ``demo/feedback_comments.py`` composes the patients' comments.
- ``demo/cx.py``: ``add_team`` (run first: the rest of the team, job titles, joining dates) and
  ``build_cx`` (run last): the experience toolkit's settings, three past moments with their meeting
  records, recognitions, the online-booking empathy map with its ideas, two improvement projects.
- ``management/commands/seed_demo.py`` and ``management/commands/demo_banner.py`` (run by
  ``make demo``).
- ``tests/``: the tests of all of the above.
"""
