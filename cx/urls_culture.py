"""The experience toolkit's culture pages (see docs/cx.md)."""

from django.urls import URLPattern, path

from .views import pulse, systems

STAFF = "staff/<slug:practice_slug>/experience/"

urlpatterns: list[URLPattern] = [
    # The staff engagement pulse and using the systems well.
    path(STAFF + "pulse/", pulse.pulse_home, name="pulse"),
    path(STAFF + "pulse/new/", pulse.pulse_round_new, name="pulse_round_new"),
    path(STAFF + "pulse/<int:pk>/", pulse.pulse_round, name="pulse_round"),
    path(STAFF + "pulse/<int:pk>/answer/", pulse.pulse_answer, name="pulse_answer"),
    path(STAFF + "pulse/<int:pk>/close/", pulse.pulse_round_close, name="pulse_round_close"),
    path(STAFF + "systems/", systems.systems_page, name="systems"),
    path(STAFF + "systems/edit/", systems.systems_edit, name="systems_edit"),
]
