"""Writes of the experience toolkit, one module per area: ``settings`` (meeting day, team
preferences), ``moments`` (the weekly experience moment and its meeting record), ``recognition``,
``actions``, ``maps`` (patient groups, empathy maps, ideas), ``projects`` (improvement projects),
``signal_detection`` and ``signals`` (listening to change), ``strategy``, ``governance``, ``rca``,
``hiring``, ``pulse`` and ``systems``.

An area refuses bad input with its own subclass of ``Refused`` (``ProjectRefused``…): a translated
message fit to show, and the form field it is about when there is one.
"""


class Refused(ValueError):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
