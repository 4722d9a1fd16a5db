"""Which account django-axes counts failed sign-ins against.

Staff sign in with their email in the form's ``username`` field. Axes would otherwise look
for a credential named after ``USERNAME_FIELD`` ("email"), find none and lock nothing. Emails
are case-folded, as the user lookup is case-insensitive: "Ana@x" and "ana@x" are one account.
"""

from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    if credentials:
        username = credentials.get("username") or credentials.get("email")
    else:
        data = getattr(request, "data", request.POST)
        username = data.get("username") or data.get("email")
    if not username:
        return None
    return str(username).strip().lower()
