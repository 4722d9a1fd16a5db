"""The journey event log. Touch points call ``journey.record(...)``; insights read the log."""


def record(**kwargs):
    from .services import record as _record

    return _record(**kwargs)
