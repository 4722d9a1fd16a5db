from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from core import views as core_views

urlpatterns = [
    path("", core_views.landing, name="landing"),
    path("healthz", core_views.health, name="health"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg", permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include("practices.urls")),
    path("", include("patients.urls")),
    path("", include("audit.urls")),
    path("", include("scheduling.urls")),
    path("", include("messaging.urls")),
    path("", include("frontdesk.urls")),
    path("", include("feedback.urls")),
    path("", include("insights.urls")),
    # Public media (provider photos). A proxy serves /media/ directly when scaled out.
    re_path(r"^media/(?P<path>providers/.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
