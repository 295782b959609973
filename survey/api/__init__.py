"""The JSON API (django-ninja): read access to frameworks, campaigns, published
results and, for those allowed, a unit's answers; and the feed through which
provincial systems send values. Its OpenAPI schema is served at
``/api/openapi.json`` and browsable at ``/api/docs``.

Each area is a router in its own module; identifiers are codes and years, never
database ids. Every endpoint asks the permission table (``survey.permissions``)
with the token's account. Errors answer ``{"detail": "…"}`` in the request's
language (Vietnamese unless ``Accept-Language`` asks for English).
"""

from ninja import NinjaAPI

from survey.api.auth import TokenAuth
from survey.api.errors import errors_translated
from survey.api.routers import ROUTERS

api = NinjaAPI(
    title="DTI API",
    version="1",
    description=(
        "Read access to the DTI frameworks, campaigns and published results, and "
        "the feed of province-supplied values. Send a personal token as "
        "`Authorization: Bearer dti_…`. See docs/api.md."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)
errors_translated(api)
for prefix, router in ROUTERS:
    api.add_router(prefix, router)
