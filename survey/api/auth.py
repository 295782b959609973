"""The API's authentication: a personal token in ``Authorization: Bearer …``.

The request's user becomes the token's account, so that every endpoint asks the
permission table exactly as the pages do; ``request.api_token`` is the token.
"""

from ninja.security import HttpBearer

from survey import province_scope
from survey.selectors.provinces import scope_for
from survey.services.api_tokens import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = api_token_authenticate(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found
        # The token's requests see its account's province only, as the pages do
        # (the middleware restores the scope when the request ends).
        province_scope.enter(scope_for(found.user))
        return found
