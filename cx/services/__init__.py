"""Writes of the experience toolkit, one module per area: ``settings`` (meeting day, team
preferences), ``moments`` (the weekly experience moment and its meeting record), ``recognition``,
``actions``, ``maps`` (patient groups, empathy maps, ideas) and ``projects`` (improvement projects)."""
