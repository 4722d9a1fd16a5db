from django.urls import path

from .views import settings

STAFF = "staff/<slug:practice_slug>/experience/"

urlpatterns = [
    path(STAFF, settings.home, name="home"),
    path(STAFF + "settings/", settings.settings_page, name="settings"),
]
