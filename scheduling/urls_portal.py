"""The patient portal's home page (``views/portal.py``). ``config/urls.py`` mounts this list in the
``patients`` namespace, where the page began, so it keeps its name ``patients:portal``."""

from django.urls import path

from .views import portal as views

urlpatterns = [
    path("p/<slug:practice_slug>/portal/", views.portal, name="portal"),
]
