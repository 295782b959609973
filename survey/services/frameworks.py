"""Framework versions: copies for editing, and the owner of each framework.

A framework is national (no province: the national coordinator's) or one
province's (its coordinator's). Each changes only its own: a province copies a
national framework as its own (:func:`framework_copy`) rather than changing it.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from survey.errors import SurveyError
from survey.models import Framework, FrameworkVersion, Node, Province
from survey.permissions import permission_require
from survey.selectors.provinces import province_of
from survey.services.audit import audit_record

COPIED_FIELDS = [
    f.name
    for f in Node._meta.concrete_fields
    if f.name not in {"id", "version", "parent", "continues"}
]
CODE_LENGTH = Framework._meta.get_field("code").max_length


class FrameworkCodeInvalid(SurveyError):
    """The code typed for a copy cannot be used; ``message`` says why."""


def framework_owner(*, user) -> Province | None:
    """The province whose frameworks ``user`` manages; None for the national
    coordinator (national frameworks)."""
    return province_of(user)


def framework_change_require(*, user, framework: Framework) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may change ``framework``: a
    province's coordinator their province's frameworks, the national
    coordinator the national ones."""
    permission_require(user=user, action="manage_frameworks")
    owner = framework_owner(user=user)
    if framework.province_id != (owner.pk if owner else None):
        raise PermissionDenied


def framework_code_conflict(*, code: str, province: Province | None) -> str:
    """Why ``code`` cannot name a new or further version of a framework of
    ``province`` (None: national), as an import problem's code
    (:data:`survey.files.issues.MESSAGES`); empty when it can. Codes are unique
    in the whole installation."""
    taken = Framework.unscoped.filter(code=code).first()
    mine = province.pk if province else None
    if taken is None or taken.province_id == mine:
        return ""
    if taken.province_id is None:
        return "framework_code_national"
    if province is None:
        return "framework_code_provincial"
    return "framework_code_other_province"


def framework_copy_code(*, version: FrameworkVersion, province: Province) -> str:
    """The code a copy of national ``version`` gets by default:
    ``<national code>-<PROVINCE CODE>``."""
    return f"{version.framework.code}-{province.code.upper()}"


@transaction.atomic
def framework_copy(
    *, version: FrameworkVersion, user, code: str = ""
) -> FrameworkVersion:
    """Copy national ``version`` as a framework of ``user``'s province, named
    ``code`` (by default :func:`framework_copy_code`): a new draft version with
    the same tree (codes, names, rules, parameters, points, effort), which the
    province then changes as its own. Raises :class:`FrameworkCodeInvalid`."""
    permission_require(user=user, action="manage_frameworks")
    province = framework_owner(user=user)
    if province is None:
        raise PermissionDenied
    if version.framework.province_id is not None:
        raise SurveyError(_("Only a national framework can be copied."))
    code = code.strip() or framework_copy_code(version=version, province=province)
    _check_copy_code(code)
    try:
        with transaction.atomic():
            framework = Framework.objects.create(
                code=code,
                province=province,
                name_vi=version.framework.name_vi,
                name_en=version.framework.name_en,
            )
    except IntegrityError:  # the same code saved meanwhile
        raise FrameworkCodeInvalid(_taken(code)) from None
    copy = FrameworkVersion.objects.create(
        framework=framework,
        year=version.year,
        number=1,
        unit_type=version.unit_type,
        legal_basis=version.legal_basis,
        precision=version.precision,
        levels=version.levels,
        level_edges=version.level_edges,
    )
    _copy_nodes(version, copy, keep_continues=False)
    audit_record(
        actor=user,
        action="framework",
        obj=copy,
        before={"from": version.pk},
        after={"created": code},
        province_id=province.pk,
    )
    return copy


def _check_copy_code(code: str) -> None:
    if len(code) > CODE_LENGTH:
        raise FrameworkCodeInvalid(
            _("A framework code has at most %(max)s characters; type a shorter one.")
            % {"max": CODE_LENGTH}
        )
    if any(c.isspace() for c in code):
        raise FrameworkCodeInvalid(_("A framework code has no spaces."))
    if Framework.unscoped.filter(code__iexact=code).exists():
        raise FrameworkCodeInvalid(_taken(code))


def _taken(code: str) -> str:
    return _("The framework code %(code)s is already used; type another one.") % {
        "code": code
    }


@transaction.atomic
def framework_version_copy(*, version: FrameworkVersion, user=None) -> FrameworkVersion:
    """A new draft version of the same year with the same tree, for editing.

    Each copied node keeps the ``continues`` link of its original, so answers and
    evidence still follow it across years. With ``user``, only the framework's
    owner (:func:`framework_change_require`) may.
    """
    if user is not None and not user.is_superuser:
        framework_change_require(user=user, framework=version.framework)
    last = version.framework.versions.filter(year=version.year).order_by("-number")[0]
    copy = FrameworkVersion.objects.create(
        framework=version.framework,
        year=version.year,
        number=last.number + 1,
        unit_type=version.unit_type,
        legal_basis=version.legal_basis,
        precision=version.precision,
        levels=version.levels,
        level_edges=version.level_edges,
        previous=version.previous,
    )
    _copy_nodes(version, copy, keep_continues=True)
    audit_record(
        actor=user,
        action="framework",
        obj=copy,
        before={"from": version.pk},
        province_id=version.framework.province_id,
    )
    return copy


def _copy_nodes(
    version: FrameworkVersion, copy: FrameworkVersion, *, keep_continues: bool
) -> None:
    originals = list(version.nodes.order_by("id"))
    new_ids: dict[int, int] = {}
    pending = originals
    while pending:
        ready = [n for n in pending if n.parent_id is None or n.parent_id in new_ids]
        created = Node.objects.bulk_create(
            [_copy(node, copy, new_ids, keep_continues) for node in ready]
        )
        new_ids.update(
            (old.pk, new.pk) for old, new in zip(ready, created, strict=True)
        )
        pending = [n for n in pending if n.pk not in new_ids]


def _copy(
    node: Node, version: FrameworkVersion, new_ids: dict[int, int], keep: bool
) -> Node:
    values = {name: getattr(node, name) for name in COPIED_FIELDS}
    return Node(
        version=version,
        parent_id=new_ids.get(node.parent_id),
        continues_id=node.continues_id if keep else None,
        **values,
    )
