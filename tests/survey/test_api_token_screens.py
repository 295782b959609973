"""The API token screens: one's own tokens, a coordinator's view of an account's
tokens; the text shown once; revocation confirmed; others refused."""

import pytest
from django.urls import reverse

from survey.models import ApiToken, Unit
from survey.services.api_tokens import api_token_authenticate, api_token_create
from tests.survey.worlds import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]


@pytest.fixture
def unit():
    return Unit.objects.create(
        code="S-TC", name_vi="Sở Tài chính", unit_type="department"
    )


@pytest.fixture
def alice(unit):
    return make_user("alice", "editor", unit)


@pytest.fixture
def coordinator():
    return make_user("coord", "coordinator")


def test_the_account_menu_links_to_ones_tokens(client, alice):
    client.force_login(alice)
    response = client.get(reverse("survey:home"))
    assert reverse("survey:api_tokens").encode() in response.content


def test_a_new_token_is_shown_once_and_works(client, alice):
    client.force_login(alice)
    url = reverse("survey:api_tokens")
    assert client.get(url).context["form"]["days"].value() == 90
    response = client.post(url, {"name": "Hệ thống văn bản", "days": "30"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    text = response.context["text"]
    assert api_token_authenticate(text).user == alice
    assert text.encode() in response.content
    assert b"will not be shown again" in response.content
    assert text not in str(dict(client.session))
    again = client.get(url)
    assert text.encode() not in again.content
    assert ApiToken.objects.get().prefix.encode() in again.content


@pytest.mark.parametrize("days", ["0", "366", "abc"])
def test_bad_validity_is_refused_at_the_field(client, alice, days):
    client.force_login(alice)
    response = client.post(reverse("survey:api_tokens"), {"name": "x", "days": days})
    assert response.context["form"].errors["days"]
    assert response.context["text"] is None
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_revokes(client, alice):
    token, text = api_token_create(actor=alice, owner=alice, name="a", days=5)
    client.force_login(alice)
    url = reverse("survey:api_token_revoke", args=[token.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    assert b"Please confirm" in asked.content
    assert api_token_authenticate(text) is not None
    done = client.post(url, {"confirmed": "1"})
    assert done.url == reverse("survey:api_tokens")
    assert api_token_authenticate(text) is None
    assert client.get(url).status_code == 405


def test_another_person_cannot_see_or_revoke_a_token(client, alice, unit):
    token, text = api_token_create(actor=alice, owner=alice, name="a", days=5)
    bob = make_user("bob", "editor", unit)
    client.force_login(bob)
    url = reverse("survey:api_token_revoke", args=[token.pk])
    assert client.post(url, {"confirmed": "1"}).status_code == 404
    assert api_token_authenticate(text) is not None
    assert (
        b"dti_" + token.prefix.encode()
        not in client.get(reverse("survey:api_tokens")).content
    )
    account_url = reverse("survey:account_api_tokens", args=[alice.pk])
    assert client.get(account_url).status_code == 403
    assert client.post(account_url, {"name": "x", "days": "5"}).status_code == 403
    assert ApiToken.objects.count() == 1


def test_a_coordinator_manages_an_accounts_tokens(client, alice, coordinator):
    client.force_login(coordinator)
    assert reverse("survey:account_api_tokens", args=[alice.pk]).encode() in (
        client.get(reverse("survey:account_list")).content
    )
    url = reverse("survey:account_api_tokens", args=[alice.pk])
    response = client.post(url, {"name": "Văn bản", "days": "365"})
    token = ApiToken.objects.get()
    assert (token.user, token.created_by) == (alice, coordinator)
    assert api_token_authenticate(response.context["text"]).user == alice
    revoke = reverse("survey:api_token_revoke", args=[token.pk])
    assert client.post(revoke, {"confirmed": "1"}).url == url
    token.refresh_from_db()
    assert token.revoked_by == coordinator
    assert (
        client.get(reverse("survey:account_api_tokens", args=[9999])).status_code == 404
    )
