"""Front-desk writes, one module per area.

- ``flow``: moving a visit through the day (arrival, rooming, provider, checkout, done, no-show).
- ``checkin``: online check-in from the patient's visit link: its window and the write that completes it.
- ``setup``: the flow board's set-up: thresholds, check-in hours, arrival code, intake questions, policies.
"""
