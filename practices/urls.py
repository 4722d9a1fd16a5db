"""Practices' staff URLs: the staff home redirect, practice details, locations, providers and the team.

``config/urls.py`` mounts this list in the ``practices`` namespace together with the practice pages that
live in higher apps (``insights/urls_home.py``, ``scheduling/urls_practice.py``)."""

from django.urls import path

from .views import setup as views

urlpatterns = [
    path("staff/", views.home, name="home"),
    path("staff/<slug:practice_slug>/settings/", views.practice_settings, name="settings"),
    path("staff/<slug:practice_slug>/locations/new/", views.location_edit, name="location_new"),
    path("staff/<slug:practice_slug>/locations/<int:pk>/", views.location_edit, name="location_edit"),
    path("staff/<slug:practice_slug>/providers/", views.provider_list, name="providers"),
    path("staff/<slug:practice_slug>/providers/new/", views.provider_edit, name="provider_new"),
    path("staff/<slug:practice_slug>/providers/<int:pk>/", views.provider_edit, name="provider_edit"),
    path("staff/<slug:practice_slug>/team/", views.staff_list, name="staff"),
    path("staff/<slug:practice_slug>/team/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<slug:practice_slug>/team/<int:pk>/invite/", views.staff_resend_invitation, name="staff_invite"),
    path(
        "staff/<slug:practice_slug>/team/<int:pk>/two-factor/reset/",
        views.staff_reset_two_factor,
        name="staff_reset_two_factor",
    ),
]
