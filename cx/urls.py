"""The experience toolkit's staff pages, under /staff/<practice>/experience/. One module per area."""

from . import urls_actions, urls_maps, urls_moments, urls_projects, urls_recognition, urls_settings

app_name = "cx"

urlpatterns = [
    *urls_settings.urlpatterns,
    *urls_moments.urlpatterns,
    *urls_recognition.urlpatterns,
    *urls_actions.urlpatterns,
    *urls_maps.urlpatterns,
    *urls_projects.urlpatterns,
]
