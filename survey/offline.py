"""Pages the browser may keep for working without a network.

A response marked here carries ``X-Offline-Cache: <account id>``; the service worker
(``survey/templates/survey/offline/sw.js``) keeps a copy of such a page in a cache of
that account's own, and shows it only to that account when the network is gone. No
other page is ever kept: lists of other units, verification and reports need the
server. The assets the kept pages use are listed in :data:`OFFLINE_ASSETS`.
"""

import hashlib
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse

HEADER = "X-Offline-Cache"

# Every script, style and image a kept page uses (the app ships no web font: pages
# use the system's fonts). The worker stores them when it is installed.
OFFLINE_ASSETS = (
    "css/app.css",
    "css/questionnaire.css",
    "js/confirm.js",
    "js/store.js",
    "js/offline.js",
    "js/questionnaire.js",
    "img/favicon.svg",
    "img/apple-touch-icon.png",
)


def offline_copy(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Mark a successful GET page of a signed-in account as one to keep."""
    if (
        request.method == "GET"
        and response.status_code == 200
        and request.user.is_authenticated
    ):
        response[HEADER] = str(request.user.pk)
    return response


def _assets_digest() -> str:
    digest = hashlib.sha256()
    for name in OFFLINE_ASSETS:
        path = finders.find(name)
        digest.update(name.encode())
        if path:
            with open(path, "rb") as asset:
                digest.update(asset.read())
    return digest.hexdigest()[:16]


_kept_digest = cache(_assets_digest)


def assets_version() -> str:
    """Changes whenever an asset changes, so that browsers replace their copies
    (read again on every request while developing, once per process otherwise)."""
    return _assets_digest() if settings.DEBUG else _kept_digest()
