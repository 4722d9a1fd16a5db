"""Practices' staff pages, by area: ``setup`` (the staff home redirect, practice details, locations,
providers and the team) and ``audit_log`` (the owner's audit log; audit sits below practices, so its
page lives here, where the staff gate is).

Practice pages that need a higher app live with that app and keep their ``practices:`` URL names
(``config/urls.py`` mounts them): the staff home (``insights.views.dashboard``), the public page and
the staff locations list (``scheduling.views.practice``)."""
