"""The request type of a view behind ``@login_required`` (see ``core/http.py`` for the others)."""

from core.http import HtmxHttpRequest

from .models import User


class SignedInRequest(HtmxHttpRequest):
    """A request that passed ``@login_required``: ``user`` is a signed-in staff member."""

    user: User
