"""Scheduling: visit types, provider availability, holds and appointments.

``engine.py`` is the pure slot engine (no Django); ``selectors.py`` feeds it from the database and
``services.py`` books, holds, reschedules and cancels with the same engine deciding what is bookable.
"""
