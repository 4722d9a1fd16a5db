"""Staff schedule URLs: calendars, provider availability, time off, visit types, booking policy."""

from django.urls import path

from .views import schedule as views

P = "staff/<slug:practice_slug>/schedule/"
A = P + "availability/<int:provider_pk>/"

urlpatterns = [
    path(P, views.schedule_day, name="schedule_day"),
    path(P + "week/", views.schedule_week, name="schedule_week"),
    path(P + "availability/", views.availability, name="schedule_availability"),
    path(A, views.provider_availability, name="schedule_provider"),
    path(A + "hours/new/", views.weekly_range_form, name="schedule_hours_new"),
    path(A + "hours/<int:pk>/", views.weekly_range_form, name="schedule_hours_edit"),
    path(A + "hours/<int:pk>/delete/", views.weekly_range_delete, name="schedule_hours_delete"),
    path(A + "time-off/new/", views.block_new, name="schedule_block_new"),
    path(A + "extra/new/", views.extra_new, name="schedule_extra_new"),
    path(A + "exceptions/<int:pk>/delete/", views.exception_delete, name="schedule_exception_delete"),
    path(P + "visit-types/", views.visit_types, name="schedule_visit_types"),
    path(P + "visit-types/new/", views.visit_type_form, name="schedule_visit_type_new"),
    path(P + "visit-types/<int:pk>/", views.visit_type_form, name="schedule_visit_type_edit"),
    path(P + "booking-policy/", views.booking_policy, name="schedule_policy"),
]
