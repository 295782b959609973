"""Confirmation of actions that cannot be undone.

The button carries the consequence in ``data-confirm`` (``static/js/confirm.js``
asks and adds ``confirmed=1``); the view acts only on a POST with ``confirmed=1``.
Any other POST gets a page with the same sentence and a button that sends the
same fields again, confirmed: safe without JavaScript, and for any client.
"""

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NOT_RESENT = frozenset({"csrfmiddlewaretoken", "confirmed"})


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirmed") == "1"


def confirmation_page(
    request: HttpRequest,
    *,
    message: str,
    button: str,
    cancel_url: str,
    items: Sequence[str] = (),
) -> HttpResponse:
    """The page that asks again, resending every field of ``request.POST``."""
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in NOT_RESENT
        for value in values
    ]
    context = {
        "title": _("Please confirm"),
        "message": message,
        "button": button,
        "items": items,
        "fields": fields,
        "action_url": request.path,
        "cancel_url": cancel_url,
    }
    return render(request, "survey/confirm.html", context)
