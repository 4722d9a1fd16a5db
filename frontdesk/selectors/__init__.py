"""Front-desk reads, one module per area, each scoped by practice.

- ``flow``: today's flow board, its version, the practice-local day and the flow settings.
- ``wait``: a patient's live wait estimate, and how far the estimate was off in the past.
- ``checkin``: what a patient gave at online check-in, and the questions and policies they are asked.
- ``arrival``: today's appointment found at the kiosk, and the practice behind a kiosk address.
"""
