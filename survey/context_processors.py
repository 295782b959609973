from django.utils.translation import gettext as _

from survey.permissions import actions_anywhere
from survey.selectors.provinces import province_of, several_provinces
from survey.selectors.verification import notifications_for

_PROVINCE_LABEL = "_dti_province_label"


def navigation(request) -> dict:
    """The menu of the signed-in person: the actions their roles grant somewhere
    (each entry shows when its page's action is among them), unread
    notifications and, when the installation holds several provinces, the
    person's province."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if getattr(request, "two_factor_pending", False):
        # Signed in with the password only: the second factor's page is all there is.
        return {"two_factor_pending": True}
    actions = actions_anywhere(user=user)
    return {
        "nav_actions": actions,
        "nav_unread": notifications_for(user=user, unread_only=True).count(),
        "nav_province": _province_label(request, user, actions),
    }


def _province_label(request, user, actions) -> str:
    """The province the header names: "" with one province (the screens then
    look as they always did); the person's province (found for the request by
    ``ProvinceMiddleware``), or "National" for the national coordinator. One
    query at most, kept on the request."""
    if not hasattr(request, _PROVINCE_LABEL):
        label = ""
        if several_provinces():
            province = province_of(user)
            if province is not None:
                label = province.name
            elif "view_national_results" in actions:
                label = _("National")
        setattr(request, _PROVINCE_LABEL, label)
    return getattr(request, _PROVINCE_LABEL)
