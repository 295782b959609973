"""The user name that django-axes records and throttles for a login attempt."""

from django.http import HttpRequest

# django-axes keeps the typed user name in a column of 255 characters.
RECORDED_LENGTH = 255


def attempt_username(request: HttpRequest, credentials: dict | None = None):
    """The typed user name, in small letters and cut to what django-axes can store.

    Logins ignore case (``DieuPhoi`` is ``dieuphoi``), so failures typed in any
    case count against one name.

    A longer name matches no account (user names have at most 150 characters), so
    cutting it changes no login; it only lets the failure be recorded and counted
    (PostgreSQL refuses the longer text, which would turn the attempt into a server
    error that is neither recorded nor throttled).
    """
    data = credentials if credentials else getattr(request, "POST", {})
    username = data.get("username")
    return username[:RECORDED_LENGTH].lower() if isinstance(username, str) else username
