"""Which language a patient page speaks when it is reached by a link (no sign-in)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def patient_language(request: HttpRequest, on_record: str | None) -> str:
    """The language the visitor chose with the site's switcher, else the one on the patient's record."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language()
    return on_record or "en"
