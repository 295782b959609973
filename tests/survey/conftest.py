"""Fixtures that test modules of survey ask for with ``pytest.mark.usefixtures``."""

import pytest


@pytest.fixture
def fast_hasher(settings):
    """A quick password hasher: the tests log many people in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english(client, settings):
    """English messages, so that checks of wording hold whatever the Vietnamese
    catalogue says; tests of Vietnamese pages switch back."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
