from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from insights import urls_home as insights_home_urls
from monitoring import views as monitoring_views
from patients import urls as patients_urls
from practices import urls as practices_urls
from practices import urls_audit as practices_audit_urls
from practices.views import landing
from scheduling import urls_portal as scheduling_portal_urls
from scheduling import urls_practice as scheduling_practice_urls

# Pages that moved up the layers (docs/architecture.md) keep the URL names they began with: the
# "practices" namespace gathers practices' own URLs, the staff home (insights) and the practice pages
# that show online booking days (scheduling); "patients" gathers patients' URLs and the portal's home
# page (scheduling); "audit:log" is practices' page over the audit app.
practices_namespace = [
    *practices_urls.urlpatterns,
    *insights_home_urls.urlpatterns,
    *scheduling_practice_urls.urlpatterns,
]
patients_namespace = [*patients_urls.urlpatterns, *scheduling_portal_urls.urlpatterns]

urlpatterns = [
    path("", landing.landing, name="landing"),
    path("healthz", monitoring_views.health, name="health"),
    path("staff/system/health/", monitoring_views.health_detail, name="health_detail"),
    path("metrics", monitoring_views.prometheus_metrics, name="metrics"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg", permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include((practices_namespace, "practices"))),
    path("", include((patients_namespace, "patients"))),
    path("", include((practices_audit_urls.urlpatterns, "audit"))),
    path("", include("scheduling.urls")),
    path("", include("messaging.urls")),
    path("", include("frontdesk.urls")),
    path("", include("feedback.urls")),
    path("", include("insights.urls")),
    path("", include("cx.urls")),
    # Public media (provider photos). A proxy serves /media/ directly when scaled out.
    re_path(r"^media/(?P<path>providers/.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
