"""Scheduling's writes, one module per area (import a module by its area, never this package's names).

- ``booking``: book, move and cancel appointments; the rules every write that takes a time keeps.
- ``holds``: hold a time for a few minutes while a patient finishes booking; let holds go.
- ``online_booking``: what patients do online by themselves: book on the public pages, confirm by
  link, change or cancel through the manage link.
- ``schedule``: the staff schedule: weekly hours, time off and blocks, extra clinics, visit types, the
  booking policy.
- ``front_desk``: the front desk's audited views, moves and the online booking requests it finishes.
- ``waitlist``: join and leave the waitlist, offer freed times, accept and decline offers.
"""
