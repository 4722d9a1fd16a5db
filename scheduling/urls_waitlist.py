"""Waitlist pages for patients: join (from a manage link or signed in), leave, answer an offer."""

from django.urls import path

from .views import waitlist

urlpatterns = [
    path(
        "p/<slug:practice_slug>/manage/<str:token>/waitlist/",
        waitlist.waitlist_from_appointment,
        name="waitlist_from_appointment",
    ),
    path(
        "p/<slug:practice_slug>/manage/<str:token>/waitlist/<int:pk>/withdraw/",
        waitlist.waitlist_withdraw_from_appointment,
        name="waitlist_withdraw_from_appointment",
    ),
    path("p/<slug:practice_slug>/waitlist/", waitlist.waitlist_join, name="waitlist_join"),
    path("p/<slug:practice_slug>/waitlist/yours/", waitlist.waitlist_mine, name="waitlist_mine"),
    path("p/<slug:practice_slug>/waitlist/<int:pk>/withdraw/", waitlist.waitlist_withdraw, name="waitlist_withdraw"),
    path("p/<slug:practice_slug>/offer/<str:token>/", waitlist.waitlist_offer, name="waitlist_offer"),
]
