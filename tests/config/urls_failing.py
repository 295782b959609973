"""The site's URLs plus two views that fail, for the tests of the error pages."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("a fault on the server")


def suspicious(request):
    raise SuspiciousOperation("a request that cannot be read")


urlpatterns = [
    path("test-broken/", broken),
    path("test-suspicious/", suspicious),
    *site_urlpatterns,
]
