"""The experience toolkit's staff pages, under /staff/<practice>/experience/. One module per area."""

from . import (
    urls_actions,
    urls_culture,
    urls_governance,
    urls_hiring,
    urls_maps,
    urls_moments,
    urls_projects,
    urls_rca,
    urls_recognition,
    urls_settings,
    urls_signals,
    urls_strategy,
)

app_name = "cx"

urlpatterns = [
    *urls_settings.urlpatterns,
    *urls_moments.urlpatterns,
    *urls_recognition.urlpatterns,
    *urls_actions.urlpatterns,
    *urls_maps.urlpatterns,
    *urls_projects.urlpatterns,
    *urls_signals.urlpatterns,
    *urls_strategy.urlpatterns,
    *urls_governance.urlpatterns,
    *urls_rca.urlpatterns,
    *urls_culture.urlpatterns,
    *urls_hiring.urlpatterns,
]
