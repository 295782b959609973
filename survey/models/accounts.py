from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from survey.models.frameworks import Node
from survey.models.provinces import Province, ProvinceManager, default_province
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
    """A user's role: for one unit, province-wide (coordinator, committee
    viewer), or national (national coordinator, no province). Its province is the
    unit's for a unit role."""

    class Role(models.TextChoices):
        EDITOR = "editor", _("Unit editor")
        APPROVER = "approver", _("Unit approver")
        REVIEWER = "reviewer", _("Reviewer")
        COORDINATOR = "coordinator", _("Coordinator")
        COMMITTEE = "committee", _("Committee viewer")
        NATIONAL = "national", _("National coordinator")

    UNIT_ROLES = frozenset({Role.EDITOR, Role.APPROVER})
    PROVINCE_ROLES = frozenset({Role.COORDINATOR, Role.COMMITTEE})
    NATIONAL_ROLES = frozenset({Role.NATIONAL})

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
    province = models.ForeignKey(
        Province,
        models.PROTECT,
        null=True,
        blank=True,
        # Rows written in bulk name it; a national role has none.
        default=default_province,
        related_name="memberships",
        verbose_name=_("province"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    indicators = models.ManyToManyField(
        Node,
        blank=True,
        related_name="reviewer_memberships",
        verbose_name=_("indicators in scope"),
        help_text=_("Reviewers only: empty means every indicator of the unit."),
    )

    objects = ProvinceManager()
    unscoped = models.Manager()  # noqa: DJ012 (ruff takes the one above for a field)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="survey_membership_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role__in=["coordinator", "committee"],
                        unit__isnull=True,
                        province__isnull=False,
                    )
                    | models.Q(
                        role__in=["editor", "approver", "reviewer"],
                        unit__isnull=False,
                        province__isnull=False,
                    )
                    | models.Q(
                        role="national", unit__isnull=True, province__isnull=True
                    )
                ),
                name="survey_membership_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or '—'}"

    def save(self, *args, **kwargs) -> None:
        """A unit role belongs to its unit's province; a province-wide role given
        without one, to the province in scope (or the first)."""
        if self.unit_id is not None:
            self.province_id = self.unit.province_id
        elif self.role in self.NATIONAL_ROLES:
            self.province_id = None
        super().save(*args, **kwargs)
