from django.utils.translation import gettext_lazy as _


class SurveyError(Exception):
    """A domain rule refused an action; ``message`` is translated for the user."""

    default_message = _("This action is not allowed.")

    def __init__(self, message=None, *, code: str = "") -> None:
        self.message = message or self.default_message
        self.code = code
        super().__init__(str(self.message))


class TransitionRefused(SurveyError):
    default_message = _("This change of state is not allowed.")


class PermissionRefused(SurveyError):
    default_message = _("You do not have permission to do this.")


class StaleVersion(SurveyError):
    default_message = _("Someone else changed this in the meantime; reload and retry.")
