"""Passwords are hashed with Argon2; older PBKDF2 hashes still log in and are
rehashed with Argon2 at that login."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.urls import reverse

from survey.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-cu-2024"


def pbkdf2_user(username: str = "cu") -> User:
    """A person whose password was stored before Argon2, with PBKDF2 (few
    iterations, so the test stays quick; the upgrade happens all the same)."""
    encoded = PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1000)
    return User.objects.create(username=username, password=encoded)


def test_argon2_is_preferred_and_pbkdf2_still_checked():
    assert settings.PASSWORD_HASHERS[0].endswith(".Argon2PasswordHasher")
    assert any(
        name.endswith(".PBKDF2PasswordHasher") for name in settings.PASSWORD_HASHERS
    )
    user = User.objects.create_user(username="moi", password=PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"


def test_pbkdf2_password_logs_in_and_is_rehashed_with_argon2(client):
    user = pbkdf2_user()
    assert identify_hasher(user.password).algorithm == "pbkdf2_sha256"

    response = client.post(reverse("login"), {"username": "cu", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(PASSWORD)


def test_wrong_password_keeps_the_old_hash(client):
    user = pbkdf2_user()
    before = user.password

    response = client.post(reverse("login"), {"username": "cu", "password": "sai"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.password == before
