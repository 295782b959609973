"""Reads of API tokens: an account's list, and one token for whoever may manage
it."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from survey.models import ApiToken
from survey.permissions import can


def api_tokens_of(*, owner) -> QuerySet[ApiToken]:
    """``owner``'s tokens, newest first, with who made and revoked them."""
    return ApiToken.objects.filter(user=owner).select_related(
        "created_by", "revoked_by"
    )


def api_token_for(*, user, pk: int) -> ApiToken:
    """Token ``pk`` if ``user`` owns it or manages accounts; 404 otherwise, so
    that nobody learns of another person's tokens."""
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    if token.user_id != user.pk and not can(user=user, action="manage_accounts"):
        raise Http404(_("Not found."))
    return token
