"""Every operation of the served OpenAPI schema, called with generated
parameters and a coordinator's token on a small world: no reply is a server
error, and every documented reply matches its schema.

The test walks the schema, not a list of endpoints, so that routers added later
(the feeds, the published results) are covered as they come. Each generated case
is sent as it is (mostly unknown codes) and again with the world's own codes in
the path, so that the replies with data are checked too."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from survey.api import api
from survey.services.api_tokens import api_token_create

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()

# The world's codes, by the path they belong under.
KNOWN = {
    "/api/frameworks/": {"code": "DTI-SO", "year": 2025, "number": 1},
    "/api/campaigns/": {"code": "2025", "unit_code": "S-TC"},
}
CHECKS = [
    schemathesis.checks.not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
]


@pytest.fixture
def bearer(world):
    """The coordinator's token; the database connection stays open between the
    requests of one test, as Django's test client keeps it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    user = world.coordinator
    _token, text = api_token_create(actor=user, owner=user, name="schema", days=1)
    yield {"Authorization": f"Bearer {text}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _known(case) -> dict | None:
    for prefix, values in KNOWN.items():
        if case.path.startswith(prefix) and case.path_parameters:
            return {
                name: values.get(name, value)
                for name, value in case.path_parameters.items()
            }
    return None


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_its_schema_says(case, bearer):
    response = case.call_and_validate(headers=bearer, checks=CHECKS)
    # Negative cases may leave the token out: then, and only then, 401.
    sent = response.request.headers.get("Authorization")
    assert (response.status_code == 401) == (sent != bearer["Authorization"])
    known = _known(case)
    if known is not None:
        case.path_parameters = known
        case.call_and_validate(headers=bearer, checks=CHECKS)
