"""Recognition and the team: what patients credited, the lead's decisions, team members' pages and
each member's own profile."""

from django.urls import path

from .views import recognition as views

X = "staff/<slug:practice_slug>/experience/"

urlpatterns = [
    path(X + "recognition/", views.recognition_list, name="recognitions"),
    path(X + "recognition/scan/", views.recognition_scan, name="recognition_scan"),
    path(X + "recognition/<int:pk>/confirm/", views.recognition_confirm, name="recognition_confirm"),
    path(X + "recognition/<int:pk>/dismiss/", views.recognition_dismiss, name="recognition_dismiss"),
    path(X + "team/<int:pk>/", views.team_member, name="team_member"),
    path(X + "me/", views.my_profile, name="my_profile"),
]
