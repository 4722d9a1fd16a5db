"""The owner's audit log page (``views/audit_log.py``). ``config/urls.py`` mounts this list in the
``audit`` namespace, where the page began, so it keeps its name ``audit:log``."""

from django.urls import path

from .views import audit_log

urlpatterns = [
    path("staff/<slug:practice_slug>/audit/", audit_log.audit_log, name="log"),
]
