"""Security settings of the site and the counters that throttle requests."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SecuritySettings(models.Model):
    """The site's security choices: one row, edited by the coordinator."""

    two_factor_required = models.BooleanField(
        _("two-factor sign-in required for coordinators and reviewers"),
        default=False,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("security settings")
        verbose_name_plural = _("security settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class ThrottleHit(models.Model):
    """One counted request (a password reset asked for an address, from an IP):
    the throttle counts the hits of a key within a sliding window. The key is a
    digest, so that no address is kept here."""

    scope = models.CharField(_("scope"), max_length=40)
    key = models.CharField(_("key"), max_length=64)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("throttled request")
        verbose_name_plural = _("throttled requests")
        indexes = [
            models.Index(fields=["scope", "key", "at"], name="survey_throttle_key_at")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.at:%Y-%m-%d %H:%M}"
