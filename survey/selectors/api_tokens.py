"""Reads of API tokens: an account's list, and one token for whoever may manage
it."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from survey.models import ApiToken, User
from survey.permissions import can
from survey.selectors.accounts import province_accounts


def accounts_in_scope(*, user) -> QuerySet[User]:
    """The accounts ``user`` may see: themselves and those of the request's
    province (:func:`survey.selectors.accounts.province_accounts`)."""
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=province_accounts()))


def may_manage_tokens(*, actor, owner) -> bool:
    """Whether ``actor`` may see and manage ``owner``'s tokens: their own, or as
    the coordinator of ``owner``'s province."""
    if actor.pk == owner.pk:
        return True
    if not can(user=actor, action="manage_accounts"):
        return False
    return accounts_in_scope(user=actor).filter(pk=owner.pk).exists()


def api_token_owner(*, user, pk: int) -> User:
    """Account ``pk`` for a coordinator managing its tokens; 404 for an account
    of another province."""
    return get_object_or_404(accounts_in_scope(user=user), pk=pk)


def api_tokens_of(*, owner) -> QuerySet[ApiToken]:
    """``owner``'s tokens, newest first, with who made and revoked them."""
    return ApiToken.objects.filter(user=owner).select_related(
        "created_by", "revoked_by"
    )


def api_token_for(*, user, pk: int) -> ApiToken:
    """Token ``pk`` if ``user`` owns it or manages its owner's account; 404
    otherwise, so that nobody learns of another person's tokens."""
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    if not may_manage_tokens(actor=user, owner=token.user):
        raise Http404(_("Not found."))
    return token
