"""Logging: readable text or JSON lines, each record carrying its request's id.

`RequestIdMiddleware` gives every request an id (the proxy's ``X-Request-ID`` when it
is well formed, else a new uuid4), returns it in the response's ``X-Request-ID`` and
holds it in a context variable while the request runs; `RequestIdFilter` copies it
onto every log record, so that a line in the log leads to the request that wrote it.
`logging_config` builds the ``LOGGING`` setting from the environment's choices.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from email.utils import getaddresses
from typing import TYPE_CHECKING

from pythonjsonlogger.core import RESERVED_ATTRS

if TYPE_CHECKING:  # the settings import this module: no Django at import time
    from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# What the proxy may send: letters, digits and a few separators, at most 128 of them
# (a uuid, nginx's $request_id); anything else could forge or break log lines.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
NO_REQUEST = "-"

_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def current_request_id() -> str:
    """The id of the request being served, or ``-`` outside any request."""
    return _request_id.get()


def request_id_for(incoming: str | None) -> str:
    """The proxy's id when it is well formed, else a new one."""
    if incoming and VALID_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _forget_request_id(**kwargs) -> None:
    _request_id.set(NO_REQUEST)


class RequestIdMiddleware:
    """First in the chain, so that every record of the request carries its id.

    The id stays set until the response is finished, not only while the chain
    runs: Django logs a 4xx or 5xx response after the middleware has returned.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.core.signals import request_finished, request_started

        self.get_response = get_response
        request_started.connect(_forget_request_id, dispatch_uid="request_id_start")
        request_finished.connect(_forget_request_id, dispatch_uid="request_id_end")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        _request_id.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


def admins_from(value: str) -> list[tuple[str, str]]:
    """``DJANGO_ADMINS``: "Name <a@b>, c@d" as Django's ``ADMINS`` pairs."""
    return [
        (name or address, address)
        for name, address in getaddresses([value])
        if "@" in address
    ]


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(levelname)s %(name)s %(message)s %(request_id)s"


def logging_config(*, log_format: str, level: str, mail_admins: bool) -> dict:
    """The ``LOGGING`` setting: text (the default) or ``json`` lines on stderr, and,
    when ``mail_admins``, a mail to ``ADMINS`` for every server error."""
    formatters = {
        "text": {"format": TEXT_FORMAT},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            # Django's request records carry the request object: its repr says
            # nothing the request id and the message do not.
            "reserved_attrs": [
                *RESERVED_ATTRS,
                "request",
            ],
        },
    }
    handlers: dict[str, dict] = {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if log_format == "json" else "text",
            "filters": ["request_id"],
        }
    }
    django_handlers: list[str] = []
    if mail_admins:
        handlers["mail_admins"] = {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["request_id", "require_debug_false"],
        }
        django_handlers.append("mail_admins")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "config.log.RequestIdFilter"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": formatters,
        "handlers": handlers,
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own records reach the console through the root logger; its
            # default mail handler is replaced by ours, present only when asked for.
            "django": {"handlers": django_handlers, "level": "INFO"},
            # django-axes logs every login at INFO; logins are in the audit trail.
            "axes": {"level": "WARNING"},
        },
    }
