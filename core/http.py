"""Request types for views: what middleware and decorators add to Django's HttpRequest.

Annotate a view's ``request`` with the narrowest one so the type checker knows what is there.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """Every request: django-htmx's middleware adds ``request.htmx``."""

    htmx: HtmxDetails
