from survey.permissions import actions_anywhere
from survey.selectors.verification import notifications_for


def navigation(request) -> dict:
    """The menu of the signed-in person: the actions their roles grant somewhere
    (each entry shows when its page's action is among them) and unread
    notifications."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_actions": actions_anywhere(user=user),
        "nav_unread": notifications_for(user=user, unread_only=True).count(),
    }
