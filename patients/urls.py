"""Patients' URLs: staff patient pages, patients' sign-in and sign-out, the portal's details page.

``config/urls.py`` mounts this list in the ``patients`` namespace together with the portal's home page,
which lists appointments and so lives in scheduling (``scheduling/urls_portal.py``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("staff/<slug:practice_slug>/patients/", views.patient_list, name="staff_list"),
    path("staff/<slug:practice_slug>/patients/new/", views.patient_create, name="staff_create"),
    path("staff/<slug:practice_slug>/patients/<int:pk>/", views.patient_detail, name="staff_detail"),
    path("staff/<slug:practice_slug>/patients/<int:pk>/edit/", views.patient_edit, name="staff_edit"),
    path("p/<slug:practice_slug>/sign-in/", views.sign_in, name="sign_in"),
    path("p/<slug:practice_slug>/sign-in/<str:token>/", views.sign_in_confirm, name="sign_in_confirm"),
    path("p/<slug:practice_slug>/portal/details/", views.portal_edit, name="portal_edit"),
    path("p/<slug:practice_slug>/sign-out/", views.sign_out, name="sign_out"),
]
