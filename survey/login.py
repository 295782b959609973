"""What django-axes records and throttles for a login attempt: the user name, and
the failures of one address over all accounts."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

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


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler, with a second, higher limit on the address
    alone: five wrong passwords lock one account from one address, and
    ``DTI_LOGIN_IP_FAILURE_LIMIT`` failures over any accounts lock the address
    (password spraying tries one password on many accounts). django-axes applies
    one limit to all its parameter groups, hence this check of its own records."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure that reaches the address's limit is answered with the
        # lockout page, as the one that reaches an account's limit is.
        if (
            request is not None
            and not request.axes_locked_out
            and address_locked(request)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def address_locked(request: HttpRequest) -> bool:
    return address_failures(request) >= settings.DTI_LOGIN_IP_FAILURE_LIMIT


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address within the cool-off time."""
    ip = getattr(request, "axes_ip_address", None)
    if not ip:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip)
    cool_off = get_cool_off(request)
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0
