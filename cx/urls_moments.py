"""The weekly experience moment: history, review page, meeting-room screen, print view, the lead's changes."""

from django.urls import path

from .views import moments as views

M = "staff/<slug:practice_slug>/experience/moments/"

urlpatterns = [
    path(M, views.moment_list, name="moments"),
    path(M + "prepare/", views.moment_prepare, name="moment_prepare"),
    path(M + "<int:pk>/", views.moment_detail, name="moment"),
    path(M + "<int:pk>/screen/", views.moment_screen, name="moment_screen"),
    path(M + "<int:pk>/print/", views.moment_print, name="moment_print"),
    path(M + "<int:pk>/refresh/", views.moment_refresh, name="moment_refresh"),
    path(M + "<int:pk>/story/", views.moment_story, name="moment_story"),
    path(M + "<int:pk>/lesson/", views.moment_lesson, name="moment_lesson"),
    path(M + "<int:pk>/recognitions/", views.moment_recognition, name="moment_recognition"),
    path(M + "<int:pk>/meeting/", views.moment_meeting, name="moment_meeting"),
    path(M + "<int:pk>/actions/", views.moment_action, name="moment_action"),
    path(M + "<int:pk>/presented/", views.moment_presented, name="moment_presented"),
]
