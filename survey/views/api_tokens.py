"""API token screens: one's own tokens, and a coordinator's view of an
account's tokens (e.g. an integration account). A new token's text shows once,
in the reply to the form that made it, and is kept nowhere else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from survey.errors import SurveyError
from survey.forms.api_tokens import ApiTokenForm
from survey.permissions import permission_require
from survey.selectors.api_tokens import (
    api_token_for,
    api_token_owner,
    api_tokens_of,
)
from survey.services.api_tokens import api_token_create, api_token_revoke
from survey.views.confirm import confirmation_page, is_confirmed


@login_required
@never_cache
def my_api_tokens(request: HttpRequest) -> HttpResponse:
    return _tokens_page(request, owner=request.user)


@login_required
@never_cache
def account_api_tokens(request: HttpRequest, pk: int) -> HttpResponse:
    permission_require(user=request.user, action="manage_accounts")
    owner = api_token_owner(user=request.user, pk=pk)
    return _tokens_page(request, owner=owner)


def _tokens_page(request: HttpRequest, *, owner) -> HttpResponse:
    """The list and the form; after a valid POST, the same page with the new
    token's text, shown this once."""
    form = ApiTokenForm(request.POST or None)
    created = text = None
    if request.method == "POST" and form.is_valid():
        try:
            created, text = api_token_create(
                actor=request.user,
                owner=owner,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except SurveyError as error:
            form.add_error(None, str(error.message))
        else:
            form = ApiTokenForm()
    context = {
        "owner": owner,
        "own": owner.pk == request.user.pk,
        "tokens": api_tokens_of(owner=owner),
        "form": form,
        "created": created,
        "text": text,
    }
    return render(request, "survey/api_tokens/list.html", context)


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = api_token_for(user=request.user, pk=pk)
    own = token.user_id == request.user.pk
    back = (
        reverse("survey:api_tokens")
        if own
        else reverse("survey:account_api_tokens", args=[token.user_id])
    )
    if not is_confirmed(request):
        message = _(
            "Revoke the token “%(name)s”? Every system that uses it will be "
            "refused at once; this cannot be undone."
        ) % {"name": token}
        return confirmation_page(
            request, message=message, button=_("Revoke"), cancel_url=back
        )
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token})
    return redirect(back)
