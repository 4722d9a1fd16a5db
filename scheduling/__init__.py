"""Scheduling: visit types, provider availability, holds and appointments.

``engine.py`` is the pure slot engine (no Django); ``selectors/`` (``slots`` first) feeds it from the
database and ``services/`` (``booking`` first) books, holds, reschedules and cancels with the same
engine deciding what is bookable. Both packages are split by area; see their docstrings.
"""
