"""The staff home page's URL. ``config/urls.py`` mounts this list in the ``practices`` namespace, where
the page began, so templates and redirects keep reversing ``practices:dashboard``."""

from django.urls import path

from .views import home

urlpatterns = [
    path("staff/<slug:practice_slug>/", home.dashboard, name="dashboard"),
]
