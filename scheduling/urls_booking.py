"""Patient booking pages (no account) and the manage link."""

from django.urls import path

from .views import booking, manage

urlpatterns = [
    path("p/<slug:practice_slug>/book/", booking.book, name="book"),
    path("p/<slug:practice_slug>/book/time/", booking.hold, name="book_hold"),
    path("p/<slug:practice_slug>/book/details/", booking.details, name="book_details"),
    path("p/<slug:practice_slug>/book/back/", booking.release, name="book_release"),
    path("p/<slug:practice_slug>/book/requested/", booking.requested, name="book_requested"),
    path("p/<slug:practice_slug>/book/done/<str:token>/", booking.confirmed, name="book_confirmed"),
    path("p/<slug:practice_slug>/book/confirm/<str:token>/", booking.confirm, name="book_confirm"),
    path("p/<slug:practice_slug>/book/widget.js", booking.widget, name="book_widget"),
    path("p/<slug:practice_slug>/manage/<str:token>/", manage.manage, name="manage"),
    path("p/<slug:practice_slug>/manage/<str:token>/calendar.ics", manage.calendar, name="manage_calendar"),
    path("p/<slug:practice_slug>/manage/<str:token>/reschedule/", manage.reschedule, name="manage_reschedule"),
    path("p/<slug:practice_slug>/manage/<str:token>/cancel/", manage.cancel, name="manage_cancel"),
]
