"""The experience toolkit's signals pages (see docs/cx.md): what changed, one signal, what was learned,
a patient's change timeline."""

from django.urls import path

from .views import signals

STAFF = "staff/<slug:practice_slug>/experience/"

urlpatterns = [
    path(STAFF + "what-changed/", signals.signal_list, name="signals"),
    path(STAFF + "what-changed/lessons/", signals.signal_lessons, name="signal_lessons"),
    path(STAFF + "what-changed/<int:pk>/", signals.signal_detail, name="signal"),
    path(STAFF + "what-changed/<int:pk>/handle/", signals.signal_handle, name="signal_handle"),
    path(STAFF + "what-changed/<int:pk>/respond/", signals.signal_respond, name="signal_respond"),
    path(STAFF + "what-changed/patient/<int:pk>/", signals.signal_patient, name="signal_patient"),
]
