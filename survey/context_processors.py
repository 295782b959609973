from survey.selectors.scope import user_role_names
from survey.selectors.verification import notifications_for


def navigation(request) -> dict:
    """The menu of the signed-in person: their roles and unread notifications."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_roles": user_role_names(user=user),
        "nav_unread": notifications_for(user=user, unread_only=True).count(),
    }
