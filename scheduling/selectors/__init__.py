"""Scheduling's reads, scoped by practice, one module per area (import a module by its area).

- ``slots``: what the slot engine reads (schedules, visit rules) and the open slots it finds.
- ``booking``: what the public booking pages offer, the booking policy, a patient's own appointments.
- ``schedule``: the staff schedule pages: providers, weekly hours, exceptions, the calendars.
- ``front_desk``: a patient's appointments, the booking-request queue, open times for the picker.
- ``waitlist``: waiting entries, their offers, and whether a freed time suits them.
"""
