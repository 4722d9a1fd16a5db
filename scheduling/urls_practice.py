"""The practice pages that show online booking days (``views/practice.py``). ``config/urls.py`` mounts
this list in the ``practices`` namespace, where the pages began, so they keep their names
(``practices:public``, ``practices:locations``); ``urls.py`` does not include it."""

from django.urls import path

from .views import practice as views

urlpatterns = [
    path("staff/<slug:practice_slug>/locations/", views.location_list, name="locations"),
    path("p/<slug:practice_slug>/", views.public_page, name="public"),
]
