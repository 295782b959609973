"""What makes the questionnaire work without a network: the service worker, the web
app manifest and the page shown when a page was never kept (docs/offline.md)."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from survey.offline import OFFLINE_ASSETS, assets_version


@never_cache  # the browser checks for a new worker on every visit
@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker, served from the root so that it may answer for every page."""
    config = {
        "version": assets_version(),
        "assets": [static(name) for name in OFFLINE_ASSETS],
        "store": static("js/store.js"),
        "offline": reverse("survey:offline"),
        "static": settings.STATIC_URL,
    }
    response = render(
        request,
        "survey/offline/sw.js",
        {"config": json.dumps(config)},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: the questionnaire can be installed like an app."""
    data = {
        "name": _("DTI assessment"),
        "short_name": "DTI",
        "description": _(
            "Digital transformation self-assessment: the questionnaire works "
            "without a network once it has been opened."
        ),
        "lang": get_language(),
        "start_url": reverse("survey:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f8fa",
        "theme_color": "#0b5cad",
        "icons": [
            {
                "src": static("img/favicon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            },
            {
                "src": static("img/apple-touch-icon.png"),
                "sizes": "180x180",
                "type": "image/png",
            },
            {
                "src": static("img/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": static("img/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the worker for a page that needs the network and was never kept."""
    return render(request, "survey/offline/offline.html")
