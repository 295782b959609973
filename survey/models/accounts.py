from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from survey.models.frameworks import Node
from survey.models.units import Unit


class UserManager(DjangoUserManager):
    def get_by_natural_key(self, username):
        """Logging in as ``DieuPhoi`` finds ``dieuphoi``: user names are unique
        regardless of case (the constraint below), so at most one matches."""
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="survey_user_username_ci_unique",
                violation_error_message=_(
                    "A user with this user name already exists (capitals and small "
                    "letters count as the same)."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A user's role, for one unit or (coordinator, committee viewer) province-wide."""

    class Role(models.TextChoices):
        EDITOR = "editor", _("Unit editor")
        APPROVER = "approver", _("Unit approver")
        REVIEWER = "reviewer", _("Reviewer")
        COORDINATOR = "coordinator", _("Coordinator")
        COMMITTEE = "committee", _("Committee viewer")

    UNIT_ROLES = frozenset({Role.EDITOR, Role.APPROVER})
    PROVINCE_ROLES = frozenset({Role.COORDINATOR, Role.COMMITTEE})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    indicators = models.ManyToManyField(
        Node,
        blank=True,
        related_name="reviewer_memberships",
        verbose_name=_("indicators in scope"),
        help_text=_("Reviewers only: empty means every indicator of the unit."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="survey_membership_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=["coordinator", "committee"], unit__isnull=True)
                    | models.Q(
                        role__in=["editor", "approver", "reviewer"],
                        unit__isnull=False,
                    )
                ),
                name="survey_membership_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or '—'}"
