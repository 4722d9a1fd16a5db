"""Reads of the experience toolkit, split as ``services`` is: ``settings``, ``moments``,
``recognition``, ``actions``, ``maps``, ``projects``, and ``patients_said`` (what patients said,
read through feedback's selectors)."""
