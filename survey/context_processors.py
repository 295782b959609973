from survey.permissions import actions_anywhere
from survey.selectors.verification import notifications_for


def navigation(request) -> dict:
    """The menu of the signed-in person: the actions their roles grant somewhere
    (each entry shows when its page's action is among them) and unread
    notifications."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if getattr(request, "two_factor_pending", False):
        # Signed in with the password only: the second factor's page is all there is.
        return {"two_factor_pending": True}
    return {
        "nav_actions": actions_anywhere(user=user),
        "nav_unread": notifications_for(user=user, unread_only=True).count(),
    }
