"""Who the token belongs to: a first call to check a token works."""

from ninja import Router, Schema

from survey.api.common import ERRORS
from survey.permissions import actions_anywhere

router = Router(tags=["account"])


class Me(Schema):
    username: str
    full_name: str
    token_name: str
    token_expires_at: str
    actions: list[str]


@router.get(
    "me", response={200: Me, **ERRORS}, summary="The token's account and what it may do"
)
def me(request):
    token = request.api_token
    return Me(
        username=request.user.username,
        full_name=request.user.full_name,
        token_name=token.name,
        token_expires_at=token.expires_at.isoformat(),
        actions=sorted(actions_anywhere(user=request.user)),
    )
