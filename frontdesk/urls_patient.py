"""Patient pages of the front desk: the visit link (online check-in, "I'm here", the live wait) and
the kiosk / QR-code arrival pages."""

from django.urls import path

from .views import arrival, patient

urlpatterns = [
    path("p/<slug:practice_slug>/visit/<str:token>/", patient.visit, name="visit"),
    path("p/<slug:practice_slug>/visit/<str:token>/status/", patient.visit_status, name="visit_status"),
    path("p/<slug:practice_slug>/visit/<str:token>/here/", patient.visit_here, name="visit_here"),
    path("p/<slug:practice_slug>/visit/<str:token>/check-in/", patient.check_in, name="check_in"),
    path("p/<slug:practice_slug>/visit/<str:token>/verify/", patient.visit_verify, name="visit_verify"),
    path("p/<slug:practice_slug>/arrive/<str:key>/", arrival.arrive, name="arrive"),
    path("p/<slug:practice_slug>/arrive/<str:key>/confirm/", arrival.arrive_confirm, name="arrive_confirm"),
]
