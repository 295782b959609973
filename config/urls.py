from functools import cache

from csp.decorators import csp_exempt
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from survey.api import api
from survey.views.health import healthz

# Icons that browsers and phones ask for at the root of the site, whatever the page
# says: answered from the static files, so that no request for them ends in a 404.
ROOT_ICONS = {
    "favicon.ico": ("img/favicon.ico", "image/x-icon"),
    "apple-touch-icon.png": ("img/apple-touch-icon.png", "image/png"),
    "apple-touch-icon-precomposed.png": ("img/apple-touch-icon.png", "image/png"),
}


@cache
def _icon_bytes(static_path: str) -> bytes:
    with open(finders.find(static_path), "rb") as icon:
        return icon.read()


# An image, not a page: opened on its own, Chromium shows it in a page of its own
# making, whose inline styles the Content-Security-Policy would refuse.
@csp_exempt()
@require_safe
@cache_control(public=True, max_age=86400)
def root_icon(request: HttpRequest, name: str) -> HttpResponse:
    static_path, content_type = ROOT_ICONS[name]
    return HttpResponse(_icon_bytes(static_path), content_type=content_type)


urlpatterns = [
    path("", include("survey.urls")),
    path("reports/", include("reports.urls")),
    path("api/", api.urls),
    path("cong-khai/", include("reports.public.urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    *(
        path(name, root_icon, {"name": name}, name=f"icon-{name.split('.')[0]}")
        for name in ROOT_ICONS
    ),
]
# No URL serves MEDIA_ROOT: evidence files and exports are handed out only by the views
# that check who asks (survey.views.evidence.evidence_file, reports' export_download).
