"""Provinces, and the wall between them.

Every unit, campaign, provincial framework, feed source and account membership
belongs to one province. Within a request, the person's province is *the scope*
(:mod:`survey.province_scope`, set by ``survey.middleware.ProvinceMiddleware`` and
by the API's token check): the default manager of each model that belongs to a
province returns only that province's rows (national rows, where a model has
them, too). A query that forgets a filter therefore still sees one province;
the permission gate (:mod:`survey.permissions`) counts a province-wide role only
in its own province, a second wall for data reached through a unit.

Outside a request (commands, tasks, tests that do not enter a scope) nothing is
filtered. Code that must read across provinces on purpose (the national view,
the public pages) uses the ``unscoped`` manager, so that it shows in a search.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from survey import province_scope
from survey.models.names import name_in_language


class Province(models.Model):
    """A province (or a centrally-run city) running its own assessment cycle."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name_vi"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return name_in_language(self.name_vi, self.name_en)


def default_province() -> int:
    """The province a new row belongs to when none is given: the scope's
    province, else the installation's first province (made from
    ``DTI_PROVINCE_NAME`` when there is none yet, as in a new installation)."""
    scoped = province_scope.current()
    if isinstance(scoped, int):
        return scoped
    first = Province.objects.order_by("pk").values_list("pk", flat=True).first()
    if first is not None:
        return first
    name = settings.DTI_PROVINCE_NAME
    code = slugify(settings.DTI_PROVINCE_CODE or name) or "tinh"
    return Province.objects.create(code=code[:40], name_vi=name).pk


class ProvinceManager(models.Manager):
    """The default manager of a model that belongs to a province: within a
    province scope, only that province's rows, and with ``shared``, also the
    national ones (a null province). Outside a scope, every row.

    ``path`` and ``shared`` are class attributes, not arguments: Django builds
    the managers of relations (``campaign.assessments``) by subclassing the
    default manager's class and calling it without arguments.
    """

    path = "province"
    shared = False

    @classmethod
    def through(cls, path: str, *, shared: bool = False) -> type["ProvinceManager"]:
        """The manager class for a model that belongs to a province through
        ``path`` (``"campaign__province"``)."""
        name = "ProvinceManager_" + path.replace("__", "_")
        return type(name, (cls,), {"path": path, "shared": shared})

    def get_queryset(self) -> models.QuerySet:
        queryset = super().get_queryset()
        scoped = province_scope.current()
        if scoped is province_scope.UNSCOPED:
            return queryset
        if scoped is None:  # a national account: national rows only
            return queryset.filter(**{f"{self.path}__isnull": True})
        mine = Q(**{self.path: scoped})
        if self.shared:
            mine |= Q(**{f"{self.path}__isnull": True})
        return queryset.filter(mine)
