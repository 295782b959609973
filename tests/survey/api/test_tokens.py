"""Personal API tokens: made, shown once, stored hashed, refused when expired,
revoked or when their account is inactive; and who may make and revoke them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from survey.errors import SurveyError
from survey.models import ApiToken, Membership, User
from survey.services.api_tokens import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    token_digest,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return User.objects.create_user("alice", password="x")


@pytest.fixture
def coordinator():
    user = User.objects.create_user("coord", password="x")
    Membership.objects.create(user=user, role=Membership.Role.COORDINATOR)
    return user


def _bearer(client, text):
    return client.get("/api/me", headers={"Authorization": f"Bearer {text}"})


def test_a_token_is_stored_only_as_its_digest_and_authenticates(alice, client):
    token, text = api_token_create(actor=alice, owner=alice, name="feed", days=30)
    assert text.startswith("dti_" + token.prefix + "_")
    stored = ApiToken.objects.get()
    assert stored.digest == token_digest(text)
    assert text not in {stored.digest, stored.prefix, stored.name}
    assert api_token_authenticate(text).pk == token.pk
    response = _bearer(client, text)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert _bearer(client, text + "x").status_code == 401
    assert client.get("/api/me").status_code == 401


def test_expired_revoked_and_inactive_tokens_are_refused(alice, client):
    token, text = api_token_create(actor=alice, owner=alice, name="a", days=1)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert _bearer(client, text).status_code == 401
    token, text = api_token_create(actor=alice, owner=alice, name="b", days=1)
    api_token_revoke(actor=alice, token=token)
    assert _bearer(client, text).status_code == 401
    token, text = api_token_create(actor=alice, owner=alice, name="c", days=1)
    alice.is_active = False
    alice.save()
    assert _bearer(client, text).status_code == 401


def test_only_the_owner_or_a_coordinator_makes_and_revokes_tokens(alice, coordinator):
    bob = User.objects.create_user("bob", password="x")
    with pytest.raises(PermissionDenied):
        api_token_create(actor=bob, owner=alice, name="x", days=1)
    token, _text = api_token_create(actor=coordinator, owner=alice, name="x", days=1)
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=bob, token=token)
    api_token_revoke(actor=coordinator, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_by == coordinator


@pytest.mark.parametrize("days", [0, 366])
def test_validity_outside_the_allowed_days_is_refused(alice, days):
    with pytest.raises(SurveyError):
        api_token_create(actor=alice, owner=alice, name="x", days=days)
