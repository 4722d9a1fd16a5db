from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("staff/", views.home, name="home"),
    path("staff/<slug:practice_slug>/", views.dashboard, name="dashboard"),
    path("staff/<slug:practice_slug>/settings/", views.practice_settings, name="settings"),
    path("staff/<slug:practice_slug>/locations/", views.location_list, name="locations"),
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
    path("p/<slug:practice_slug>/", views.public_page, name="public"),
]
