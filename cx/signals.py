"""Signals of the experience toolkit. Services send them after commit; ``cx/receivers.py`` (connected in
``apps.py``) queues the background work, so services never import ``tasks`` (which imports them)."""

from django.dispatch import Signal

# A recognition was confirmed and its person asked to be told: kwargs ``recognition_id`` (an id only).
recognition_confirmed = Signal()
