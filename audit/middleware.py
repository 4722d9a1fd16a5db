from core.client_address import client_address_or_none
from core.log_masking import mask_text

from .context import RequestOrigin, current_origin


class AuditContextMiddleware:
    """Remembers the client address, agent and path so services can audit "from where"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = RequestOrigin(
            ip_address=client_address_or_none(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            path=mask_text(request.path)[:300],  # a link's token is a secret: never kept
        )
        token = current_origin.set(origin)
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)
