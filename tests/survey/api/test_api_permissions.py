"""Who gets what from each read endpoint: a table of endpoint × role → status,
allowed and refused, and 401 without a valid token. The roles are those of the
VERIFICATION world; "nobody" is an account holding no role."""

import pytest

from survey.services.api_tokens import api_token_create
from tests.survey.api.test_read_api import ENDPOINTS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tokens(world_once, django_db_blocker):
    with django_db_blocker.unblock():
        return {
            role: api_token_create(
                actor=getattr(world_once, role),
                owner=getattr(world_once, role),
                name="t",
                days=5,
            )[1]
            for role in ROLES
        }


# endpoint: role → status (roles not listed: 200)
EXPECTED = {
    "frameworks": {"nobody": 403},
    "version": {"nobody": 403},
    "indicators": {"nobody": 403},
    "campaigns": {"nobody": 403},
    "campaign": {"nobody": 403},
    "answers": {"other_editor": 404, "other_reviewer": 404, "nobody": 404},
    # A person without a role belongs to no province: its campaigns do not exist.
    "assessments": {"nobody": 404},
}
ROLES = [
    "editor",
    "approver",
    "other_editor",
    "reviewer",
    "police",
    "other_reviewer",
    "coordinator",
    "committee",
    "nobody",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_reply(client, tokens, endpoint, role):
    auth = {"Authorization": f"Bearer {tokens[role]}"}
    response = client.get(ENDPOINTS[endpoint], headers=auth)
    assert response.status_code == EXPECTED.get(endpoint, {}).get(role, 200)
    if response.status_code != 200:
        assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_without_a_valid_token_every_endpoint_answers_401(client, tokens, endpoint):
    assert client.get(ENDPOINTS[endpoint]).status_code == 401
    bad = client.get(ENDPOINTS[endpoint], headers={"Authorization": "Bearer dti_x"})
    assert bad.status_code == 401
    assert bad["WWW-Authenticate"] == "Bearer"
