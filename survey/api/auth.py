"""The API's authentication: a personal token in ``Authorization: Bearer …``.

The request's user becomes the token's account, so that every endpoint asks the
permission table exactly as the pages do; ``request.api_token`` is the token.
"""

from ninja.security import HttpBearer

from survey.services.api_tokens import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = api_token_authenticate(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found
        return found
